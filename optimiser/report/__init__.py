"""``optimiser report``: one self-contained HTML file a board can read, from a run or a comparison.

The page holds everything it shows: figures and tables as HTML, the map and charts as inline SVG
(:mod:`optimiser.report.svgmap`, matplotlib for charts), styles inline, no script and nothing
fetched, so it opens offline, from an e-mail attachment, and prints.  Jinja2 renders it (with
autoescaping, so names from the instance cannot inject markup).
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
import pandas as pd

from models.common.words import count
from optimiser.exports.numbers import MONEY_DECIMALS, column_decimals
from optimiser.outputs import list_in_run, owned_by_run, replacing
from optimiser.report.context import comparison_context, run_context
from optimiser.report.instance import instance_mismatch

REPORT_FILE = "report.html"
GENERATOR = '<meta name="generator" content="nhs-cancer-optimiser">'
"""The mark every report carries in its head, by which a report.html is known to be the engine's."""
FOOTER = "NHS cancer services optimiser"  # the footer of reports written before the mark


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("optimiser.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["count"] = count  # {{ rows | count("row") }}: "1 row", "2 rows"
    return env


def write_report(
    folder: Path, out: Path | None = None, years: Sequence[int] | None = None, instance: Path | None = None
) -> Path:
    """Write ``report.html`` for the run or comparison folder ``folder``; return its path (and the
    charts it drew beside it: :func:`write_report_files`).

    ``years``: the years of a roll-out run to map, each a year or a position 1..T (None: the
    first, middle and last).  Raises ValueError for years of another kind of run or not in it.
    ``instance``: where a run's instance is now, when it has moved since the run.
    """
    return write_report_files(folder, out, years, instance)[-1]


def write_report_files(
    folder: Path, out: Path | None = None, years: Sequence[int] | None = None, instance: Path | None = None
) -> list[Path]:
    """:func:`write_report`, returning every file it wrote: the charts drawn for it into
    ``folder`` (a regret's ``regret.svg``), then the report itself, so that no caller has to guess
    which charts a report adds."""
    folder = Path(folder)
    if (folder / "comparison.csv").is_file():
        if years is not None or instance is not None:
            raise ValueError("--years and --instance apply to a run folder, not to a comparison")
        context = comparison_context(folder)
    elif (folder / "run.json").is_file():
        if instance is not None and (wrong := instance_mismatch(folder, instance)) is not None:
            raise ValueError(wrong)
        context = run_context(folder, years, instance)
    else:
        raise FileNotFoundError(f"{folder} holds neither a run (run.json) nor a comparison (comparison.csv)")
    drawn: list[Path] = context.pop("drawn", [])
    html = _environment().get_template("report.html.j2").render(**context)
    path = out or folder / REPORT_FILE
    if out is None:
        _refuse_a_report_of_yours(folder, path)
    with replacing(path) as tmp:
        tmp.write_text(html, encoding="utf-8")
    if out is None:
        list_in_run(folder, REPORT_FILE)
    return [*drawn, path]


def _refuse_a_report_of_yours(folder: Path, path: Path) -> None:
    """Raise ValueError when ``path`` is a symbolic link, or a file optimiser did not write (not
    listed in the run's ``run.json`` and without the report's generator mark)."""
    if path.is_symlink():
        raise ValueError(f"{path} is a symbolic link; nothing was written: remove it, or move the run folder")
    if not path.exists() or owned_by_run(folder, REPORT_FILE):
        return
    try:
        head = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        head = ""
    if GENERATOR not in head and FOOTER not in head:
        raise ValueError(
            f"{path} is a file optimiser did not write; nothing was replaced: "
            "move it, then run the report again"
        )


WRAP_TEXT = 80
"""Characters of a text cell shown on one line in a report's table; a longer text (a cover
grid's week, an OOH rota's sites, a scenario's explanation) wraps in a column of its own width
(``class="wrap"`` in the report's style), so it neither stretches its row many lines tall in a
narrow column nor the table across screens."""
LONG_TEXT = 300
"""Characters of a text cell shown at most; a longer text is cut at a word before it, ends with an
ellipsis and carries the whole text as its tooltip (``title``); the CSV file holds it whole."""


def table_html(frame: pd.DataFrame, limit: int = 200) -> str:
    """A plain HTML table (escaped), numbers formatted for reading, long texts wrapped or shortened
    (:func:`text_cell`)."""
    shown = frame.head(limit).copy()
    for column in shown.columns:
        if pd.api.types.is_float_dtype(shown[column]):
            money = column_decimals(column) == MONEY_DECIMALS
            shown[column] = shown[column].map(readable_money if money else readable)
        shown[column] = shown[column].map(text_cell)
    shown.columns = [html.escape(str(column)) for column in shown.columns]
    return shown.to_html(index=False, escape=False, border=0, classes="data", na_rep="")


def text_cell(value: Any) -> Any:
    """A cell as escaped HTML: a text over :data:`WRAP_TEXT` characters in a wrapping span, one
    over :data:`LONG_TEXT` also shortened, whole in its ``title``; a missing value left missing
    (written blank)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return value
    text = str(value)
    if len(text) <= WRAP_TEXT:
        return html.escape(text)
    if len(text) <= LONG_TEXT:
        return f'<span class="wrap">{html.escape(text)}</span>'
    cut = text[: LONG_TEXT - 1]
    cut = cut.rsplit(" ", 1)[0] if " " in cut[LONG_TEXT // 2 :] else cut
    shown = html.escape(cut.rstrip(" ,;:")) + "\u2026"
    return f'<span class="wrap" title="{html.escape(text)}">{shown}</span>'


def readable(value: float) -> str:
    """A number as a reader wants it: thousands separated, four significant figures below 1,000,
    written out in decimals (``0.00008064``, not ``8.064e-05``)."""
    if pd.isna(value):
        return ""
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    # never in scientific notation: a board read a gap of 8.1e-05
    return str(np.format_float_positional(value, precision=4, fractional=False, trim="-"))


def readable_money(value: float) -> str:
    """Pounds as the CSV holds them, to the penny (``305.98``, not ``306``), thousands separated;
    whole pounds without pence (``10,260``), so a planner can add up the rows the report shows."""
    if pd.isna(value):
        return ""
    pence = round(float(value), MONEY_DECIMALS)
    return f"{pence:,.0f}" if pence == round(pence) else f"{pence:,.2f}"


def read_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
