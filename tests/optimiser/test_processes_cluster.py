"""The Dask cluster of the suite and the batch commands keeps Dask's bookkeeping off the terminal."""

from __future__ import annotations

import logging

import pytest

from optimiser.processes.cluster import quiet_dask


def test_dasks_closing_noise_is_kept_off_the_terminal(caplog: pytest.LogCaptureFixture) -> None:
    """After :func:`quiet_dask`, Dask's INFO bookkeeping and asyncio's "Future exception was never
    retrieved" for a timeout are not logged; other asyncio errors still are."""
    quiet_dask()
    assert not logging.getLogger("distributed.batched").isEnabledFor(logging.INFO)
    log = logging.getLogger("asyncio")
    with caplog.at_level(logging.ERROR, logger="asyncio"):
        for error in (TimeoutError("Timeout"), RuntimeError("a real fault")):
            try:
                raise error
            except Exception:
                log.error("Future exception was never retrieved", exc_info=True)
    kept = [r.exc_info[1] for r in caplog.records if r.exc_info]
    assert len(kept) == 1 and isinstance(kept[0], RuntimeError)
