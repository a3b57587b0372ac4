"""Live sessions: built by its own issue on top of the foundation."""
