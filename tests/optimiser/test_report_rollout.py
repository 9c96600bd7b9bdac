"""The report of a roll-out run: one map per chosen year, titled with that year's figures."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from optimiser.cli import main
from optimiser.report import write_report
from optimiser.report.rollout import (
    choose_years,
    default_years,
    parse_years,
    timeline,
    year_figures,
    year_title,
)

# Access targets rising from 90 % to 98 %: the third site is needed from 2026, a fourth (S5, the
# only one £100,000 a year buys) from 2027 on.
YEARS_CSV = (
    "year,demand_factor,capital_budget,access_target\n"
    "2026,1.0,100000,0.9\n2027,1.4,100000,0.95\n2028,1.8,100000,0.97\n2029,2.2,100000,0.98\n"
)
OPEN_STATES = ("opened", "unchanged", "resized")


@pytest.fixture(scope="module")
def rollout_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated 40-zone, 6-site network (with coordinates) rolled out over four years."""
    root = tmp_path_factory.mktemp("rollout-report")
    runner = CliRunner()
    made = runner.invoke(
        main, ["generate", "sact", "--zones", "40", "--sites", "6", "--seed", "3", str(root / "inst")]
    )
    assert made.exit_code == 0, made.output
    yaml = root / "inst" / "instance.yaml"
    yaml.write_text(
        yaml.read_text(encoding="utf-8").replace("kind: sact", "kind: rollout")
        + "  discount_rate: 0.0\n  capital_per_new_site: 100000\n",
        encoding="utf-8",
    )
    (root / "inst" / "years.csv").write_text(YEARS_CSV, encoding="utf-8")
    solved = runner.invoke(
        main,
        ["solve", str(root / "inst"), "--out", str(root / "run"), "--gap", "0.01", "--time-limit", "20"],
    )
    assert solved.exit_code == 0, solved.output
    return root / "run"


def map_sections(html: str) -> list[str]:
    return re.findall(r'<section class="map".*?</section>', html, flags=re.S)


def open_sites_drawn(section: str) -> list[str]:
    """Site ids drawn as open (any state but closed and not used) in one map section."""
    marks = re.findall(r'class="site site-([a-z ]+)".*?<title>[^(]*\((\w+)\)', section)
    return sorted(site for state, site in marks if state in OPEN_STATES)


def test_by_default_the_first_middle_and_last_years_are_mapped(rollout_run: Path) -> None:
    schedule = pd.read_csv(rollout_run / "schedule.csv", dtype={"site_id": str})
    sections = map_sections(write_report(rollout_run).read_text(encoding="utf-8"))
    assert len(sections) == 3
    for section, (year, position) in zip(sections, ((2026, 1), (2027, 2), (2029, 4)), strict=True):
        year_plan = schedule[(schedule["year"] == year) & schedule["open"]]
        heading = re.search(r"<h2>(.*?)</h2>", section).group(1)  # type: ignore[union-attr]
        assert heading.startswith(f"{year} (year {position} of 4): {len(year_plan)} sites open, ")
        assert f"{year_plan['chairs'].sum()} chairs" in heading
        assert open_sites_drawn(section) == sorted(year_plan["site_id"])
        assert section.count("<circle") == 40  # every zone, coloured by that year's travel
        assert "new since today</span>" in section and "new site</span>" not in section


def test_each_years_map_gives_that_years_attendances(rollout_run: Path) -> None:
    """Demand 2.2 times 2026's in 2029: every year's zones read the instance's 2026 attendances."""
    sections = map_sections(write_report(rollout_run).read_text(encoding="utf-8"))
    totals = [
        sum(float(a.replace(",", "")) for a in re.findall(r"\): ([\d,]+) attendances a year", section))
        for section in sections
    ]
    assert totals[2] / totals[0] == pytest.approx(2.2, rel=0.01)


def test_the_years_asked_are_mapped_with_their_own_sites(rollout_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["report", str(rollout_run), "--years", "2027,1"])
    assert result.exit_code == 0, result.output
    sections = map_sections((rollout_run / "report.html").read_text(encoding="utf-8"))
    assert [re.search(r"<h2>(\d+)", s).group(1) for s in sections] == ["2027", "2026"]  # type: ignore[union-attr]
    later, first = (open_sites_drawn(s) for s in sections)
    assert len(first) == 3 and len(later) == 4  # S5 opens in 2027 (the budget buys one site)
    assert set(later) - set(first) == {"S5"}
    assert 'class="site site-opened"' in sections[0] and "Opens" in sections[0]
    assert not out.exists()


def test_a_year_not_in_the_roll_out_is_refused(rollout_run: Path) -> None:
    result = CliRunner().invoke(main, ["report", str(rollout_run), "--years", "2031"])
    assert result.exit_code == 2 and "year 2031 is not in this roll-out" in result.output


def test_choosing_years() -> None:
    labels = [2026, 2027, 2028, 2029, 2030, 2031, 2032, 2033, 2034, 2035]
    assert default_years(labels) == [2026, 2030, 2035]
    assert default_years([2026]) == [2026] and default_years([2026, 2027]) == [2026, 2027]
    assert choose_years(labels, [1, 5, 10]) == [2026, 2030, 2035]
    assert choose_years(labels, [2035, 10, 1]) == [2035, 2026]  # a year twice is mapped once
    assert parse_years("1, 5,10") == [1, 5, 10] and parse_years(None) is None
    with pytest.raises(ValueError, match="whole numbers"):
        parse_years("first")
    with pytest.raises(ValueError, match="position 1-10"):
        choose_years(labels, [11])


def test_a_comparison_of_roll_outs_maps_the_first_runs_years(rollout_run: Path, tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "compare"
    shutil.copytree(rollout_run, folder / "runs" / "a-growth-68")
    pd.DataFrame({"scenario": ["a-growth-68"], "check": ["passed"]}).to_csv(folder / "comparison.csv")
    sections = map_sections(write_report(folder).read_text(encoding="utf-8"))
    assert [re.search(r"<h2>(\d+)", s).group(1) for s in sections] == ["2026", "2027", "2029"]  # type: ignore[union-attr]
    assert all("new since today</span>" in section for section in sections)
    with pytest.raises(ValueError, match="not to a comparison"):
        write_report(folder, years=[1])


def test_a_years_figures_show_the_share_within_the_instances_own_standard() -> None:
    year = pd.DataFrame({"open": [True], "chairs": [10], "event": [""], "site_id": ["S1"]})
    access = pd.DataFrame({"within_30": [0.9], "within_45": [0.95], "within_access_standard": [0.93]})
    assert ("Within 40 min", "93.0%") in year_figures(year, access, 40.0)  # no 40-minute band
    assert ("Within 45 min", "95.0%") in year_figures(year, access, 45.0)
    assert ("Within 30 min", "90.0%") in year_figures(year, access[["within_30"]], 40.0)  # an older run


def test_a_year_with_one_site_and_one_chair_is_titled_in_the_singular() -> None:
    figures = [("Sites open", "1"), ("Chairs", "1"), ("Within 30 min", "80.0%")]
    assert year_title(2026, 1, 2, figures) == "2026 (year 1 of 2): 1 site open, 1 chair, 80.0% within 30 min"
    figures = [("Sites open", "2"), ("Chairs", "12"), ("Within 30 min", "80.0%")]
    assert (
        year_title(2027, 2, 2, figures) == "2027 (year 2 of 2): 2 sites open, 12 chairs, 80.0% within 30 min"
    )


def test_the_timeline_gives_each_years_chairs_and_change_and_the_totals() -> None:
    """A board reads from the timeline how many chairs each site has each year, how many were
    added or removed (it showed '+' and '-' without the number) and the network's chairs and
    sites open each year (it had no totals)."""
    schedule = pd.DataFrame(
        {
            "site_id": ["A", "A", "B", "B", "C", "C"],
            "name": ["Alpha", "Alpha", "Beta", "Beta", "Gamma", "Gamma"],
            "year": [2026, 2027] * 3,
            "open": [True, True, True, False, False, True],
            "chairs": [20, 26, 10, 0, 0, 5],
            "chairs_added": [0, 6, 0, 0, 0, 5],
            "chairs_removed": [4, 0, 0, 10, 0, 0],
            "event": ["shrinks", "grows", "", "closes", "", "opens"],
        }
    )
    rows = re.findall(r"<tr><th>([^<]*)</th>(.*?)</tr>", timeline(schedule))
    cells = {name: re.findall(r"<td[^>]*>(.*?)</td>", row) for name, row in rows if name != "site"}
    assert cells == {
        "Alpha (A)": ["20 -4", "26 +6"],
        "Beta (B)": ["10", "closed"],
        "Gamma (C)": ["", "5 new"],
        "all sites: chairs (sites open)": ["<b>30</b> (2)", "<b>31</b> (2)"],
    }
