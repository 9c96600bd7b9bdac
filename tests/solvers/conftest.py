"""Every solver test starts and ends without a stop request (it is process-wide)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from solvers.interrupt import clear_stop


@pytest.fixture(autouse=True)
def _no_stop_request() -> Iterator[None]:
    clear_stop()
    yield
    clear_stop()
