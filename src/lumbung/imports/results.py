"""What an import returns: counts, the rows it rejected and why, and the errors file."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from lumbung.errors import UserError

#: Columns of the errors file (the issue's wording: line, column, value, reason).
ERROR_COLUMNS = ("line", "column", "value", "reason")
#: Notes describe rows that were stored but changed on the way (e.g. a shared NIB left out);
#: their reason starts with this, so the errors file explains every row it names.
NOTE_PREFIX = "stored, but "


class UnusableFile(UserError):
    """The file cannot be used at all (unknown format, undecodable, required columns missing).
    Nothing was written. The CLI turns this into exit code 2 with the message."""


@dataclass(frozen=True)
class RowError:
    line: int  # file line (header = line 1), worksheet row, or table row + 1
    column: str
    value: str | None
    reason: str
    note: bool = False  # True: the row was stored; the reason says what was left out

    def as_row(self) -> tuple:
        return (self.line, self.column, "" if self.value is None else self.value, self.reason)


@dataclass
class ImportResult:
    imported: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)  # rejections first, then notes, by line
    counts: dict[str, int] = field(default_factory=dict)  # created/updated/unchanged per record type
    summary: list[str] = field(default_factory=list)  # extra lines the CLI prints (e.g. SIDT totals)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage (read, check, write)
    dry_run: bool = False
    analytics: object | None = None  # the analytics refresh after the import (a BuildResult), if one ran

    @property
    def notes(self) -> list[RowError]:
        return [e for e in self.errors if e.note]

    def line(self) -> str:
        return f"{self.imported} imported, {self.rejected} rejected"


def write_errors(errors: list[RowError], path: str | Path) -> None:
    """The errors file: UTF-8 CSV with a header, one line per problem, sorted by line."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(ERROR_COLUMNS)
        for error in sorted(errors, key=lambda e: (e.line, e.note, e.column)):
            writer.writerow(error.as_row())
