"""The domain: who may do what, and doing it (plain Python, no Reflex import)."""
