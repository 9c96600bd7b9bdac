"""``python -m optimiser``: the same command line as the ``optimiser`` script."""

from optimiser.entry import console

console()
