"""dedup layer."""
