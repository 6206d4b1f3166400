"""The catalog screen: the works table, the editor and the source records."""
