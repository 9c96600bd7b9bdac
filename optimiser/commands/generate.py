"""``optimiser generate KIND ... OUT``: reproducible instances of any size."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from optimiser.outputs import OutputExistsError


@click.group()
def generate() -> None:
    """Write a generated instance folder (same seed, same instance)."""


@generate.command("sact")
@click.option("--zones", type=click.IntRange(min=1), required=True, help="Demand zones.")
@click.option("--sites", type=click.IntRange(min=1), required=True, help="Candidate sites.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--force", is_flag=True, help="Replace an existing folder.")
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
    click.echo(f"Wrote {out} ({zones} zones x {sites} sites, seed {seed})")
