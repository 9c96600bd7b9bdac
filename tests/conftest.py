"""Shared fixtures: a tiny SACT instance folder whose optimum is worked out by hand, and public data.

Public benchmark files are read from ``tests/data/`` (small files kept with the tests, see its
README) and otherwise from the shared folder beside the repository, ``../shared``, which holds the
large sets and the public data.  Set ``OPTIMISER_SHARED`` to another folder, or to ``none`` to run
as a fresh clone without it; tests that need an absent file skip and say which.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
TEST_DATA = REPO_ROOT / "tests" / "data"
SHARED_ENV = "OPTIMISER_SHARED"


def _shared() -> Path | None:
    """The shared data folder (``../shared`` unless ``OPTIMISER_SHARED`` says otherwise), or None."""
    chosen = os.environ.get(SHARED_ENV)
    if chosen is None:
        return REPO_ROOT.parent / "shared"
    return None if chosen.strip().lower() in ("", "none") else Path(chosen)


SHARED = _shared()

TINY_YAML = """\
kind: sact
name: tiny
description: three zones, two candidate sites; optimum worked out by hand
parameters:
  complex_share: 0.0
  require_aseptic_supply: false
  chair_hours_per_day: 10
  days_per_week: 5
  weeks_per_year: 50
  utilisation: 0.8
  mean_chair_hours: 2.0
  travel_cost_per_minute: 1.0
  trips_per_attendance: 1.0
"""
# One chair gives 10*5*50*0.8 = 2000 chair hours = 1000 attendances a year.
TINY_ZONES = "zone_id,name,population,attendances,quintile\nZ1,North,1000,600,1\nZ2,Middle,1000,300,2\nZ3,South,1000,500,3\n"
TINY_SITES = (
    "site_id,name,trust,type,existing,current_chairs,min_chairs,max_chairs,fixed_cost,chair_cost,must_open\n"
    "A,Centre,T1,cancer_centre,true,2,1,3,10000,5000,true\n"
    "B,Community,T1,community_site,false,0,1,2,4000,5000,false\n"
)
TINY_TRAVEL = "zone_id,site_id,minutes\nZ1,A,10\nZ2,A,20\nZ3,A,30\nZ1,B,40\nZ2,B,15\nZ3,B,5\n"
# Only A open: 1400 attendances -> 2 chairs; cost 10000 + 2*5000 + 600*10 + 300*20 + 500*30 = 47000.
# A and B: Z1->A, Z2->B (15), Z3->B; A 600 -> 1 chair, B 800 -> 1 chair:
#   10000 + 4000 + 2*5000 + 6000 + 4500 + 2500 = 37000 (Z2->A would cost 6000 > 4500).
TINY_OPTIMUM = 37000.0


def write_tiny(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "instance.yaml").write_text(TINY_YAML, encoding="utf-8")
    (folder / "zones.csv").write_text(TINY_ZONES, encoding="utf-8")
    (folder / "sites.csv").write_text(TINY_SITES, encoding="utf-8")
    (folder / "travel.csv").write_text(TINY_TRAVEL, encoding="utf-8")
    return folder


def with_clinic(folder: Path) -> Path:
    """The tiny instance with a third site, clinic C (one chair, £20,000 a year), 5 minutes from Z2
    and 50 from Z1 and Z3, and a 12-minute access standard: the least-cost plan leaves Z2 at 15
    minutes from B (1,100 of 1,400 attendances within 12), and every target above that needs C."""
    sites = folder / "sites.csv"
    sites.write_text(sites.read_text() + "C,Clinic,T1,community_site,false,0,1,1,20000,5000,false\n")
    travel = folder / "travel.csv"
    travel.write_text(travel.read_text() + "Z1,C,50\nZ2,C,5\nZ3,C,50\n")
    yaml = folder / "instance.yaml"
    yaml.write_text(yaml.read_text() + "  access_minutes: 12\n")
    return folder


@pytest.fixture
def tiny_instance(tmp_path: Path) -> Path:
    """A three-zone, two-site SACT instance folder with optimum :data:`TINY_OPTIMUM`."""
    return write_tiny(tmp_path / "tiny")


@pytest.fixture
def shared_dir() -> Path:
    """The shared public data and benchmarks folder; the test skips where it is absent."""
    if SHARED is None or not SHARED.is_dir():
        pytest.skip(f"{SHARED or SHARED_ENV + '=none'} (public data and large benchmark sets) is absent")
    return SHARED


def benchmark_file(folder: str, name: str) -> Path:
    """A public benchmark file: ``tests/data/<folder>/<name>``, else the shared benchmarks folder.

    Skips the calling test, naming both places, when neither has it.
    """
    kept = TEST_DATA / folder / name
    if kept.is_file():
        return kept
    if SHARED is not None and (SHARED / "benchmarks" / folder / name).is_file():
        return SHARED / "benchmarks" / folder / name
    shared = f"{SHARED_ENV}=none" if SHARED is None else f"nor in {SHARED / 'benchmarks' / folder}"
    pytest.skip(f"public benchmark file {name} is not in tests/data/{folder} ({shared})")


@pytest.fixture(autouse=True)
def no_stop_request_leaks() -> Iterator[None]:
    """Every test starts without a stop request, and one it leaves behind fails it: a request left
    set made later solves in the same worker end at once with no plan."""
    from solvers.interrupt import clear_stop, stop_requested

    clear_stop()
    yield
    leaked = stop_requested()
    clear_stop()
    assert not leaked, "the test left a stop request set (solvers.interrupt.request_stop)"
