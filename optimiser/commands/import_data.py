"""``optimiser import sact``: build an instance from public ONS population and NHS site lists."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from optimiser.errors import InputError
from optimiser.importers.tables import ImportedInstance
from optimiser.outputs import OutputExistsError


@click.group("import")
def import_group() -> None:
    """Build an instance folder from public data files."""


@import_group.command("sact")
@click.option(
    "--population",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="ONS MSOA population with centroids (msoa11cd, msoa11nm, lad11_name, lat, lon, population_mid2020).",
)
@click.option(
    "--sites",
    "sites_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="NHS hospital export (OrganisationCode, OrganisationName, SubType, ParentODSCode, lat, lon).",
)
@click.option("--region", default=None, help="Name of the instance (default: from the population file).")
@click.option(
    "--centre", "centres", multiple=True, help="ODS site code of a cancer centre (aseptic hub, must open)."
)
@click.option(
    "--deprivation",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Folder of the IMD 2019 LSOA files (default: ../deprivation beside the population file's folder).",
)
@click.option("--force", is_flag=True, help="Replace an existing folder.")
@click.argument("out", type=click.Path(path_type=Path))
def import_sact(
    population: Path,
    sites_file: Path,
    region: str | None,
    centres: tuple[str, ...],
    deprivation: Path | None,
    force: bool,
    out: Path,
) -> None:
    """Write a SACT instance to OUT from public population and site files."""
    from optimiser.importers.sact import import_sact as build

    try:
        inst = build(population, sites_file, region=region, centres=centres, deprivation=deprivation)
    except InputError as exc:
        click.echo(f"The input files have problems ({len(exc.problems)}):", err=True)
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(2)
    _write(inst, out, force)


def _write(inst: ImportedInstance, out: Path, force: bool) -> None:
    """Write the instance folder and print the importer's findings; exit 2 if OUT exists."""
    from optimiser.instance_files import write_instance

    try:
        write_instance(out, "sact", inst.name, inst.parameters, inst.tables, inst.description, force=force)
    except OutputExistsError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    click.echo(f"Wrote {out}: {len(inst.tables['zones'])} zones, {len(inst.tables['sites'])} candidate sites")
    if inst.findings:
        click.echo(f"Findings ({len(inst.findings)}; check them before trusting the instance):")
        for finding in inst.findings:
            click.echo(f"  - {finding}")
