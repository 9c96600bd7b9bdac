"""Bank holidays: England's known by default; a cover pattern's ``bank_holiday`` rows apply on them.

Easter Monday 2025 is Monday 21 April; Good Friday is Friday 18 April.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from instances.generators.rostering import lsc_registrar_oncall, lsc_sact_nurses
from models.roster.catalogue import weekly_cover
from optimiser.cli import main
from optimiser.kinds import load_instance

EASTER_MONDAY = dt.date(2025, 4, 21)
PATTERN = pd.DataFrame(
    [
        ("Mon", "E", 2, 3),
        ("Mon", "L", 2, 3),
        ("Fri", "E", 1, 2),
        ("bank_holiday", "L", 1, 1),
    ],
    columns=["weekday", "shift_id", "minimum", "preferred"],
)


def rows_on(cover: pd.DataFrame, date: dt.date) -> list[tuple]:
    day = cover[pd.to_datetime(cover["date"]).dt.date == date]
    return sorted(zip(day["shift_id"], day["minimum"], day["preferred"], strict=True))


def test_bank_holiday_rows_replace_the_weekdays_rows() -> None:
    cover = weekly_cover(PATTERN, dt.date(2025, 4, 14), 14, holidays={EASTER_MONDAY, dt.date(2025, 4, 18)})
    assert rows_on(cover, dt.date(2025, 4, 14)) == [("E", 2, 3), ("L", 2, 3)]  # an ordinary Monday
    assert rows_on(cover, EASTER_MONDAY) == [("L", 1, 1)]  # no early shift on Easter Monday
    assert rows_on(cover, dt.date(2025, 4, 18)) == [("L", 1, 1)]  # Good Friday
    # Without bank_holiday rows a pattern treats bank holidays as ordinary days.
    plain = weekly_cover(
        PATTERN[PATTERN["weekday"] != "bank_holiday"], dt.date(2025, 4, 14), 14, {EASTER_MONDAY}
    )
    assert rows_on(plain, EASTER_MONDAY) == [("E", 2, 3), ("L", 2, 3)]


def make(folder: Path) -> Path:
    args = ["--staff", "6", "--days", "14", "--seed", "1", "--first-date", "2025-04-14", str(folder)]
    result = CliRunner().invoke(main, ["generate", "roster", *args])
    assert result.exit_code == 0, result.output
    pattern = pd.read_csv(folder / "cover_pattern.csv", dtype=str, keep_default_na=False)
    bank = pattern[(pattern["weekday"] == "Sun") & (pattern["shift_id"] == "N")].assign(
        weekday="bank_holiday"
    )
    pd.concat([pattern, bank]).to_csv(folder / "cover_pattern.csv", index=False)
    return folder


def test_an_instance_knows_easter_monday_and_can_add_or_remove_holidays(tmp_path: Path) -> None:
    folder = make(tmp_path / "g")
    cover = load_instance(folder).model_input.input.cover
    sunday, monday = [("N", 1, 1)], rows_on(cover, dt.date(2025, 4, 14))  # bank holidays: nights only
    assert monday == [("E", 0, 1), ("E", 1, 1), ("L", 1, 1), ("N", 1, 1)]
    assert rows_on(cover, EASTER_MONDAY) == sunday and rows_on(cover, dt.date(2025, 4, 18)) == sunday
    # Easter Monday worked as a normal Monday; Wednesday 16 April a local holiday (a trust closure day).
    (folder / "bank_holidays.csv").write_text(
        "date,holiday,name\n2025-04-21,false,worked as normal\n2025-04-16,true,trust closure day\n"
    )
    cover = load_instance(folder).model_input.input.cover
    assert rows_on(cover, EASTER_MONDAY) == monday
    assert rows_on(cover, dt.date(2025, 4, 16)) == sunday
    assert rows_on(cover, dt.date(2025, 4, 18)) == sunday  # Good Friday stays a holiday


def test_bundled_rotas_cover_bank_holidays_their_own_way() -> None:
    nurses = lsc_sact_nurses().cover
    for date in (dt.date(2025, 4, 18), EASTER_MONDAY):  # the day unit is closed
        assert rows_on(nurses, date) == [("E", 0, 0)]
        assert nurses[pd.to_datetime(nurses["date"]).dt.date == date]["maximum"].tolist() == [0]
    registrars = lsc_registrar_oncall().cover
    assert rows_on(registrars, dt.date(2025, 8, 25)) == [("N", 1, 1), ("OC", 1, 1)]  # summer bank holiday
    assert rows_on(registrars, dt.date(2025, 8, 18)) == [("D", 1, 1), ("D", 3, 5), ("N", 1, 1)]
