"""``python -m factcheck``: the same as the ``factcheck`` command."""

import sys

from factcheck.cli import main

sys.exit(main())
