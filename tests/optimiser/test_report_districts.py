"""Access by district in a run folder and its report, beside access by deprivation quintile."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from optimiser.cli import main
from optimiser.report import write_report
from tests.models.test_sact_districts import DISTRICTS


def _solve(instance: Path, out: Path) -> Path:
    result = CliRunner().invoke(main, ["solve", str(instance), "--out", str(out), "--gap", "0"])
    assert result.exit_code == 0, result.output
    return out


def test_a_run_writes_access_by_district_and_the_report_shows_it_beside_the_quintiles(
    tiny_instance: Path, tmp_path: Path
) -> None:
    (tiny_instance / "zones.csv").write_text(DISTRICTS, encoding="utf-8")
    run = _solve(tiny_instance, tmp_path / "run")
    table = pd.read_csv(run / "access_by_district.csv")
    assert table["district"].tolist() == ["Northshire", "Southshire"]
    assert table["attendances"].tolist() == [600.0, 800.0]
    assert table["mean_minutes"].round(6).tolist() == [10.0, 8.75]
    html = write_report(run).read_text(encoding="utf-8")
    section = re.search(r'<section id="access">(.*?)</section>', html, re.S)
    assert section is not None
    headings = re.findall(r"<h3>(.*?)</h3>", section.group(1))
    assert headings == ["By deprivation quintile (0: unknown) (3 rows)", "By district (2 rows)"]
    assert "Southshire" in section.group(1) and "8.75" in section.group(1)
    assert "<h2>Access by district" not in html  # not shown twice


def test_a_run_without_districts_has_no_district_table(tiny_instance: Path, tmp_path: Path) -> None:
    run = _solve(tiny_instance, tmp_path / "run")
    assert (run / "access_by_quintile.csv").is_file()
    assert not (run / "access_by_district.csv").exists()
    section = re.search(
        r'<section id="access">(.*?)</section>', write_report(run).read_text(encoding="utf-8"), re.S
    )
    assert section is not None
    assert re.findall(r"<h3>(.*?)</h3>", section.group(1)) == [
        "By deprivation quintile (0: unknown) (3 rows)"
    ]
