"""The app bundle's one entry point, built twice: `curator-gui` opens the window, `curator` is
the command line (whose `curator gui` opens the window too)."""

import multiprocessing
import sys
from pathlib import Path

if __name__ == "__main__":
    # A big BibTeX import reads the file in a spawned process: in a frozen app that child starts
    # this executable again, and freeze_support() makes it the reader, not a second app.
    multiprocessing.freeze_support()
    from curator.app import cli_main, main

    windowed = Path(sys.executable).stem.lower() == "curator-gui"
    sys.exit(main() if windowed else cli_main())
