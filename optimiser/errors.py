"""Input problems reported in the user's terms: file, row, column, what is wrong."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input.

    ``row`` is the line number as a spreadsheet or editor shows it (the header is row 1, the
    first data row is row 2); None when the problem is not about one row.
    """

    file: str
    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        return f"{where}: {self.message}"


class InputError(Exception):
    """Raised with every problem found in an instance, not only the first.

    ``later`` says which checks could not run yet because they need these problems fixed first
    (the model's checks between rows and tables need every cell typed), so that a user does not
    take the list for complete; None when every check ran.
    """

    def __init__(self, problems: list[Problem], later: str | None = None) -> None:
        self.problems = list(problems)
        self.later = later
        super().__init__("\n".join(str(p) for p in self.problems))


PROBLEMS_SHOWN = 50
"""Problems listed on the terminal before the rest are counted (hundreds of lines of one broken
column bury the first and the summary); ``optimiser validate --all`` lists every one."""


def problem_lines(problems: list[Problem], heading: str, every: bool = False, rest: str = "") -> list[str]:
    """The heading with the count, the first :data:`PROBLEMS_SHOWN` problems (all with
    ``every``) and how many more there are, then ``rest``: how to list them all."""
    shown = problems if every else problems[:PROBLEMS_SHOWN]
    lines = [f"{heading} ({len(problems)}):", *(f"  {p}" for p in shown)]
    if len(shown) < len(problems):
        lines.append(f"  ... and {len(problems) - len(shown)} more{rest}")
    return lines


class NoPlanError(Exception):
    """A solve that ended without a plan, with the explanation shown to the user."""
