"""Read CSV, XLSX and Parquet files (and Arrow tables) into one shape: a Polars frame of text
columns under their original headers, plus ``_line``, the line a row came from.

Every cell is read as text, so the validator sees what the officer typed and the errors file can
quote it; typed sources (Parquet, Excel numbers) are turned into the same text first (a whole
number stored as a float, 12.0, becomes "12"; a fraction stays a fraction and is then rejected).

``_line`` is the file line with the header as line 1 (CSV), the worksheet row (XLSX), or the
table row + 1 (Parquet and Arrow tables, as if a header were line 1). Fully blank rows are dropped.
Rows of a CSV with more or fewer fields than the header come back in ``ragged`` (line, fields).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa

from lumbung.i18n import _
from lumbung.imports.results import UnusableFile

LINE = "_line"
FORMATS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".parquet": "parquet", ".pq": "parquet"}
_SEPARATORS = (",", ";", "\t")


@dataclass
class RawTable:
    frame: pl.DataFrame  # text columns under the file's own headers, plus _line
    ragged: list[tuple[int, int, int]] = field(default_factory=list)  # (line, fields, header fields)


def read_path(path: str | Path) -> RawTable:
    path = Path(path)
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise UnusableFile(_("{name}: unknown file format {suffix!r}; use .csv, .xlsx or .parquet").format(
            name=path.name, suffix=path.suffix))
    if not path.is_file():
        raise UnusableFile(_("{name}: no such file").format(name=path))
    reader = {"csv": read_csv, "xlsx": read_xlsx, "parquet": read_parquet}[kind]
    raw = reader(path)
    if not [c for c in raw.frame.columns if c != LINE]:
        raise UnusableFile(_("{name}: the file has no header row").format(name=path.name))
    return RawTable(tidy(raw.frame), raw.ragged)


# -- CSV ------------------------------------------------------------------------------------------

def decode(data: bytes, name: str) -> bytes:
    """The text as UTF-8 bytes. Accepts UTF-8 (with or without BOM), else Windows-1252 (what Excel
    on Windows writes); anything else makes the file unusable."""
    if b"\x00" in data:
        raise UnusableFile(_("{name}: not a text file (it contains NUL bytes)").format(name=name))
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        data.decode("utf-8")
        return data
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252").encode("utf-8")
    except UnicodeDecodeError as error:
        raise UnusableFile(_("{name}: the text is neither UTF-8 nor Windows-1252 (byte {position})").format(
            name=name, position=error.start)) from None


def sniff_separator(header_line: str) -> str:
    """The separator that splits the header line into the most fields (comma on a tie)."""
    counts = {sep: header_line.count(sep) for sep in _SEPARATORS}
    best = max(_SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def read_csv(path: Path) -> RawTable:
    data = decode(path.read_bytes(), path.name)
    if not data.strip():
        raise UnusableFile(_("{name}: the file is empty").format(name=path.name))
    separator = sniff_separator(data.split(b"\n", 1)[0].decode("utf-8"))
    try:
        fast = _read_csv_fast(data, separator)
    except pl.exceptions.PolarsError:
        fast = None
    return fast if fast is not None else _read_csv_exact(data.decode("utf-8"), separator)


def _read_csv_fast(data: bytes, separator: str) -> RawTable | None:
    """Polars parses; NumPy finds where each record starts and how many fields it has, from the
    positions of quotes, separators and line breaks. None when the two disagree on the number of
    records (then the exact path decides)."""
    first_lines, fields = record_layout(data, separator)
    frame = pl.read_csv(io.BytesIO(data), separator=separator, infer_schema=False, truncate_ragged_lines=True,
                        has_header=True, raise_if_empty=False)
    if frame.height != len(fields) - 1:
        return None
    width = fields[0]
    ragged = [(int(first_lines[i]), int(fields[i]), int(width)) for i in np.flatnonzero(fields != width)
              if i > 0 and fields[i] > 0]
    frame = frame.with_columns(pl.Series(LINE, first_lines[1:], dtype=pl.Int64))
    if ragged:
        frame = frame.filter(~pl.col(LINE).is_in([line for line, _n, _w in ragged]))
    return RawTable(frame.select(LINE, *frame.columns[:-1]), ragged)


def record_layout(data: bytes, separator: str, block: int = 1 << 22) -> tuple[np.ndarray, np.ndarray]:
    """For each CSV record: the file line it starts on (1-based) and its number of fields (0 for a
    blank line). A quote toggles "inside a quoted value" (a doubled quote toggles twice, so it is
    neutral); separators and line breaks count only outside quotes. The inside/outside state of every
    byte is a running XOR of the quote mask (one vectorised pass per block, carried across blocks),
    which is several times faster than looking each separator up among the quote positions. Blocks
    of 4 MiB keep the temporary arrays small enough for the allocator to reuse (16 MiB blocks were
    slower on a first call, each block's arrays being mapped afresh)."""
    buffer = np.frombuffer(data, dtype=np.uint8)
    record_ends, separators, all_newlines = [], [], []
    inside_before = False
    for start in range(0, len(buffer), block):
        chunk = buffer[start:start + block]
        inside = np.bitwise_xor.accumulate(chunk == ord('"'))
        if inside_before:
            inside = ~inside
        newlines = np.flatnonzero(chunk == ord("\n"))
        all_newlines.append(newlines + start)
        record_ends.append(newlines[~inside[newlines]] + start)
        separators.append(np.flatnonzero((chunk == ord(separator)) & ~inside) + start)
        inside_before = bool(inside[-1])
    ends = np.concatenate(record_ends) if record_ends else np.zeros(0, dtype=np.int64)
    if len(buffer) and buffer[-1] != ord("\n"):
        ends = np.append(ends, len(buffer))
    starts = np.concatenate(([0], ends[:-1] + 1))
    newlines = np.concatenate(all_newlines) if all_newlines else ends
    # Every line break ends a record unless some quoted value holds one: then look the lines up.
    breaks_in_values = len(newlines) - sum(len(part) for part in record_ends)
    first_lines = np.searchsorted(newlines, starts) + 1 if breaks_in_values else np.arange(1, len(starts) + 1)
    # Separators and record ends are both sorted: count the separators before each end.
    separators_before = np.searchsorted(np.concatenate(separators) if separators else ends[:0], ends)
    fields = np.diff(np.concatenate(([0], separators_before))) + 1
    lengths = ends - starts
    last = np.minimum(starts, max(len(buffer) - 1, 0))
    blank = (lengths == 0) | ((lengths == 1) & (buffer[last] == ord("\r")))
    fields[blank] = 0
    return first_lines, fields


def _read_csv_exact(text: str, separator: str) -> RawTable:
    """The exact path (quoted fields, line breaks inside quotes): Python's csv module, which knows
    on which line each record starts."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        header = next(reader)
    except StopIteration:
        raise UnusableFile(_("the file is empty")) from None
    width = len(header)
    lines: list[int] = []
    rows: list[list[str]] = []
    ragged: list[tuple[int, int, int]] = []
    previous_end = reader.line_num
    try:
        for record in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if not record or all(not cell.strip() for cell in record):
                continue
            if len(record) != width:
                ragged.append((start, len(record), width))
                continue
            lines.append(start)
            rows.append(record)
    except csv.Error as error:
        raise UnusableFile(_("the CSV text is malformed near line {line}: {error}").format(
            line=reader.line_num, error=error)) from None
    columns = list(zip(*rows)) if rows else [()] * width
    names = _unique_names(header)
    frame = pl.DataFrame({LINE: pl.Series(lines, dtype=pl.Int64),
                          **{n: pl.Series(list(col), dtype=pl.String) for n, col in zip(names, columns)}})
    return RawTable(frame, ragged)


def _unique_names(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    names = []
    for name in header:
        count = seen.get(name, 0)
        seen[name] = count + 1
        names.append(name if count == 0 else f"{name}_duplicated_{count - 1}")
    return names


# -- XLSX and Parquet -----------------------------------------------------------------------------

def read_xlsx(path: Path) -> RawTable:
    """The first worksheet; row 1 is the header. Uses openpyxl in read-only mode (streams rows)."""
    import openpyxl
    from zipfile import BadZipFile

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError, ValueError) as error:
        raise UnusableFile(_("{name}: not a readable .xlsx workbook ({error})").format(
            name=path.name, error=error)) from None
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [cell_text(c) or "" for c in next(rows, ())]
        while header and header[-1] == "":
            header.pop()
        width = len(header)
        lines, cells = [], []
        for number, row in enumerate(rows, start=2):
            values = [cell_text(c) for c in row[:width]]
            values += [None] * (width - len(values))
            lines.append(number)
            cells.append(values)
    finally:
        book.close()
    columns = list(zip(*cells)) if cells else [()] * width
    frame = pl.DataFrame({LINE: pl.Series(lines, dtype=pl.Int64),
                          **{n: pl.Series(list(col), dtype=pl.String)
                             for n, col in zip(_unique_names(header), columns)}})
    return RawTable(frame)


def cell_text(value: object) -> str | None:
    """A spreadsheet cell as the text the validator reads."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value)


def read_parquet(path: Path) -> RawTable:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as error:
        raise UnusableFile(_("{name}: not a readable Parquet file ({error})").format(
            name=path.name, error=error)) from None
    return RawTable(frame_from_table(table))


def frame_from_table(table: pa.Table) -> pl.DataFrame:
    """Any Arrow table as text columns plus ``_line`` (row + 1, as if a header were line 1)."""
    frame = pl.from_arrow(table)
    if isinstance(frame, pl.Series):
        frame = frame.to_frame()
    return frame.select([_as_text(frame[name]) for name in frame.columns]).with_row_index(
        LINE, offset=2).with_columns(pl.col(LINE).cast(pl.Int64))


def _as_text(series: pl.Series) -> pl.Series:
    dtype = series.dtype
    if dtype == pl.String:
        return series
    if dtype == pl.Boolean:
        return series.cast(pl.Int8).cast(pl.String)
    if dtype.is_float():
        whole = series.is_not_nan() & (series == series.floor())
        as_int = series.cast(pl.Int64, strict=False).cast(pl.String)
        return pl.select(pl.when(whole).then(as_int).otherwise(series.cast(pl.String))).to_series().alias(
            series.name)
    return series.cast(pl.String)


# -- common clean-up ------------------------------------------------------------------------------

def tidy(frame: pl.DataFrame) -> pl.DataFrame:
    """Trimmed text, empty cells as nulls, fully blank rows dropped."""
    return _drop_blank_rows(_clean(frame))


def _clean(frame: pl.DataFrame) -> pl.DataFrame:
    """Trim spaces; an empty cell is a missing value (null), never an empty string."""
    text = [c for c in frame.columns if c != LINE]
    return frame.with_columns([pl.col(c).str.strip_chars().replace("", None).alias(c) for c in text])


def _drop_blank_rows(frame: pl.DataFrame) -> pl.DataFrame:
    text = [c for c in frame.columns if c != LINE]
    if not text:
        return frame
    return frame.filter(~pl.all_horizontal([pl.col(c).is_null() for c in text]))
