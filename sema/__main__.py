"""``python -m sema``: the same as the ``sema`` command."""

import sys

from .cli import main

sys.exit(main())
