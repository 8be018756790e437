import sys

from digitpad.cli import main

sys.exit(main())
