"""The ``optimiser`` console script's entry point, kept free of the engine's imports.

The run's clock starts with the process (:func:`optimiser.clock.mark_process_start`); then the
command line and, with it, pandas, HiGHS and OR-Tools are imported, which takes 1.5-6 s.  A Ctrl-C
in those seconds used to end the command with a ``KeyboardInterrupt`` traceback, from the console
script's own import line; here it ends as click ends a Ctrl-C before a solve: "Aborted!" and exit 1.
"""

from __future__ import annotations

import sys

EXIT_ABORTED = 1
"""Exit code of a command stopped by Ctrl-C before it had a plan (click's, for its own Ctrl-C)."""


def console() -> None:
    """Start the run's clock, import the command line and run it; Ctrl-C while importing: exit 1."""
    try:
        from optimiser.clock import mark_process_start

        mark_process_start()
        from optimiser.cli import main
    except KeyboardInterrupt:
        sys.stderr.write("Aborted!\n")
        sys.exit(EXIT_ABORTED)
    main()
