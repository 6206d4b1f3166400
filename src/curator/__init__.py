"""Curator: curate a catalog of publications."""

__version__ = "0.1.0"
