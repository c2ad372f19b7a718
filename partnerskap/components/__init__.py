"""Shared UI: the page shell, navigation, forms."""
