"""Reflex states: one module per feature; each handler passes the guard, then calls one service."""
