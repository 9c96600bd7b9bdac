"""The run's timestamp, which every file of a run carries (calendars' DTSTAMP, workbook's creation)."""

from __future__ import annotations

import datetime as dt
import os


def run_timestamp() -> dt.datetime:
    """The run's timestamp (UTC, whole seconds): ``SOURCE_DATE_EPOCH`` when set (reproducible
    builds' convention), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.now(dt.UTC).replace(microsecond=0)
