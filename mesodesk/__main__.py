import sys

from mesodesk.cli import main

sys.exit(main())
