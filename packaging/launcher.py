"""Entry point of the frozen app: the same command line as ``python -m mesodesk``."""

import sys

from mesodesk.cli import main

if __name__ == "__main__":
    sys.exit(main())
