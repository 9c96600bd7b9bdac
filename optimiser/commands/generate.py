"""``optimiser generate KIND ... OUT``: reproducible instances of any size (and ``rollout-lsoa``, built
from two bundled instances)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from models.common.words import count
from models.roster.catalogue import MAX_DAYS
from optimiser.outputs import FORCE_HELP, OutputExistsError
from optimiser.schema import FIRST_DATE, LAST_DATE

MAX_SACT_ZONES = 1_000_000
"""Most zones of a generated SACT instance: the rows a sheet may hold (England has 33,755 LSOAs)."""
MAX_SACT_SITES = 10_000
"""Most candidate sites of a generated SACT instance (every site's minutes to every hub are
computed at once: a million sites wanted 466 GiB)."""
MAX_OOH_SITES = 2_000
"""Most sites of a generated OOH instance: its travel table holds every pair, 4,000,000 rows."""
MAX_COVER_TRUSTS = 500
"""Most trusts of a generated cover instance (England has about 200): up to 1,500 sites, whose
travel table holds every pair."""


@click.group()
def generate() -> None:
    """Write a generated instance folder (same seed, same instance)."""


@generate.command("sact")
@click.option("--zones", type=click.IntRange(min=1, max=MAX_SACT_ZONES), required=True, help="Demand zones.")
@click.option(
    "--sites", type=click.IntRange(min=1, max=MAX_SACT_SITES), required=True, help="Candidate sites."
)
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True)
@click.option("--force", is_flag=True, help=FORCE_HELP)
@click.argument("out", type=click.Path(path_type=Path))
def generate_sact(zones: int, sites: int, seed: int, force: bool, out: Path) -> None:
    """A SACT location instance with ZONES zones and SITES candidate sites."""
    from instances.generators.sact import generate as make
    from optimiser.instance_files import write_instance

    inst = make(zones=zones, sites=sites, seed=seed)
    try:
        write_instance(out, "sact", inst.name, inst.parameters, inst.tables, inst.description, force=force)
    except OutputExistsError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    click.echo(f"Wrote {out} ({count(zones, 'zone')} x {count(sites, 'site')}, seed {seed})")


@generate.command("ooh")
@click.option("--sites", type=click.IntRange(min=1, max=MAX_OOH_SITES), required=True, help="Hospital sites.")
@click.option("--services", type=click.IntRange(min=1), required=True, help="Out-of-hours services.")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True)
@click.option("--force", is_flag=True, help=FORCE_HELP)
@click.argument("out", type=click.Path(path_type=Path))
def generate_ooh(sites: int, services: int, seed: int, force: bool, out: Path) -> None:
    """An out-of-hours rota instance with SITES sites and SERVICES services (default parameters)."""
    from instances.generators.ooh import generate as make
    from optimiser.exports.safe import safe_frame
    from optimiser.instance_files import write_instance
    from optimiser.kinds.ooh_schema import tables_of

    inst = make(sites=sites, services=services, seed=seed)
    tables = {name: safe_frame(frame) for name, frame in tables_of(inst).items()}
    description = (
        f"ILLUSTRATIVE generated out-of-hours rota instance: {count(sites, 'site')}, "
        f"{count(services, 'service')}, seed {seed}"
    )
    try:
        write_instance(out, "ooh", inst.name, {}, tables, description, force=force)
    except OutputExistsError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    click.echo(f"Wrote {out} ({count(sites, 'site')} x {count(services, 'service')}, seed {seed})")


@generate.command("roster")
@click.option("--staff", type=click.IntRange(min=2), required=True, help="People on the rota.")
@click.option(
    "--days",
    type=click.IntRange(min=1, max=MAX_DAYS),
    required=True,
    help=f"Days in the rota (1-{MAX_DAYS}, as an instance's days).",
)
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True)
@click.option(
    "--first-date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default="2025-01-06",
    show_default=True,
    help="First day of the rota (YYYY-MM-DD).",
)
@click.option("--force", is_flag=True, help=FORCE_HELP)
@click.argument("out", type=click.Path(path_type=Path))
def generate_roster(
    staff: int, days: int, seed: int, first_date: dt.datetime, force: bool, out: Path
) -> None:
    """A ward-style rota instance (early, late, night shifts) of STAFF people over DAYS days."""
    from instances.generators.rostering import generate as make
    from optimiser.exports.safe import safe_frame
    from optimiser.instance_files import write_instance
    from optimiser.kinds.roster_schema import tables_of

    first, last = first_date.date(), first_date.date() + dt.timedelta(days=days - 1)
    if first < FIRST_DATE or last > LAST_DATE:
        raise click.BadParameter(
            f"the rota {first} to {last} is outside the dates an instance allows "
            f"({FIRST_DATE} to {LAST_DATE})",
            param_hint="'--first-date'",
        )
    inst = make(staff, days, seed, first_date=first)
    tables, parameters = tables_of(inst)
    description = (
        f"ILLUSTRATIVE generated rota: {staff} staff, {count(days, 'day')} from {first_date.date()}, "
        f"seed {seed}"
    )
    try:
        write_instance(
            out, "roster", inst.name, parameters, {k: safe_frame(v) for k, v in tables.items()}, description,
            force=force,
        )  # fmt: skip
    except OutputExistsError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    click.echo(f"Wrote {out} ({staff} staff x {count(days, 'day')}, seed {seed})")


@generate.command("cover")
@click.option("--oncologists", type=click.IntRange(min=1), required=True, help="Consultant oncologists.")
@click.option(
    "--trusts",
    type=click.IntRange(min=1, max=MAX_COVER_TRUSTS),
    required=True,
    help="Trusts (a site or two each).",
)
@click.option(
    "--tumour-sites", type=click.IntRange(min=1, max=10), required=True, help="Tumour sites (1-10)."
)
@click.option("--weeks", type=click.IntRange(min=1, max=104), required=True, help="Weeks in the horizon.")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True)
@click.option("--force", is_flag=True, help=FORCE_HELP)
@click.argument("out", type=click.Path(path_type=Path))
def generate_cover(
    oncologists: int, trusts: int, tumour_sites: int, weeks: int, seed: int, force: bool, out: Path
) -> None:
    """A cross-trust oncologist cover instance (leave, sickness, demand, MDTs, locums) of any size."""
    from instances.generators.cover import generate as make
    from optimiser.exports.safe import safe_frame
    from optimiser.instance_files import write_instance
    from optimiser.kinds.cover_schema import tables_of

    inst = make(oncologists, trusts, tumour_sites, weeks, seed=seed)
    tables, parameters = tables_of(inst)
    try:
        write_instance(
            out, "cover", inst.name, parameters, {k: safe_frame(v) for k, v in tables.items()},
            inst.description or f"ILLUSTRATIVE generated cover instance, seed {seed}", force=force,
        )  # fmt: skip
    except OutputExistsError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    size = " x ".join(
        count(n, noun)
        for n, noun in (
            (oncologists, "oncologist"),
            (trusts, "trust"),
            (tumour_sites, "tumour site"),
            (weeks, "week"),
        )
    )
    click.echo(f"Wrote {out} ({size})")


@generate.command("rollout-lsoa")
@click.option(
    "--years",
    type=click.IntRange(min=1, max=10),
    default=10,
    show_default=True,
    help="The first this many years of lsc-sact-rollout (2026-2035).",
)
@click.option("--force", is_flag=True, help=FORCE_HELP)
@click.argument("out", type=click.Path(path_type=Path))
def generate_rollout_lsoa(years: int, force: bool, out: Path) -> None:
    """The LSOA-level LSC roll-out: lsc-sact's network with lsc-sact-rollout's years and capital."""
    from instances.generators.rollout import lsoa_rollout
    from optimiser.instance_files import write_instance

    inst = lsoa_rollout(years)
    try:
        write_instance(out, "rollout", inst.name, inst.parameters, inst.tables, inst.description, force=force)
    except OutputExistsError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    click.echo(f"Wrote {out} (1,058 LSOAs x 21 sites x {years} years)")
