"""The Dask cluster that the benchmark suite and the batch commands (scenarios, frontier, regret)
run their processes from: a running scheduler's, or an embedded one of threads (each thread only
waits on its own case's or solve's process), with Dask's own bookkeeping kept off the terminal."""

from __future__ import annotations

import logging
from typing import Any


class _ClosingNoise(logging.Filter):
    """Drops asyncio's "Future exception was never retrieved" for a timeout: Dask's in-process
    cluster leaves one behind at close now and then (a heartbeat cut short); it printed a
    traceback after a regret run and a smoke suite that had finished without fault."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        unretrieved = str(record.msg).startswith("Future exception was never retrieved")
        return not (unretrieved and isinstance(error, TimeoutError))


def quiet_dask() -> None:
    """No tracebacks from Dask's own bookkeeping on the user's terminal: its loggers' output
    below ERROR off ("Batched Comm Closed", logged at INFO with a traceback when the in-process
    cluster closes), and :class:`_ClosingNoise` on asyncio's logger.  A case's or a solve's
    failure is still reported, by its row or outcome."""
    for handler in logging.getLogger("distributed").handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setLevel(max(handler.level, logging.ERROR))
    logging.getLogger("distributed").setLevel(logging.ERROR)
    asyncio_log = logging.getLogger("asyncio")
    if not any(isinstance(f, _ClosingNoise) for f in asyncio_log.filters):
        asyncio_log.addFilter(_ClosingNoise())


class SchedulerUnreachable(Exception):
    """``--scheduler`` names no running Dask scheduler (nothing answers, or not an address)."""


def dask_client(scheduler: str | None, workers: int) -> tuple[Any, Any]:
    """A client of the scheduler at ``scheduler``, else of a new embedded cluster of ``workers``
    threads (no dashboard, and its HTTP server on a free port, not 8787, which another run may
    hold); the cluster is None for a running scheduler."""
    from dask.distributed import Client, LocalCluster

    quiet_dask()
    if scheduler:
        try:
            return Client(scheduler), None
        except (OSError, ValueError) as exc:  # nothing answers there, or not an address
            raise SchedulerUnreachable(
                f"--scheduler {scheduler}: no Dask scheduler answers there ({exc})"
            ) from None
    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=False,
        dashboard_address=":0",
        scheduler_kwargs={"dashboard": False},
    )
    return Client(cluster), cluster
