"""Curator: curate a catalog of publications."""

from importlib.metadata import PackageNotFoundError, version

try:
    # One place for the version: pyproject.toml, read back from the installed package's metadata
    # (a wheel, an editable install or the app bundle, which carries the metadata too).
    __version__ = version("curator")
except PackageNotFoundError:  # the sources on sys.path without being installed
    __version__ = "0+unknown"
