"""`python -m curator`: the command line, with `curator gui` opening the window."""

import sys

from curator.app import cli_main

sys.exit(cli_main())
