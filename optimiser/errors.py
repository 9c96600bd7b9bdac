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


class NoPlanError(Exception):
    """A solve that ended without a plan, with the explanation shown to the user."""
