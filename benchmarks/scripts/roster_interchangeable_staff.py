"""Which people of a rota instance are interchangeable: the room symmetry breaking would have.

Usage (from the repository root; one line per instance)::

    python benchmarks/scripts/roster_interchangeable_staff.py lsc-sact-nurses FOLDER/Instance5.txt DIR

Each argument is a bundled rota instance's name, an instance folder (``optimiser generate roster
... DIR``) or a Curtois & Qu ``Instance*.txt``. Two people are interchangeable when swapping their
whole lines of work changes neither the rota's legality nor its penalty: the same row of
``staff`` but for ``staff_id`` and ``name`` (group, skills, contract, fixed days off, preferred
shifts), and the same rows, but for ``staff_id``, in each per-person table (leave, pre-assigned
shifts, requests, history, published rota). Only then could a lexicographic order between their
lines (symmetry breaking) cut the search without cutting an optimum. Columns: instance, people,
sizes of the classes of two or more interchangeable people (empty: none).
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

from benchmarks.scripts.instance_argument import instance_folder, loaded_instance
from models.roster.curtois_qu import read_instance, to_roster_input
from models.roster.input import RosterInput

PER_PERSON = ("leave", "preassigned", "requests", "history", "published")


def interchangeable(inp: RosterInput) -> list[list[str]]:
    """The classes of two or more people whose data are the same but for their id and name."""
    staff = inp.staff
    own = [c for c in staff.columns if c not in ("staff_id", "name")]
    signature: dict[str, list[object]] = {
        str(row.staff_id): [tuple(str(getattr(row, c)) for c in own)] for row in staff.itertuples()
    }
    for table_name in PER_PERSON:
        table = getattr(inp, table_name)
        if table is None or table.empty:
            continue
        columns = [c for c in table.columns if c != "staff_id"]
        rows = defaultdict(list)
        for record in table.astype(str).itertuples(index=False):
            rows[record.staff_id].append(tuple(getattr(record, c) for c in columns))
        for person, values in signature.items():
            values.append(tuple(sorted(rows.get(person, []))))
    classes = defaultdict(list)
    for person, values in signature.items():
        classes[repr(values)].append(person)
    return [people for people in classes.values() if len(people) > 1]


def rota_input(argument: str) -> RosterInput:
    """The rota of a bundled name, an instance folder or a Curtois & Qu file."""
    if argument.endswith(".txt"):
        return to_roster_input(read_instance(argument))
    if instance_folder(argument) is None:
        raise SystemExit(f"{argument}: not a bundled rota, an instance folder or an Instance*.txt")
    return loaded_instance(argument).model_input.input


def main(argv: list[str]) -> None:
    for argument in argv:
        inp = rota_input(argument)
        sizes = " ".join(str(len(people)) for people in interchangeable(inp))
        print(f"{Path(argument).name},{len(inp.staff)},{sizes}")


if __name__ == "__main__":
    main(sys.argv[1:])
