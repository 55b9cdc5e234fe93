"""Read CSV, XLSX and Parquet files (and Arrow tables) into one shape: a Polars frame of text
columns under their original headers, plus ``_line``, the line a row came from.

Every cell is read as text (never a Polars ``Null`` column, whatever the file leaves empty), so the
validator sees what the officer typed and the errors file can quote it; typed sources (Parquet,
Excel numbers) are turned into the same text first (see :mod:`lumbung.imports.arrowtext` and
:mod:`lumbung.imports.xlsx`).

``_line`` is the file line with the header as line 1 (CSV), the worksheet row (XLSX), or the
table row + 1 (Parquet and Arrow tables, as if a header were line 1). Fully blank rows are dropped.

The rule: every cell is either read exactly as the file holds it or reported with its line and
column. What cannot be read comes back beside the frame: ``ragged`` (CSV lines with more or fewer
fields than the header; not in the frame) and ``problems`` (line, column, value, reason): with a
column, a cell the frame holds as empty (an Excel error cell, bytes that are not text); with the
column "", a whole line that is not in the frame (a line that is not UTF-8 in a UTF-8 file).
Headers must be unique: two columns with the same name make the file unusable.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from lumbung.i18n import _
from lumbung.imports import xlsx
from lumbung.imports.arrowtext import Problem, table_text
from lumbung.imports.results import UnusableFile

LINE = "_line"
FORMATS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".parquet": "parquet", ".pq": "parquet"}
_SEPARATORS = (",", ";", "\t")
_QUOTE, _NEWLINE, _RETURN = ord('"'), ord("\n"), ord("\r")


@dataclass
class RawTable:
    frame: pl.DataFrame  # text columns under the file's own headers, plus _line
    ragged: list[tuple[int, int, int]] = field(default_factory=list)  # (line, fields, header fields)
    problems: list[Problem] = field(default_factory=list)  # (line, column or "", value, reason)

    def lines_outside(self) -> set[int]:
        """Lines reported here that are not rows of the frame."""
        return {line for line, _n, _w in self.ragged} | {p[0] for p in self.problems if not p[1]}


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
    return RawTable(tidy(raw.frame), raw.ragged, raw.problems)


def header_names(header: list[str], name: str, label=lambda index: str(index)) -> list[str]:
    """The file's headers as frame column names: a blank header becomes "(column N)" (an unknown
    column, ignored like any other), a header that is literally ``_line`` gets its column number so
    it cannot clash with the line column, and a repeated header makes the file unusable (the
    second column would otherwise be silently ignored)."""
    names, seen = [], {}
    for index, text in enumerate(header, start=1):
        text = (text or "").strip().lstrip("\ufeff").strip()
        if not text:
            names.append(f"(column {label(index)})")
            continue
        if text in seen:
            raise UnusableFile(_("{name}: columns {first} and {second} are both named {header!r}; rename or remove "
                                 "one").format(name=name, first=label(seen[text]), second=label(index), header=text))
        seen[text] = index
        names.append(f"{text} (column {label(index)})" if text == LINE else text)
    return names


# -- CSV ------------------------------------------------------------------------------------------

def text_bytes(data: bytes, name: str) -> tuple[bytes, list[int]]:
    """The file as UTF-8 bytes with "\\n" line ends, and the lines that were not valid UTF-8.

    UTF-16 with a byte-order mark (Excel's "Unicode text") is decoded; a file with CR-only line
    ends (old Mac Excel) gets "\\n"; a file whose non-ASCII text is all valid UTF-8 except some
    lines keeps its UTF-8 and reports those lines (their bad bytes become U+FFFD so the CSV still
    parses, and the rows are rejected); a file with no UTF-8 text at all is read as Windows-1252,
    what Excel on Windows writes. Anything else makes the file unusable."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as error:
            raise UnusableFile(_("{name}: the text is not valid UTF-16 (byte {position})").format(
                name=name, position=error.start)) from None
    if b"\x00" in data:
        raise UnusableFile(_("{name}: not a text file (it contains NUL bytes)").format(name=name))
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    if b"\r" in data and b"\n" not in data:
        data = data.replace(b"\r", b"\n")
    try:
        data.decode("utf-8")
        return data, []
    except UnicodeDecodeError:
        pass
    return _decode_lines(data, name)


def _decode_lines(data: bytes, name: str) -> tuple[bytes, list[int]]:
    lines = data.split(b"\n")
    bad, utf8_text = [], False
    for number, line in enumerate(lines, start=1):
        try:
            utf8_text |= not line.decode("utf-8").isascii()
        except UnicodeDecodeError:
            bad.append(number)
    if utf8_text:
        for number in bad:
            lines[number - 1] = lines[number - 1].decode("utf-8", "replace").encode("utf-8")
        return b"\n".join(lines), bad
    try:
        return data.decode("cp1252").encode("utf-8"), []
    except UnicodeDecodeError as error:
        raise UnusableFile(_("{name}: the text is neither UTF-8 nor Windows-1252 (byte {position})").format(
            name=name, position=error.start)) from None


def decode(data: bytes, name: str) -> bytes:
    """The text as UTF-8 bytes (lines that are not UTF-8 in a UTF-8 file hold U+FFFD)."""
    return text_bytes(data, name)[0]


def sniff_separator(header_line: str) -> str:
    """The separator that splits the header line into the most fields (comma on a tie)."""
    counts = {sep: header_line.count(sep) for sep in _SEPARATORS}
    best = max(_SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def read_csv(path: Path) -> RawTable:
    data, bad_lines = text_bytes(path.read_bytes(), path.name)
    if not data.strip():
        raise UnusableFile(_("{name}: the file is empty").format(name=path.name))
    separator = sniff_separator(data.split(b"\n", 1)[0].decode("utf-8"))
    header = header_names(_first_record(data, separator), path.name)
    fast = None
    # A lone "\r" is a line break to the csv module but not to the line map: exact path.
    if quotes_are_plain(data, separator) and data.count(b"\r") == data.count(b"\r\n"):
        try:
            fast = read_csv_fast(data, separator, header)
        except pl.exceptions.PolarsError:
            fast = None
    raw = fast if fast is not None else read_csv_exact(data.decode("utf-8"), separator, header)
    return _reject_bad_lines(raw, bad_lines, path.name) if bad_lines else raw


def _first_record(data: bytes, separator: str) -> list[str]:
    prefix = data[:1 << 20].decode("utf-8", "ignore")
    return next(csv.reader(io.StringIO(prefix, newline=""), delimiter=separator), [])


def quotes_are_plain(data: bytes, separator: str, block: int = 1 << 22) -> bool:
    """True when every quote opens a value at its start or closes it at its end (or is doubled
    inside one), the only quoting in which the fast line map and Polars agree with the csv module.
    A quote inside an unquoted value (``Tahu "Sumedang, Bu" Sari``) is a literal character there,
    while the line map would take the comma for part of a quoted value: such files take the exact
    path, where the row comes out with one field too many and is reported."""
    buffer = np.frombuffer(data, dtype=np.uint8)
    quotes = np.concatenate([np.flatnonzero(buffer[start:start + block] == _QUOTE) + start
                             for start in range(0, len(buffer), block)] or [np.zeros(0, dtype=np.int64)])
    if len(quotes) % 2:
        return False  # a quoted value runs to the end of the file
    opening, closing = quotes[0::2], quotes[1::2]
    before = buffer[np.maximum(opening - 1, 0)]
    opens_value = (opening == 0) | (before == ord(separator)) | (before == _NEWLINE) | (before == _QUOTE)
    after = buffer[np.minimum(closing + 1, len(buffer) - 1)]
    closes_value = ((closing == len(buffer) - 1) | (after == ord(separator)) | (after == _NEWLINE)
                    | (after == _RETURN) | (after == _QUOTE))
    return bool(opens_value.all() and closes_value.all())


def read_csv_fast(data: bytes, separator: str, header: list[str]) -> RawTable | None:
    """Polars parses; NumPy finds where each record starts and how many fields it has, from the
    positions of quotes, separators and line breaks. None when the two disagree on the number of
    records or columns (then the exact path decides)."""
    first_lines, fields = record_layout(data, separator)
    frame = pl.read_csv(io.BytesIO(data), separator=separator, infer_schema=False, truncate_ragged_lines=True,
                        has_header=True, raise_if_empty=False)
    if frame.height != len(fields) - 1 or frame.width != len(header) or fields[0] != len(header):
        return None
    frame.columns = header
    width = fields[0]
    ragged = [(int(first_lines[i]), int(fields[i]), int(width)) for i in np.flatnonzero(fields != width)
              if i > 0 and fields[i] > 0]
    frame = frame.with_columns(pl.Series(LINE, first_lines[1:], dtype=pl.Int64))
    if ragged:
        frame = frame.filter(~pl.col(LINE).is_in([line for line, _n, _w in ragged]))
    return RawTable(frame.select(LINE, *header), ragged)


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


def read_csv_exact(text: str, separator: str, header: list[str]) -> RawTable:
    """The exact path (quotes inside values, line breaks inside quotes): Python's csv module, which
    knows on which line each record starts."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    if next(reader, None) is None:
        raise UnusableFile(_("the file is empty"))
    width = len(header)
    lines: list[int] = []
    rows: list[list[str]] = []
    ragged: list[tuple[int, int, int]] = []
    previous_end = reader.line_num
    try:
        for record in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if not record:
                continue
            if len(record) != width:  # before the blank check, as the fast path counts fields first
                ragged.append((start, len(record), width))
                continue
            if all(not cell.strip() for cell in record):
                continue
            lines.append(start)
            rows.append(record)
    except csv.Error as error:
        raise UnusableFile(_("the CSV text is malformed near line {line}: {error}").format(
            line=reader.line_num, error=error)) from None
    return RawTable(text_frame(lines, header, list(zip(*rows, strict=True)) if rows else [()] * width), ragged)


def text_frame(lines: list[int], names: list[str], columns: list) -> pl.DataFrame:
    """``_line`` and one String column per name (String even when every cell is empty)."""
    return pl.DataFrame({LINE: pl.Series(lines, dtype=pl.Int64),
                         **{n: pl.Series(list(col), dtype=pl.String) for n, col in zip(names, columns, strict=True)}})


def _reject_bad_lines(raw: RawTable, bad_lines: list[int], name: str) -> RawTable:
    """Rows holding a line that is not UTF-8 (in a file that is UTF-8 elsewhere) are reported."""
    if 1 in bad_lines:
        raise UnusableFile(_("{name}: the header line is not valid UTF-8; save the file as UTF-8").format(name=name))
    frame = raw.frame
    lines = frame[LINE].to_numpy()
    hit = np.searchsorted(lines, np.asarray(bad_lines), side="right") - 1
    text = [c for c in frame.columns if c != LINE]
    marked = frame.select(pl.any_horizontal([pl.col(c).str.contains("\ufffd", literal=True) for c in text])
                          .fill_null(False)).to_series().to_numpy() if text else np.zeros(len(lines), dtype=bool)
    problems = list(raw.problems)
    rejected = set()
    for bad, index in zip(bad_lines, hit, strict=True):
        if index < 0 or not marked[index]:
            continue  # the line belongs to a ragged record (already reported) or a blank one
        line = int(lines[index])
        rejected.add(line)
        problems.append((line, "", None, _("line {bad} holds bytes that are not UTF-8 while the rest of the file is "
                                           "UTF-8; correct them or save the file again as UTF-8").format(bad=bad)))
    return RawTable(frame.filter(~pl.col(LINE).is_in(sorted(rejected))), raw.ragged, problems)


# -- XLSX and Parquet -----------------------------------------------------------------------------

def read_xlsx(path: Path) -> RawTable:
    """The first worksheet; its first row holding a value is the header (see lumbung.imports.xlsx)."""
    sheet = xlsx.read_sheet(path)
    if not sheet.rows:
        return RawTable(pl.DataFrame({LINE: pl.Series([], dtype=pl.Int64)}))
    header = [xlsx.cell_text(c) or "" for c in sheet.rows[0]]
    names = header_names(header, path.name, lambda index: xlsx.column_letters(index + sheet.first_column - 1))
    body = sheet.rows[1:]
    lines = list(range(sheet.first_row + 1, sheet.first_row + 1 + len(body)))
    columns, problems = [], []
    for name, values in zip(names, zip(*body, strict=True) if body else [()] * len(names), strict=True):
        text = xlsx.column_text(values)
        for offset in xlsx.rounded_numbers(values):
            problems.append((lines[offset], name, text[offset], xlsx.rounded_reason()))
            text[offset] = None
        columns.append(text)
    for row, column, value, reason in sheet.unreadable:
        index = column - sheet.first_column
        if row > sheet.first_row and 0 <= index < len(names):
            problems.append((row, names[index], value, reason))
    return RawTable(text_frame(lines, names, columns), problems=problems)


def read_parquet(path: Path) -> RawTable:
    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError, ValueError) as error:
        raise UnusableFile(_("{name}: not a readable Parquet file ({error})").format(
            name=path.name, error=error)) from None
    return table_raw(table, path.name)


def table_raw(table: pa.Table, name: str = "table") -> RawTable:
    """Any Arrow table as text columns plus ``_line`` (row + 1, as if a header were line 1)."""
    names = header_names(list(table.column_names), name)
    columns, problems = table_text(table)
    renamed = dict(zip(table.column_names, names, strict=True))
    # header_names gave a column literally named _line another name, so LINE is free here.
    frame = pl.from_arrow(pa.table({LINE: pa.array(range(2, table.num_rows + 2), pa.int64()),
                                    **{renamed[n]: a for n, a in columns.items()}}))
    frame = frame.with_columns(pl.exclude(LINE).cast(pl.String))
    return RawTable(frame, problems=[(line, renamed[column], value, reason)
                                     for line, column, value, reason in problems])


def frame_from_table(table: pa.Table) -> pl.DataFrame:
    """The frame of :func:`table_raw` (cells that could not be read are empty there)."""
    return table_raw(table).frame


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


# -- digits ---------------------------------------------------------------------------------------

def ascii_digits(frame: pl.DataFrame, columns) -> pl.DataFrame:
    """Every Unicode decimal digit (full-width ３, Arabic-Indic ٣, mathematical 𝟑...) in ``columns``
    as its ASCII digit, so that a number reads as the number it shows, and an identifier such as a
    NIK reaches the registry as ASCII. Only values with non-ASCII characters are looked at, once per
    distinct value; other characters are left as they are (and then refused by the validator)."""
    columns = [c for c in columns if c in frame.columns]
    if not columns or frame.height == 0:
        return frame
    non_ascii = frame.select([pl.col(c).str.contains(r"[^\x00-\x7F]").any().alias(c) for c in columns]).row(0)
    exprs = []
    for name, found in zip(columns, non_ascii, strict=True):
        if not found:
            continue
        column = frame[name]
        values = column.filter(column.str.contains(r"[^\x00-\x7F]").fill_null(False)).unique().to_list()
        mapping = {value: ascii_value(value) for value in values}
        mapping = {k: v for k, v in mapping.items() if k != v}
        if mapping:
            exprs.append(pl.col(name).replace(mapping))
    return frame.with_columns(exprs) if exprs else frame


def ascii_value(value: str) -> str:
    return "".join(str(unicodedata.decimal(ch)) if not ch.isascii() and unicodedata.category(ch) == "Nd" else ch
                   for ch in value)
