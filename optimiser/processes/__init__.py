"""Running solves as processes: one command under a wall-clock and a memory limit
(:mod:`optimiser.processes.limits`) and the Dask cluster that runs many at once
(:mod:`optimiser.processes.cluster`). The batch commands (scenarios, frontier, regret) run their
solves with them, and the benchmark suite its cases: the suite uses the shell's, never the
reverse."""
