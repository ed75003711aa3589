"""``python -m sema``: the same as the ``sema`` command."""

from .cli import entry

entry()
