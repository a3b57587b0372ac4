"""Calls and contact with families: built by its own issue on top of the foundation."""
