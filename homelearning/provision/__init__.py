"""Who receives remote education: built by its own issue on top of the foundation."""
