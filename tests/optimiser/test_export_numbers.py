"""Numbers in run tables: fixed decimals by what a column holds, shares within [0, 1]
(:mod:`optimiser.exports.numbers`, written by :func:`optimiser.exports.safe.write_csv`).

Planners open these files in Excel: ``1.0000000000000007`` (a share above one) or
``60.79499999999993`` attendances make a plan look wrong even when it is right.
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from optimiser.cli import main
from optimiser.exports.numbers import column_decimals, rounded_frame
from optimiser.exports.safe import write_csv
from optimiser.exports.workbook import write_workbook

# The documented precision (README, "Numbers in the output tables"): written here again, not
# imported, so that the test states the contract rather than echoing the code.
SHARE_DECIMALS, MONEY_DECIMALS, OTHER_DECIMALS, DISCOUNT_DECIMALS = 6, 2, 4, 10
SHARE = re.compile(r"^(share|utilisation|gap|target|achieved|(served_)?within_\w+|\w+_share|\w+_factor)$")
BOUNDED = re.compile(r"^(share|(served_)?within_\w+|\w+_share)$")  # shares of a whole: never outside [0, 1]
MONEY = re.compile(
    r"^(cost|\w+_cost|saving|penalty|\w+_penalty|recharge|total|\w+_total"
    r"|running|capital|closures|patient_travel|drug_transport)$"
)
DECIMAL = re.compile(r"^-?\d+\.(\d+)$")


def allowed_decimals(column: str) -> int:
    name = [part for part in column.split(".") if not part.isdigit()][-1]  # not a year
    if name == "discount_factor":
        return DISCOUNT_DECIMALS
    if SHARE.match(name):
        return SHARE_DECIMALS
    if MONEY.match(name):
        return MONEY_DECIMALS
    return OTHER_DECIMALS


def findings(folder: Path) -> list[str]:
    """Every cell of every CSV in ``folder`` with more decimals than its column allows, written
    in exponent form, or a share of a whole outside [0, 1] (``-0.0`` counts as outside)."""
    found = []
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                for column, cell in row.items():
                    where = f"{path.name} line {line} {column}={cell}"
                    if re.match(r"^-?[\d.]+[eE][-+]?\d+$", cell):
                        found.append(f"{where}: exponent form")
                        continue
                    match = DECIMAL.match(cell)
                    if match and len(match.group(1)) > allowed_decimals(column):
                        found.append(f"{where}: more than {allowed_decimals(column)} decimals")
                    if match and BOUNDED.match(column.rsplit(".", 1)[-1]):
                        value = float(cell)
                        if not (0.0 <= value <= 1.0) or math.copysign(1.0, value) < 0:
                            found.append(f"{where}: a share outside [0, 1]")
    return found


@pytest.mark.parametrize("instance", ["syb-sact-districts", "lsc-sact-districts", "lsc-ooh"])
def test_solve_writes_every_number_to_its_columns_decimals(instance: str, tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = CliRunner().invoke(main, ["solve", instance, "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert list(out.glob("*.csv"))
    problems = findings(out)
    assert not problems, "\n".join(problems[:30])


@pytest.mark.parametrize(
    ("column", "decimals"),
    [
        ("share", 6),
        ("within_30", 6),
        ("within_access_standard", 6),
        ("served_within_access_standard", 6),
        ("utilisation", 6),
        ("discount_factor", 10),  # times a year's millions, to the penny (6 left it up to £4 off)
        ("transport_factor", 6),
        ("quintile_1.within_45", 6),
        ("within_30_by_year.2026", 6),  # judged by its name, not its year (was 4)
        ("chairs_by_year.2026", 4),
        ("target", 6),
        ("transport_cost", 2),
        ("costs.total", 2),
        ("discounted_total", 2),
        ("saving", 2),
        ("patient_travel", 2),
        ("attendances", 4),
        ("minutes", 4),
        ("doses", 4),
        ("hours", 4),
        ("costs.attendance_minutes", 4),
    ],
)
def test_column_decimals_by_what_the_column_holds(column: str, decimals: int) -> None:
    assert column_decimals(column) == decimals
    assert allowed_decimals(column) == decimals  # the code and the contract above agree


def test_rounded_frame_rounds_floats_only() -> None:
    frame = pd.DataFrame(
        {
            "zone_id": ["=Z1", "Z2", "Z3"],
            "chairs": [3, 4, 5],
            "open": [True, False, True],
            "attendances": [60.79499999999993, -1e-12, np.nan],
            "within_30": [1.0000000000000007, 0.94517115063, 0.0],
            "transport_cost": [3625.987, 0.004, 12.5],
            "plan": [7101.58449, "text", 2],  # mixed cells: floats rounded, the rest kept
            "date": pd.to_datetime(["2026-04-06", "2026-04-07", "2026-04-08"]),
        }
    )
    out = rounded_frame(frame)
    assert out["attendances"].tolist()[:2] == [60.795, 0.0]
    assert math.copysign(1.0, out["attendances"].iloc[1]) == 1.0  # -0.0 written as 0.0
    assert np.isnan(out["attendances"].iloc[2])
    assert out["within_30"].tolist() == [1.0, 0.945171, 0.0]
    assert out["transport_cost"].tolist() == [3625.99, 0.0, 12.5]
    assert out["plan"].tolist() == [7101.5845, "text", 2]
    for column in ("zone_id", "chairs", "open", "date"):
        pd.testing.assert_series_equal(out[column], frame[column])
    assert frame["attendances"].iloc[0] == 60.79499999999993  # the plan's own table is not changed


def test_csv_and_workbook_hold_the_same_rounded_figures(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {"site_id": ["A"], "chairs": [3], "minutes": [16.836544287812362], "cost": [0.1 + 0.2]}
    )
    write_csv(frame, tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_text().splitlines() == ["site_id,chairs,minutes,cost", "A,3,16.8365,0.3"]
    write_workbook(tmp_path / "t.xlsx", {"t": frame})
    sheet = pd.read_excel(tmp_path / "t.xlsx", sheet_name="t")
    pd.testing.assert_frame_equal(sheet, pd.read_csv(tmp_path / "t.csv"))
