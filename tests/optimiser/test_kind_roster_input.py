"""``kind: roster`` input the schema lets through but the rota cannot use: exit 2 naming file, row
and column (the user trial's findings), never a traceback nor a silent change of the rota."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from instances import bundled_path
from optimiser.cli import main
from optimiser.kinds import load_instance


@pytest.fixture
def nurses(tmp_path: Path) -> Path:
    folder = tmp_path / "n"
    shutil.copytree(bundled_path("lsc-sact-nurses"), folder)
    return folder


def run(*args: str) -> tuple[int, list[str]]:
    """The exit code and the lines printed (the problems indented under their count)."""
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output.splitlines()


def edit(folder: Path, file: str, old: str, new: str) -> None:
    path = folder / file
    text = path.read_text()
    assert old in text, f"{old!r} not in {file}"
    path.write_text(text.replace(old, new, 1))


def test_a_rule_limit_beyond_the_longest_rota_is_refused(nurses: Path) -> None:
    """1e9 consecutive days passed validation, then overflowed the dates of the solve's windows."""
    edit(nurses, "rules.csv", "*,max_consecutive_days,,5.0", "*,max_consecutive_days,,1000000000")
    edit(nurses, "rules.csv", "*,max_hours_7_days,,48.0", "*,max_hours_7_days,,1e11")
    edit(nurses, "rules.csv", "*,max_weekends,,4.0", "*,max_weekends,,105")  # the most allowed
    code, lines = run("validate", str(nurses))
    assert code == 2
    rules = nurses / "rules.csv"
    assert lines[1:] == [
        f"  {rules}, row 3, column 'limit': 1e+09 is above the maximum 731 days for max_consecutive_days "
        "(all that the longest rota, 731 days, holds)",
        f"  {rules}, row 4, column 'limit': 1e+11 is above the maximum 17,544 hours for max_hours_7_days "
        "(all that the longest rota, 731 days, holds)",
    ]


def test_a_second_leave_row_for_the_same_day_is_refused(nurses: Path) -> None:
    """The model kept one of the two rows: the other's credit hours were lost from the contract."""
    with (nurses / "leave.csv").open("a") as leave:
        leave.write("N02,2025-03-11,annual leave,3.75\nN02,2025-03-11,study,3.75\n")
    rows = len((nurses / "leave.csv").read_text().splitlines())
    code, lines = run("validate", str(nurses))
    assert code == 2
    assert lines[1:] == [
        f"  {nurses / 'leave.csv'}, row {rows}, column 'date': N02 already has leave on 2025-03-11 "
        f"(row {rows - 1}); give one row a day, its credit_hours the day's total"
    ]


def test_paid_minutes_beyond_the_shifts_length_are_refused(nurses: Path) -> None:
    edit(nurses, "shifts.csv", "E,early,07:30,480,450", "E,early,07:30,480,490")
    edit(nurses, "shifts.csv", "LD,long day,07:30,750,690", "LD,long day,07:30,750,750")  # all paid: fine
    code, lines = run("validate", str(nurses))
    assert code == 2
    assert lines[1:] == [
        f"  {nurses / 'shifts.csv'}, row 2, column 'paid_minutes': 490 paid minutes are more than the "
        "shift's 480 (paid: the length less unpaid breaks)"
    ]


def test_skills_nobody_holds_and_skills_run_together_are_refused(nurses: Path) -> None:
    """Both passed validation, and the solve then said the cover's skill had "0 of 0" staff."""
    edit(nurses, "cover_pattern.csv", "Mon,E,PICC,", "Mon,E,PIC,")
    edit(nurses, "cover_pattern.csv", "Tue,E,PICC,", "Tue,E,venepuncture,")
    edit(nurses, "staff.csv", "N02,Ben Hughes,band6,charge|PICC", "N02,Ben Hughes,band6,charge;PICC")
    code, lines = run("validate", str(nurses))
    assert code == 2
    held = "skills held: PICC, charge, charge;PICC (staff column skills)"
    cover = nurses / "cover_pattern.csv"
    assert lines[1:] == [
        f"  {nurses / 'staff.csv'}, row 3, column 'skills': skill 'charge;PICC' holds ';': separate skills "
        "with | (charge|PICC)",
        f"  {cover}, row 7, column 'skill': no staff member has skill 'PIC' (did you mean 'PICC'?); {held}",
        f"  {cover}, row 14, column 'skill': no staff member has skill 'venepuncture'; {held}",
    ]


def test_a_request_to_work_on_a_leave_day_or_a_fixed_day_off_is_noted(nurses: Path) -> None:
    """It can never be granted (denied on every rota, a constant of the penalty): the run says so,
    naming the rows, and still makes the rota; a request for a day off on leave says nothing."""
    with (nurses / "requests.csv").open("a") as requests:
        requests.write("N08,2025-03-10,E,on,4\nN01,2025-03-17,,on,4\nN01,2025-03-18,,off,4\n")
    loaded = load_instance(nurses)
    file = nurses / "requests.csv"
    assert loaded.model_input.notes == (
        f"{file}: 2 requests to work fall on the person's leave or fixed day off and are denied on every "
        "rota (their weight is in every rota's penalty): row 10 (N08 asks to work shift E on 2025-03-10, "
        "a Monday: a fixed day off); row 11 (N01 asks to work a shift on 2025-03-17, on annual leave).",
    )


def test_a_request_listed_twice_is_noted(nurses: Path) -> None:
    """Each row counts (its weight twice, and two denials): the run says so, naming the rows; a
    refusal would turn away the generator's wards, which draw such repeats."""
    with (nurses / "requests.csv").open("a") as requests:
        requests.write("N03,2025-03-19,,off,4\nN03,2025-03-19,,off,4\nN05,2025-03-20,L,on,2\n")
    notes = load_instance(nurses).model_input.notes
    assert notes == (
        f"{nurses / 'requests.csv'}: 1 request is listed more than once, and each row counts as a "
        "request of its own (its weight paid, and a denial reported, once a row): rows 10, 11 (N03 asks "
        "not to work on 2025-03-19).",
    )


def test_leave_credited_beyond_the_contract_is_noted_by_person_and_week(nurses: Path) -> None:
    """Three weeks of leave at 7.5 h a day for Hannah Booth's 22.5-h contract: 37.5 h a week held
    against 22.5 left her owing hours back, an unavoidable contract-hours penalty put down to the
    rota; each week counts its contracted hours and the run names the person and the weeks."""
    with (nurses / "leave.csv").open("a") as leave:
        leave.writelines(
            f"N08,2025-03-{3 + 7 * w + d:02d},annual leave,7.5\n" for w in range(3) for d in range(5)
        )
    loaded = load_instance(nurses)
    credit = loaded.model_input.input.leave.query("staff_id == 'N08'")["credit_hours"]
    assert credit.sum() == pytest.approx(3 * 22.5)
    assert loaded.model_input.notes == (
        f"{nurses / 'leave.csv'}: leave credits more hours than the contract in 3 weeks, each counted as "
        "the week's contracted hours (its days' credit_hours scaled down), so no hours are owed back: "
        "N08 (Hannah Booth): week of 2025-03-03 (37.5 h of leave, 22.5 h contracted), week of 2025-03-10 "
        "(37.5 h of leave, 22.5 h contracted), week of 2025-03-17 (37.5 h of leave, 22.5 h contracted).",
    )


def test_validate_prints_the_notes_on_the_input_as_solve_does(nurses: Path) -> None:
    """validate said only 'a valid roster instance' of a leave file solve then noted (rows outside
    the rota, ignored), so a coordinator checking the files first never saw it."""
    with (nurses / "leave.csv").open("a") as leave:
        leave.write("N03,2025-06-02,annual leave,7.5\n")
    code, lines = run("validate", str(nurses))
    assert code == 0
    assert lines[1].startswith(
        f"Note on the input: {nurses / 'leave.csv'}: 1 of 34 leave rows are dated outside"
    )
