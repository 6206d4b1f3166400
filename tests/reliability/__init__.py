"""The reliability suite: kill -9, concurrent writers and undo identity, through real processes."""
