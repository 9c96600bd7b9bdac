"""Hostile and broken input is exit 2 naming file, row and column: never a traceback, never followed.

Issue 17, items 4 and 7-11: files outside the instance folder, numbers that are not numbers,
dates out of range, headers repeated up to spaces, empty tables, YAML aliases, workbook bombs.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from instances import bundled_path
from optimiser import instance_files
from optimiser.cli import main


def validate(folder: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["validate", str(folder)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def set_cell(csv: Path, row: int, column: str, value: str) -> None:
    """Put ``value`` in spreadsheet row ``row`` (header = 1) of ``column``."""
    frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
    frame.loc[row - 2, column] = value
    frame.to_csv(csv, index=False)


def add_parameter(instance: Path, line: str) -> None:
    yaml = instance / "instance.yaml"
    text = yaml.read_text()
    yaml.write_text(text.replace("parameters:\n", f"parameters:\n  {line}\n", 1))


# --------------------------------------------------------------------------- item 4: files stay inside


def test_table_symlinked_outside_is_refused(tiny_instance: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.move(tiny_instance / "travel.csv", outside / "secret.csv")
    (tiny_instance / "travel.csv").symlink_to(outside / "secret.csv")
    code, out = validate(tiny_instance)
    assert code == 2
    assert (
        f"{tiny_instance / 'travel.csv'}: '{tiny_instance / 'travel.csv'}' lies outside the instance folder"
        in out
    )


@pytest.mark.parametrize("named", ["../outside/stolen.xlsx", "ABSOLUTE"])
def test_workbook_outside_the_folder_is_refused(tiny_instance: Path, tmp_path: Path, named: str) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    book = outside / "stolen.xlsx"
    with pd.ExcelWriter(book) as writer:
        pd.DataFrame({"a": [1]}).to_excel(writer, sheet_name="zones", index=False)
    named = str(book) if named == "ABSOLUTE" else named
    yaml = tiny_instance / "instance.yaml"
    yaml.write_text(f"workbook: '{named}'\n" + yaml.read_text())
    code, out = validate(tiny_instance)
    assert code == 2
    assert "column 'workbook'" in out and "lies outside the instance folder" in out
    assert "zones" not in out.split("lies outside")[1]  # the workbook was never read


def test_a_folder_named_like_a_table_is_refused(tiny_instance: Path) -> None:
    (tiny_instance / "nurses.csv").mkdir()
    code, out = validate(tiny_instance)
    assert code == 2 and "nurses.csv' is not a regular file" in out


# --------------------------------------------------------------------------- item 7: numbers


@pytest.mark.parametrize("value", ["inf", "-inf", "1e309", "nan", "NaN", "-Infinity"])
def test_non_finite_number_cell(tiny_instance: Path, value: str) -> None:
    set_cell(tiny_instance / "zones.csv", 3, "attendances", value)
    code, out = validate(tiny_instance)
    assert code == 2
    assert f"zones.csv, row 3, column 'attendances': '{value}' is not a finite number" in out


def test_number_beyond_the_sane_range_is_reported_as_written(tiny_instance: Path) -> None:
    set_cell(tiny_instance / "sites.csv", 2, "max_chairs", "1e20")  # an integer column
    set_cell(tiny_instance / "zones.csv", 4, "attendances", "-2e13")
    code, out = validate(tiny_instance)
    assert code == 2
    assert "sites.csv, row 2, column 'max_chairs': '1e20' is above the maximum 1e+12" in out
    assert "zones.csv, row 4, column 'attendances'" in out  # declared minimum 0 wins
    assert "-9223372036854775808" not in out


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("attendances_per_1000: .inf", "'inf' is not a number"),
        ("attendances_per_1000: .nan", "'nan' is not a number"),
        ("attendances_per_1000: 1e309", "'1e309' is not a number"),
        ("budget: 1.0e+20", "1e+20 is above the maximum 1e+12"),
        ("max_open_sites: 1e309", "'1e309' is not a whole number"),
        ("max_open_sites: 100000000000000000000", "100000000000000000000 is above the maximum 1e+12"),
        ("max_open_sites: [1, 2]", "'[1, 2]' is not a whole number"),
        ("objective: {a: 1}", "'{'a': 1}' is not text"),
    ],
)
def test_bad_number_parameter(tiny_instance: Path, line: str, message: str) -> None:
    add_parameter(tiny_instance, line)
    code, out = validate(tiny_instance)
    assert code == 2
    assert f"column 'parameters.{line.split(':')[0]}': {message}" in out


# --------------------------------------------------------------------------- item 8: dates


@pytest.fixture
def nurses(tmp_path: Path) -> Path:
    folder = tmp_path / "nurses"
    shutil.copytree(bundled_path("lsc-sact-nurses"), folder)
    return folder


def test_first_date_far_in_the_future(nurses: Path) -> None:
    yaml = nurses / "instance.yaml"
    text = yaml.read_text()
    start = text.index("first_date:")
    end = text.index("\n", start)
    yaml.write_text(text[:start] + "first_date: 9999-12-28" + text[end:])
    code, out = validate(nurses)
    assert code == 2
    assert (
        "column 'parameters.first_date': 9999-12-28 is outside the dates allowed (1900-01-01 to 2200-12-31)"
        in out
    )


@pytest.mark.parametrize("value", ["2025-02-30", "2025-13-01", "2025-03-03 25:00:00"])
def test_first_date_that_does_not_exist(nurses: Path, value: str) -> None:
    """YAML reads an unquoted date itself; one that does not exist was a ValueError traceback."""
    yaml = nurses / "instance.yaml"
    yaml.write_text(yaml.read_text().replace("first_date: '2025-03-03'", f"first_date: {value}", 1))
    code, out = validate(nurses)
    assert code == 2
    assert out.splitlines()[1:] == [
        f"  {yaml}, column 'parameters.first_date': '{value}' is not a date (YYYY-MM-DD)"
    ]


@pytest.mark.parametrize("value", ["-1253", "0001-01-01", "2999-01-01"])
def test_leave_date_out_of_range(nurses: Path, value: str) -> None:
    set_cell(nurses / "leave.csv", 2, "date", value)
    code, out = validate(nurses)
    assert code == 2
    assert f"leave.csv, row 2, column 'date': '{value}' is outside the dates allowed" in out


# --------------------------------------------------------------------------- items 9-10: headers, empty tables


def test_header_repeated_up_to_spaces(tiny_instance: Path) -> None:
    zones = tiny_instance / "zones.csv"
    lines = zones.read_text().splitlines()
    zones.write_text("\n".join([lines[0] + ",zone_id ", *(line + ",Zx" for line in lines[1:])]) + "\n")
    code, out = validate(tiny_instance)
    assert code == 2
    assert (
        "zones.csv, column 'zone_id': column 'zone_id' appears twice (columns 1 and 6, spaces trimmed)" in out
    )


def test_header_repeated_exactly(tiny_instance: Path) -> None:
    """pandas reads a repeated name as 'zone_id.1'; validation must still see it repeated."""
    zones = tiny_instance / "zones.csv"
    lines = zones.read_text().splitlines()
    zones.write_text("\n".join([lines[0] + ",zone_id", *(line + ",Zx" for line in lines[1:])]) + "\n")
    code, out = validate(tiny_instance)
    assert code == 2
    assert (
        "zones.csv, column 'zone_id': column 'zone_id' appears twice (columns 1 and 6, spaces trimmed)" in out
    )
    assert "zone_id.1" not in out


def test_header_repeated_exactly_in_a_workbook_sheet(tiny_instance: Path, tmp_path: Path) -> None:
    book = tmp_path / "wb"
    book.mkdir()
    (book / "instance.yaml").write_text((tiny_instance / "instance.yaml").read_text())
    with pd.ExcelWriter(book / "tables.xlsx") as writer:
        for table in ("zones", "sites", "travel"):
            frame = pd.read_csv(tiny_instance / f"{table}.csv", dtype=str, header=None)
            if table == "travel":
                frame[len(frame.columns)] = ["minutes", *["1"] * (len(frame) - 1)]
            frame.to_excel(writer, sheet_name=table, index=False, header=False)
    code, out = validate(book)
    assert code == 2
    assert (
        "tables.xlsx[travel], column 'minutes': column 'minutes' appears twice (columns 3 and 4, spaces trimmed)"
        in out
    )


def test_required_table_with_only_a_header(tiny_instance: Path) -> None:
    zones = tiny_instance / "zones.csv"
    zones.write_text(zones.read_text().splitlines()[0] + "\n")
    (tiny_instance / "travel.csv").unlink()
    code, out = validate(tiny_instance)
    assert code == 2
    assert "zones.csv: the table has 0 rows; at least 1 needed" in out


def test_required_column_dropped(tiny_instance: Path) -> None:
    sites = pd.read_csv(tiny_instance / "sites.csv", dtype=str)
    sites.drop(columns=["max_chairs"]).to_csv(tiny_instance / "sites.csv", index=False)
    code, out = validate(tiny_instance)
    assert code == 2 and "sites.csv, column 'max_chairs': required column is missing" in out


# --------------------------------------------------------------------------- item 11: resource attacks

LAUGHS = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
"""


def test_yaml_aliases_are_refused_not_expanded(tiny_instance: Path) -> None:
    yaml = tiny_instance / "instance.yaml"
    text = yaml.read_text()
    yaml.write_text(text + "".join(f"  {line}\n" for line in LAUGHS.splitlines()))
    code, out = validate(tiny_instance)
    assert code == 2
    first_line = len(text.splitlines()) + 1
    assert f"instance.yaml, row {first_line}: YAML anchors and aliases (& and *) are not allowed" in out


def test_workbook_larger_than_the_limit_unpacked(
    tiny_instance: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(instance_files, "MAX_WORKBOOK_BYTES", 100_000)
    book = tmp_path / "wb"
    book.mkdir()
    (book / "instance.yaml").write_text((tiny_instance / "instance.yaml").read_text())
    with zipfile.ZipFile(book / "tables.xlsx", "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * 1_000_000)  # inflates 1000-fold
    assert (book / "tables.xlsx").stat().st_size < 5_000
    code, out = validate(book)
    assert code == 2
    assert "tables.xlsx: unpacks to 1,000,000 bytes, above the limit of 100,000" in out


def test_workbook_sheet_with_too_many_rows(
    tiny_instance: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(instance_files, "MAX_SHEET_ROWS", 2)
    book = tmp_path / "wb"
    book.mkdir()
    (book / "instance.yaml").write_text((tiny_instance / "instance.yaml").read_text())
    with pd.ExcelWriter(book / "tables.xlsx") as writer:
        for table in ("zones", "sites"):
            pd.read_csv(tiny_instance / f"{table}.csv", dtype=str).to_excel(
                writer, sheet_name=table, index=False
            )
    code, out = validate(book)
    assert code == 2 and "tables.xlsx[zones]: more than 2 rows" in out


def test_not_a_workbook(tiny_instance: Path) -> None:
    (tiny_instance / "tables.xlsx").write_text("not a zip")
    code, out = validate(tiny_instance)
    assert code == 2 and "tables.xlsx: cannot be read as an Excel workbook" in out


def test_a_key_given_twice_is_refused(tiny_instance: Path) -> None:
    """YAML keeps only the last of two equal keys; the user meant one of them."""
    add_parameter(tiny_instance, "utilisation: 0.5")  # the instance already sets utilisation: 0.8
    code, out = validate(tiny_instance)
    assert code == 2
    row = next(
        i
        for i, line in enumerate((tiny_instance / "instance.yaml").read_text().splitlines(), 1)
        if "utilisation: 0.8" in line
    )
    assert f"instance.yaml, row {row}, column 'utilisation': key 'utilisation' is given twice" in out


# --------------------------------------------------------------------------- rows longer than the header


def comma_at_line_ends(csv: Path, lines: range | None = None) -> None:
    """A comma at the end of data lines (every one by default), as some spreadsheet exports write."""
    text = csv.read_text().splitlines()
    chosen = lines if lines is not None else range(2, len(text) + 1)
    csv.write_text("\n".join(line + "," if i in chosen else line for i, line in enumerate(text, 1)) + "\n")


def test_a_comma_at_the_end_of_every_leave_row(nurses: Path) -> None:
    comma_at_line_ends(nurses / "leave.csv")
    rows = len((nurses / "leave.csv").read_text().splitlines()) - 1
    code, out = validate(nurses)
    assert code == 2
    extra = "5 fields, but the header has 4; remove the extra cells (a comma at the end of the line?)"
    for row in range(2, 7):
        assert f"leave.csv, row {row}: {extra}" in out
    assert f"leave.csv: {rows - 5} more rows have more fields than the header" in out
    assert "The instance has problems (6):" in out


@pytest.mark.parametrize(("table", "fields"), [("staff", 7), ("rules", 6)])
def test_a_comma_at_the_end_of_one_row_is_named_alone(nurses: Path, table: str, fields: int) -> None:
    """Read as it was, the row's extra cell made the first column an index: every column shifted."""
    comma_at_line_ends(nurses / f"{table}.csv", range(2, 3))
    code, out = validate(nurses)
    assert code == 2
    assert out.splitlines()[1:] == [
        f"  {nurses / f'{table}.csv'}, row 2: {fields + 1} fields, but the header has {fields}; "
        "remove the extra cells (a comma at the end of the line?)"
    ]


def test_a_row_longer_than_the_header_in_a_sact_table(tiny_instance: Path) -> None:
    comma_at_line_ends(tiny_instance / "zones.csv", range(3, 4))
    code, out = validate(tiny_instance)
    assert code == 2
    assert "zones.csv, row 3: 6 fields, but the header has 5; remove the extra cells" in out


def test_a_csv_saved_in_windows_1252_is_named_by_its_line(nurses: Path) -> None:
    """Excel's plain 'CSV' is Windows-1252: the message was Python's, with a byte position, no row."""
    staff = nurses / "staff.csv"
    staff.write_text(staff.read_text().replace("Ben Hughes", "Bén Hughes"), encoding="cp1252")
    code, out = validate(nurses)
    assert code == 2
    assert out.splitlines()[1:] == [
        f"  {staff}, row 3: not UTF-8 text (byte 0xe9, perhaps an accented letter saved in another "
        "encoding); save it as 'CSV UTF-8 (Comma delimited)'"
    ]


def test_a_csv_with_a_byte_order_mark_is_read(nurses: Path) -> None:
    """Excel's 'CSV UTF-8' starts with one: it is not part of the first header."""
    staff = nurses / "staff.csv"
    staff.write_text(staff.read_text().replace("Ben Hughes", "Bén Hughes"), encoding="utf-8-sig")
    assert validate(nurses) == (0, "lsc-sact-nurses: a valid 'roster' instance\n")


# --------------------------------------------------------------------------- blank lines and rows


def test_rows_of_empty_cells_after_the_table_are_read_as_none(nurses: Path) -> None:
    """Excel writes a row it once held as ',,,': each was refused cell by cell as missing values."""
    leave = nurses / "leave.csv"
    leave.write_text(leave.read_text() + ",,,\n, ,,\n\n")
    assert validate(nurses) == (0, "lsc-sact-nurses: a valid 'roster' instance\n")


def test_a_problem_after_a_blank_line_names_the_files_row(nurses: Path) -> None:
    """A blank line was skipped uncounted, so every problem below it named the row above it."""
    leave = nurses / "leave.csv"
    lines = leave.read_text().splitlines()
    lines[3:3] = ["", ",,,"]  # rows 4 and 5 of the file
    lines[10] = lines[10].replace("2025-", "2025x", 1)  # row 11
    leave.write_text("\n".join(lines) + "\n")
    code, out = validate(nurses)
    assert code == 2
    assert f"{leave}, row 11, column 'date': '{lines[10].split(',')[1]}' is not a date" in out
    assert out.startswith("The instance has problems (1):")


def test_a_zone_with_lat_and_no_lon_is_named_by_its_row(tmp_path: Path) -> None:
    """lsc-sact-districts (no travel table) with its zones' lon column dropped named a travel.csv it
    does not have, 'travel minutes missing ... and no coordinates to compute them', and never
    zones.csv nor lon; a row with one of lat and lon is named by file, row and column."""
    folder = tmp_path / "districts"
    shutil.copytree(bundled_path("lsc-sact-districts"), folder)
    zones = folder / "zones.csv"
    pd.read_csv(zones, dtype=str, keep_default_na=False).drop(columns="lon").to_csv(zones, index=False)
    code, output = validate(folder)
    assert code == 2
    assert f"{zones}, row 2, column 'lon': no lon beside its lat" in output
    set_cell(folder / "sites.csv", 3, "lat", "")
    code, output = validate(folder)
    assert f"{folder / 'sites.csv'}, row 3, column 'lat': no lat beside its lon" in output


@pytest.mark.parametrize("name", ["zones.CSV", "zones.Csv"])
def test_a_table_saved_with_a_capital_extension_is_named(tiny_instance: Path, name: str) -> None:
    """zones.CSV (as Windows, which ignores case, lets it be) was passed over: 'zones.csv: required
    table 'zones' is missing', beside the file the user can see; it is named, with what to do."""
    (tiny_instance / "zones.csv").rename(tiny_instance / name)
    code, output = validate(tiny_instance)
    assert code == 2
    assert (
        f"{tiny_instance / name}: not read: a table's file name ends in .csv; rename it zones.csv" in output
    )


@pytest.mark.parametrize("line", ["sep=,", "sep=;", "SEP=,"])
def test_excels_sep_line_before_the_header_is_named(tiny_instance: Path, line: str) -> None:
    """A CSV beginning with Excel's 'sep=,' line was read with 'sep=' as its header: every row was
    '... fields, but the header has 2; remove the extra cells (a comma at the end of the line?)',
    advice that would have broken every row; the line is named, row 1, with what to do."""
    zones = tiny_instance / "zones.csv"
    zones.write_text(f"{line}\n{zones.read_text()}", encoding="utf-8")
    code, output = validate(tiny_instance)
    assert code == 2
    assert f"{zones}, row 1: Excel's '{line}' line comes before the header; delete it" in output
    assert "a comma at the end of the line" not in output


@pytest.mark.parametrize("separator", [";", "\t"])
def test_a_csv_separated_by_semicolons_or_tabs_is_named(tiny_instance: Path, separator: str) -> None:
    """Excel in many languages saves 'CSV' with ';' between cells: the whole header was one unknown
    column 'zone_id;name;...' and every column was 'missing'; the separator is named, with what to do."""
    zones = tiny_instance / "zones.csv"
    zones.write_text(zones.read_text().replace(",", separator), encoding="utf-8")
    code, output = validate(tiny_instance)
    assert code == 2
    assert f"{zones}, row 1: cells separated by {separator!r}, not commas" in output
    assert "required column is missing" not in output


@pytest.mark.parametrize("key", ["name", "description", "source", "licence", "workbook"])
def test_a_text_key_given_a_list_or_mapping_is_refused(tiny_instance: Path, key: str) -> None:
    """name: [a] was taken as the text "['a']" (run folders, reports and comparisons named so),
    and workbook: [a, b] was 'not found beside it'; each text key is named when not text."""
    yaml = tiny_instance / "instance.yaml"
    lines = [line for line in yaml.read_text().splitlines() if not line.startswith(f"{key}:")]
    yaml.write_text("\n".join([f"{key}: [a, b]", *lines]) + "\n")
    code, output = validate(tiny_instance)
    assert code == 2
    assert f"{yaml}, column '{key}': {key} must be text, not a list" in output


@pytest.mark.parametrize(
    ("cell", "advice"),
    [
        ("1,234", "'1,234' is not a number: write it without thousands separators (1234)"),
        ("1,234.5", "'1,234.5' is not a number: write it without thousands separators (1234.5)"),
        ("2,5", "'2,5' is not a number: write it with a decimal point (2.5)"),
        ("£1234", "'£1234' is not a number: write it without the currency sign (1234)"),
    ],
)
def test_a_number_as_excel_shows_it_is_named_with_how_to_write_it(
    tiny_instance: Path, cell: str, advice: str
) -> None:
    """Excel exports numbers as shown ("1,234", "£1,234", a decimal comma): each was only 'is not a
    number', leaving the user to guess what was wrong with a number they can see."""
    set_cell(tiny_instance / "zones.csv", 2, "population", cell)
    code, output = validate(tiny_instance)
    assert code == 2
    assert f"row 2, column 'population': {advice}" in output
