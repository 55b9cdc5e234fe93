"""Export the registry in the template format (.csv, .xlsx, .parquet): one row per enterprise and
year, the template's columns in the template's order and then ``lumbung_source``, so that the file
imports again as it is, onto the records it came from.

- The owner's NIK is never exported, not even masked: it is personal data (UU 27/2022) that
  leaves the registry only in the owner's own view. The column stays, empty, so the file keeps
  the template's shape, and export -> import into an empty database -> export gives the same
  file byte for byte. (The importer reads the NIK column of an export as "not given".)
- After the template's columns comes ``lumbung_source``: the system each record's source_id
  belongs to. With it the file re-imports onto the same records whatever ``--source`` the import
  is given (the key is (lumbung_source, source_id), or the NIB).
- An enterprise with neither a source ID nor a NIB gets ``source_id`` "lumbung:<id>" (its registry
  id), so that it can be recognised when the file comes back.
- Text cells that a spreadsheet would evaluate as a formula get a leading quote
  (:mod:`lumbung.imports.cells`, OWASP CSV injection); the import of an export removes it.
- Enterprises without any yearly report have no row (the template's ``year`` is required).
- Rows are sorted by source, source_id, nib and year; a missing value is an empty cell.
- The file is written under a temporary name in the same folder and renamed when complete, so a
  full disk or a crash never leaves a half-written file under the final name.
"""

from __future__ import annotations

import io
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

import polars as pl
import xlsxwriter

from lumbung import geography
from lumbung import vocabulary as F
from lumbung.errors import UserError
from lumbung.i18n import _
from lumbung.imports.cells import neutralise_frame
from lumbung.imports.template import TEXT_COLUMNS

EXPORT_FORMATS = (".csv", ".xlsx", ".parquet")
EXPORT_COLUMNS = (*F.TEMPLATE_COLUMNS, F.SOURCE_COLUMN)
_DTYPES = {"text": pl.String, "choice": pl.String, "int": pl.Int64, "money": pl.Int64, "year": pl.Int64,
           "bool": pl.Boolean}
#: What the writers raise when the disk (or the quota, or the file size limit) is full: polars
#: raises OSError without an errno (CSV) or ComputeError (Parquet).
_WRITE_ERRORS = (OSError, pl.exceptions.ComputeError)


def export(path, year: int | None = None, region: str | None = None) -> int:
    """Write the registry's enterprises and reports to ``path``; return the number of rows.
    Raises :class:`~lumbung.errors.UserError` for an unknown format, a missing folder, a region
    that is not a code, or a full disk (nothing is then left under ``path``)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in EXPORT_FORMATS:
        raise UserError(_("export to .csv, .xlsx or .parquet, not {suffix!r}").format(suffix=path.suffix))
    check_folder(path)
    if region is not None:
        try:
            region = geography.normalize_code(region)
        except ValueError as error:
            raise UserError(str(error)) from None
    frame = neutralise_frame(registry_frame(year, region))
    with written_atomically(path) as temporary:
        if suffix == ".csv":
            frame.with_columns([pl.col(c).cast(pl.Int8) for c in _bool_columns()]).write_csv(
                temporary, line_terminator="\n")
        elif suffix == ".parquet":
            frame.write_parquet(temporary)
        else:
            _write_xlsx(frame, temporary)
    return frame.height


def check_folder(path: Path) -> None:
    """A clear sentence instead of ``FileNotFoundError`` when the folder of ``path`` is missing."""
    folder = path.parent
    if not folder.is_dir():
        raise UserError(_("the folder {folder} does not exist: create it first, or write somewhere else").format(
            folder=folder))


@contextmanager
def written_atomically(path: Path):
    """Yield a temporary path next to ``path``; once the block has written it completely, flush it
    to disk and rename it to ``path`` (atomic on POSIX and Windows). On any failure the temporary
    file is removed; a write that fails (a full disk, say) becomes a UserError with the system's reason."""
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(temporary, 0o666 & ~mask)  # as a plain open() would create it, not mkstemp's 0600
    try:
        yield temporary
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())
        os.replace(temporary, path)
    except _WRITE_ERRORS as error:
        temporary.unlink(missing_ok=True)
        reason = getattr(error, "strerror", None) or str(error).splitlines()[0]
        raise UserError(_("could not write {path} ({reason}); nothing was written under that name").format(
            path=path, reason=reason)) from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _bool_columns() -> list[str]:
    return [f.name for f in F.TEMPLATE_FIELDS if f.kind == "bool"]


def registry_frame(year: int | None = None, region: str | None = None) -> pl.DataFrame:
    """The registry as a template-format frame (typed columns, no NIK, ``lumbung_source`` last)."""
    from lumbung import setup_django  # noqa: PLC0415 - Django is set up on first use, not on import

    setup_django()
    from lumbung.registry import rows  # noqa: PLC0415 - after setup_django()

    ent_cols = [c for c in F.ENTERPRISE_COLUMNS if c != "owner_nik"]
    rep_cols = list(F.REPORT_COLUMNS)
    table = rows.reports_table(years=None if year is None else [int(year)], region=region,
                               columns=[rows.KEY, rows.SOURCE, *ent_cols, *rep_cols])
    frame = pl.from_arrow(table).rename({rows.KEY: "_id", rows.SOURCE: F.SOURCE_COLUMN})
    frame = frame.cast({c: _DTYPES[F.BY_NAME[c].kind] for c in ent_cols + rep_cols if F.BY_NAME[c].kind != "bool"})
    frame = frame.with_columns([pl.col(c).cast(pl.Boolean) for c in _bool_columns()])
    frame = frame.with_columns(
        pl.when(pl.col("source_id").is_null() & pl.col("nib").is_null())
        .then(pl.lit("lumbung:") + pl.col("_id").cast(pl.String)).otherwise(pl.col("source_id")).alias("source_id"),
        pl.when(pl.col("owner_name") == "").then(None).otherwise(pl.col("owner_name")).alias("owner_name"),
        pl.lit(None, dtype=pl.String).alias("owner_nik"),
    )
    return frame.sort([F.SOURCE_COLUMN, "source_id", "nib", "year"], nulls_last=True).select(EXPORT_COLUMNS)


def _write_xlsx(frame: pl.DataFrame, path: Path) -> None:
    """The workbook is built in memory and then written as one file: a full disk is then one OSError
    here, not a half-closed zip file that complains again when it is collected."""
    buffer = io.BytesIO()
    _build_xlsx(frame, buffer)
    with open(path, "wb") as handle:
        handle.write(buffer.getbuffer())


def _build_xlsx(frame: pl.DataFrame, output: io.BytesIO) -> None:
    # strings_to_formulas=False: a text is never written as a formula, whatever it starts with
    # (the cells are neutralised as well, for the user who re-saves the sheet as CSV).
    book = xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    try:
        header = book.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E78", "border": 1})
        sheet = book.add_worksheet("data")
        bools = set(_bool_columns())
        for index, name in enumerate(frame.columns):
            sheet.write_string(0, index, name, header)
            sheet.set_column(index, index, max(12, len(name) + 2))
        for row_number, row in enumerate(frame.iter_rows(), start=1):
            for index, (name, value) in enumerate(zip(frame.columns, row, strict=True)):
                if value is None:
                    continue
                if name in TEXT_COLUMNS or isinstance(value, str):
                    sheet.write_string(row_number, index, str(value))
                elif name in bools:
                    sheet.write_number(row_number, index, 1 if value else 0)
                else:
                    sheet.write_number(row_number, index, value)
        sheet.freeze_panes(1, 0)
    finally:
        book.close()
