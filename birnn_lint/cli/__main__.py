"""`python -m birnn_lint.cli`: the console script."""

import sys

from birnn_lint.cli.app import main

sys.exit(main())
