"""Import files built from rows, and the mutations the fuzz tests and ``scripts/fuzz_import.py``
apply to them, plus the one invariant they check.

The invariant (issue 8, point 14): reading and checking a file never raises anything but a
``UserError``; every row of the file is either to be stored or reported with its line; and every
value to be stored equals the file's cell (read as text, trimmed, Unicode digits as ASCII).
"""

from __future__ import annotations

import csv
import io
import random
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from lumbung.errors import UserError
from lumbung.imports.pipeline import check
from lumbung.imports.readers import LINE, ascii_value, read_path
from lumbung.imports.sidt import COLUMNS as SIDT_COLUMNS
from lumbung.vocabulary import TEMPLATE_COLUMNS, TEMPLATE_FIELDS

KINDS = {f.name: f.kind for f in TEMPLATE_FIELDS}


# -- files from rows -----------------------------------------------------------------------------

def write_rows(path: Path, columns: list[str], rows: list[list[str | None]]) -> Path:
    """``rows`` of text (None: an empty cell) as .csv, .xlsx (every cell a text cell) or .parquet."""
    suffix = path.suffix
    if suffix == ".csv":
        # A CR in a value is quoted only when the line ends are CRLF (the csv module quotes the
        # characters of its line terminator); unquoted, a lone CR ends the record, as in Excel.
        carriage = any(v and "\r" in v for r in rows for v in r)
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n" if carriage else "\n")
            writer.writerow(columns)
            writer.writerows([["" if v is None else v for v in r] for r in rows])
    elif suffix == ".xlsx":
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(columns)
        for number, values in enumerate(rows, start=2):
            for index, value in enumerate(values, start=1):
                if value is not None:
                    cell = sheet.cell(row=number, column=index)
                    cell.value = value
                    cell.data_type = "s"  # "#N/A" typed as text stays text
        book.save(path)
    elif suffix == ".parquet":
        table = pa.table({c: pa.array([r[i] for r in rows], pa.string()) for i, c in enumerate(columns)})
        pq.write_table(table, path)
    else:
        raise ValueError(suffix)
    return path


# -- the invariant ---------------------------------------------------------------------------------

@dataclass
class Outcome:
    unusable: str | None = None  # the UserError's sentence
    stored: dict[int, dict] = field(default_factory=dict)  # line -> typed values to be written
    reported: set[int] = field(default_factory=set)
    frame_lines: list[int] = field(default_factory=list)
    raw: pl.DataFrame | None = None


def run(path: Path, format: str = "template") -> Outcome:
    """Read and check ``path``; any exception other than a UserError propagates (a finding)."""
    try:
        raw = read_path(path)
        checked = check(raw, format, path.name)
    except UserError as error:
        return Outcome(unusable=str(error))
    stored = {row[LINE]: row for row in checked.rows.to_dicts()}
    return Outcome(stored=stored, reported=set(checked.errors["line"].to_list()),
                   frame_lines=raw.frame[LINE].to_list(), raw=raw.frame)


def violations(outcome: Outcome, format: str = "template") -> list[str]:
    """What breaks the invariant: rows neither stored nor reported, rows both, stored values that
    differ from the file's cell."""
    if outcome.unusable is not None:
        return []
    found = []
    both = set(outcome.stored) & outcome.reported
    if both:
        found.append(f"stored and reported: {sorted(both)[:5]}")
    lost = set(outcome.frame_lines) - set(outcome.stored) - outcome.reported
    if lost:
        found.append(f"neither stored nor reported: {sorted(lost)[:5]}")
    if format == "template" and outcome.raw is not None:
        found += _value_mismatches(outcome)
    return found


def _value_mismatches(outcome: Outcome) -> list[str]:
    """A stored value equals its cell: text exactly (trimmed), numbers as the digits read."""
    from lumbung.imports import spellings  # noqa: PLC0415 - only this check needs the spellings table

    index = spellings.header_index()
    by_line = {row[LINE]: row for row in outcome.raw.to_dicts()}
    found = []
    for line, typed in outcome.stored.items():
        cells = by_line[line]
        for header, text in cells.items():
            name = index.get(spellings.header_key(header)) if header != LINE else None
            if name is None or name not in typed:
                continue
            if not _same(KINDS[name], name, text, typed[name]):
                found.append(f"line {line} {name}: file {text!r} stored {typed[name]!r}")
    return found[:5]


DIGIT_TEXT = ("nib", "owner_nik", "region_code", "kbli")


def _same(kind: str, name: str, text: str | None, value) -> bool:
    if text is None:
        return value is None
    if kind == "text" and name not in DIGIT_TEXT:
        return value == text
    text = ascii_value(text)
    if kind in ("int", "money", "year"):
        return value is not None and text.isdigit() and int(text) == value
    if name == "owner_nik":
        return value is None or value == "".join(c for c in text if c.isdigit())
    if name == "nib":
        return value == "".join(c for c in text if c.isdigit())
    return value is not None  # codes, choices, yes/no: normalised, but never dropped


#: What the reader trims (Polars' strip_chars: Unicode White_Space). Python's str.strip() also
#: strips the separators U+001C-U+001F, which are stored as they are.
SPACES = "".join(c for c in map(chr, range(0x3001)) if c.isspace() and c not in "\x1c\x1d\x1e\x1f")


def cell_mismatches(outcome: Outcome, expected: dict[int, dict[str, str | None]]) -> list[str]:
    """The reader's frame against the rows the file was written from: every row read with every
    cell as written (trimmed; empty is missing), or reported."""
    if outcome.unusable is not None or outcome.raw is None:
        return []
    by_line = {row[LINE]: row for row in outcome.raw.to_dicts()}
    found = []
    for line, cells in expected.items():
        if line not in by_line:
            if line not in outcome.reported:
                found.append(f"line {line} neither read nor reported")
            continue
        for column, value in cells.items():
            want = value.strip(SPACES) if value is not None else None
            if by_line[line].get(column) != (want or None):
                found.append(f"line {line} {column}: file {value!r} read {by_line[line].get(column)!r}")
    return found[:5]


# -- mutations -------------------------------------------------------------------------------------

def _csv_bytes(columns, rows) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([["" if v is None else v for v in r] for r in rows])
    return buffer.getvalue().encode("utf-8")


STRANGE_VALUES = [
    "３", "٣", "𝟑", "１２３４５", "-1", "2.5", "1e3", "inf", "NaN", "9" * 25, str(2 ** 63), str(2 ** 64 + 1),
    "0", "", " ", "=1+1", "=cmd|' /C calc'!A0", "@SUM(A1)", "+1", "#N/A", "#DIV/0!", "ya", "Tidak", "P", "l",
    "2023-01-05", "05/01/2023", "5 Jan 2023", "20230105", "2023", "２０２３", "1899", "3000", "\u200b3",
    "3\u00a0000", "Café", "Ｃａｆé", "a\"b", '"quoted"', "semi;colon", "com,ma", "tab\tbed", "line\nbreak",
    "\ufeff1", "3204015507900001", "３２０４０１５５０７９０００１", "1234567890123", "32.04", "3204", "10792",
    "１０７９２", "0" * 40, "1" * 16, "null", "None", "-", "N/A",
]


def template_rows(rng: random.Random, count: int) -> list[list[str | None]]:
    from imports_samples import row  # noqa: PLC0415 - test helper next to this module

    rows = []
    for index in range(count):
        values = row(source_id=f"F{index}", nib=f"{1234567890000 + index:013d}")
        rows.append([values[c] or None for c in TEMPLATE_COLUMNS])
    return rows


def mutate_rows(rng: random.Random, columns: list[str], rows: list[list[str | None]]) -> None:
    """Strange values in random cells, duplicated and conflicting rows, empty columns."""
    for _ in range(rng.randint(1, 6)):
        choice = rng.random()
        if choice < 0.6 and rows:
            rows[rng.randrange(len(rows))][rng.randrange(len(columns))] = rng.choice(STRANGE_VALUES)
        elif choice < 0.75 and rows:
            rows.append(list(rng.choice(rows)))  # duplicate (conflicting after later mutations)
        elif choice < 0.9:
            column = rng.randrange(len(columns))
            for r in rows:
                r[column] = None
        elif rows:
            rows.pop(rng.randrange(len(rows)))


def mutate_bytes(rng: random.Random, data: bytes) -> bytes:
    """Byte-level damage: truncation, stray delimiters and quotes, other encodings and line ends."""
    choice = rng.random()
    if choice < 0.15:
        return data[:rng.randrange(max(len(data), 1))]
    if choice < 0.3:
        position = rng.randrange(max(len(data), 1))
        return data[:position] + rng.choice([b",", b";", b'"', b"\t", b'""', b"\n", b"\r", b","]) + data[position:]
    if choice < 0.4:
        return data.replace(b"\n", b"\r")
    if choice < 0.5:
        return data.replace(b"\n", b"\r\n")
    if choice < 0.6:
        return data.decode("utf-8").encode("utf-16")
    if choice < 0.7:
        try:
            return data.decode("utf-8").encode("cp1252")
        except UnicodeEncodeError:
            return data
    if choice < 0.8:
        position = rng.randrange(max(len(data), 1))
        return data[:position] + bytes([rng.choice([0xE9, 0x81, 0xFF, 0xC3])]) + data[position:]
    if choice < 0.9:
        return data.replace(b",", b";")
    return b"\xef\xbb\xbf" + data


def damage_zip(rng: random.Random, data: bytes) -> bytes:
    """An .xlsx damaged inside: a member's XML cut short or a byte flipped, re-zipped."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    victim = rng.choice([n for n in source.namelist() if n.endswith(".xml")])
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            if name == victim:
                if rng.random() < 0.5:
                    content = content[:rng.randrange(max(len(content), 1))]
                else:
                    position = rng.randrange(max(len(content), 1))
                    content = content[:position] + bytes([rng.randrange(256)]) + content[position + 1:]
            target.writestr(name, content)
    return out.getvalue()


def excel_oddities(rng: random.Random, path: Path, rows: list[list[str | None]]) -> None:
    """An .xlsx with numbers as numbers, formulas (saved by openpyxl without results), error cells,
    merged cells and dates in cells."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(TEMPLATE_COLUMNS))
    for values in rows:
        sheet.append([_excel_value(rng, c, v) for c, v in zip(TEMPLATE_COLUMNS, values, strict=True)])
    if rng.random() < 0.4 and len(rows) > 1:
        column = rng.randrange(1, len(TEMPLATE_COLUMNS) + 1)
        sheet.merge_cells(start_row=2, start_column=column, end_row=min(len(rows) + 1, 4), end_column=column)
    book.save(path)


def _excel_value(rng: random.Random, column: str, value: str | None):
    import datetime as dt  # noqa: PLC0415 - only Excel cells need dates

    if value is None:
        return None
    roll = rng.random()
    if roll < 0.03:
        return "=1+1"
    if roll < 0.06:
        return "#N/A"
    if roll < 0.08:
        return dt.date(2023, 5, 1)
    if roll < 0.1:
        return 2.5
    if KINDS.get(column) in ("int", "money", "year") and value.isdigit():
        return int(value) if rng.random() < 0.5 else float(value)
    return value


def mutate_header(rng: random.Random, columns: list[str]) -> None:
    """A header repeated, blank, named like the line column, an alias, or in another case."""
    index = rng.randrange(len(columns))
    columns[index] = rng.choice([columns[(index + 1) % len(columns)], "", "_line", columns[index].upper(),
                                 columns[index].replace("_", " ").title(), "nama usaha", "tenaga_kerja", "Tahun"])


def typed_parquet(rng: random.Random, path: Path, columns: list[str], rows: list[list[str | None]]) -> Path:
    """Parquet with typed columns: integers and floats (fractions, inf, NaN, beyond 2**63), bytes
    (some not UTF-8), lists, dates, booleans."""
    import datetime as dt  # noqa: PLC0415 - only typed Parquet needs dates

    arrays = {}
    for index, column in enumerate(columns):
        values = [r[index] for r in rows]
        roll = rng.random()
        if roll < 0.15 and all(v is None or v.isdigit() for v in values):
            arrays[column] = pa.array([None if v is None else int(v) if int(v) < 2 ** 63 else None for v in values],
                                      pa.int64())
        elif roll < 0.3:
            arrays[column] = pa.array([rng.choice([None, 1.0, 2.5, float("inf"), float("nan"), 1e20, 3e15, -0.0])
                                       for _ in values], pa.float64())
        elif roll < 0.38:
            arrays[column] = pa.array([None if v is None else rng.choice([v.encode(), b"\xff" + v.encode()])
                                       for v in values], pa.binary())
        elif roll < 0.42:
            arrays[column] = pa.array([None if v is None else [v] for v in values], pa.list_(pa.string()))
        elif roll < 0.45:
            arrays[column] = pa.array([dt.date(2023, 1, 5) for _ in values], pa.date32())
        elif roll < 0.48:
            arrays[column] = pa.array([rng.random() < 0.5 for _ in values], pa.bool_())
        else:
            arrays[column] = pa.array(values, pa.string())
    pq.write_table(pa.table(arrays), path)
    return path


def sidt_rows(rng: random.Random, count: int) -> list[list[str | None]]:
    from test_imports_sidt import sidt_row  # noqa: PLC0415 - the SIDT test's valid row

    rows = []
    for index in range(count):
        values = sidt_row(id_data_badan_usaha=f"S{index}", nib="")
        rows.append([values[c] or None for c in SIDT_COLUMNS])
    return rows


#: A line break as the reader counts lines: CRLF, CR or LF.
LINE_BREAK = re.compile(r"\r\n|\r|\n")


def expected_cells(columns, rows, csv_lines: bool) -> dict[int, dict[str, str | None]]:
    """line -> cells of each row that is not blank; CSV lines count the line breaks inside values."""
    out, line = {}, 2
    for values in rows:
        if any(v and v.strip() for v in values):
            out[line] = dict(zip(columns, values, strict=True))
        line += 1 + (sum(len(LINE_BREAK.findall(v or "")) for v in values) if csv_lines else 0)
    return out


def generate(rng: random.Random, folder: Path, number: int) -> tuple[Path, str, dict | None]:
    """One generated input: (path, import format, the rows the reader must give back, where the
    mutation keeps them knowable: line -> column -> cell)."""
    kind = rng.choice(["csv", "csv", "csv-bytes", "csv-header", "xlsx", "xlsx-odd", "xlsx-zip", "parquet",
                       "parquet-typed", "sidt", "sidt-bytes"])
    fmt = "sidt" if kind.startswith("sidt") else "template"
    columns = list(SIDT_COLUMNS) if fmt == "sidt" else list(TEMPLATE_COLUMNS)
    rows = sidt_rows(rng, rng.randint(0, 6)) if fmt == "sidt" else template_rows(rng, rng.randint(0, 6))
    mutate_rows(rng, columns, rows)
    if kind in ("csv", "sidt"):
        return write_rows(folder / f"in{number}.csv", columns, rows), fmt, expected_cells(columns, rows, True)
    if kind == "csv-header":
        mutate_header(rng, columns)
        return write_rows(folder / f"in{number}.csv", columns, rows), fmt, None
    if kind == "parquet-typed":
        return typed_parquet(rng, folder / f"in{number}.parquet", columns, rows), fmt, None
    if kind in ("csv-bytes", "sidt-bytes"):
        path = folder / f"in{number}.csv"
        path.write_bytes(mutate_bytes(rng, _csv_bytes(columns, rows)))
        return path, fmt, None
    if kind == "parquet":
        return write_rows(folder / f"in{number}.parquet", columns, rows), fmt, expected_cells(columns, rows, False)
    path = folder / f"in{number}.xlsx"
    if kind == "xlsx-odd":
        excel_oddities(rng, path, rows)
        return path, fmt, None
    write_rows(path, columns, rows)
    if kind == "xlsx-zip":
        path.write_bytes(damage_zip(rng, path.read_bytes()) if rng.random() < 0.7
                         else path.read_bytes()[:rng.randrange(path.stat().st_size)])
        return path, fmt, None
    return path, fmt, expected_cells(columns, rows, False)


def findings(path: Path, fmt: str, expected: dict | None, tally: dict | None = None) -> list[str]:
    """Everything that breaks the invariant for one input (a traceback is a finding too);
    ``tally`` counts unusable files and rows stored and reported."""
    try:
        outcome = run(path, fmt)
    except Exception as error:  # noqa: BLE001 - any exception but a UserError is what the fuzzer looks for
        return [f"traceback: {type(error).__name__}: {str(error)[:200]}"]
    if tally is not None:
        tally["unusable"] = tally.get("unusable", 0) + (outcome.unusable is not None)
        tally["stored"] = tally.get("stored", 0) + len(outcome.stored)
        tally["reported"] = tally.get("reported", 0) + len(outcome.reported)
    found = violations(outcome, format=fmt)
    if expected is not None:
        found += cell_mismatches(outcome, expected)
    return found


# -- published tables (lumbung.indicators.published: only called here) ------------------------------

PROVINCES = ["ACEH", "SUMATERA UTARA", "JAWA BARAT", "JAWA TENGAH", "BALI", "PAPUA"]


def published_columns(layout: dict) -> list[tuple[str, str, str]]:
    """(column, size class, measure) of every numeric column the layout reads."""
    out = []
    for measure in layout["measure"]:
        for suffix, size in layout["sizes"].items():
            if size in measure.get("sizes", list(layout["sizes"].values())):
                out.append((measure["column"].format(size=suffix), size, measure["name"]))
    return out


def published_table(rng: random.Random, layout: dict) -> tuple[list[str], list[list[str]]]:
    columns = published_columns(layout)
    header = [layout["region_column"], *[c for c, _s, _m in columns]]
    rows = []
    for name in rng.sample(PROVINCES, rng.randint(0, len(PROVINCES))):
        parts = {}
        for _column, size, measure in columns:
            if size != "total":
                parts[(measure, size)] = rng.randint(0, 5000)
        values = []
        for _column, size, measure in columns:
            if size == "total":
                total = sum(v for (m, _s), v in parts.items() if m == measure) or rng.randint(0, 5000)
                values.append(str(total))
            else:
                values.append(str(parts[(measure, size)]))
        rows.append([name, *values])
    return header, rows


def published_input(rng: random.Random, folder: Path, number: int, layout: dict) -> Path:
    header, rows = published_table(rng, layout)
    for _ in range(rng.randint(0, 4)):
        if rows and rng.random() < 0.7:
            rows[rng.randrange(len(rows))][rng.randrange(len(header))] = rng.choice(STRANGE_VALUES)
        elif rows:
            rows.append(list(rng.choice(rows)))
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=layout.get("separator", ","), lineterminator="\n").writerows([header, *rows])
    data = buffer.getvalue().encode("utf-8")
    if rng.random() < 0.5:
        data = mutate_bytes(rng, data)
    path = folder / f"table{number}.csv"
    path.write_bytes(data)
    return path


def published_findings(path: Path, layout: dict) -> list[str]:
    """The published-table reader against the invariant: no traceback; every data line placed or
    listed as unplaced; every placed value equals the file's number (times the multiplier), and a
    cell that is not a finite number is reported, never stored."""
    import math  # noqa: PLC0415 - only this check needs it

    from lumbung.indicators import published  # noqa: PLC0415 - another helper's module, only called

    try:
        frame, result = published.read_table(path, layout)
    except Exception as error:  # noqa: BLE001 - every exception is classified here
        if isinstance(error, UserError) or type(error).__name__ == "LayoutError":
            return []
        return [f"traceback: {type(error).__name__}: {str(error)[:160]}"]
    found = []
    placed_lines = result.rows - len(result.unplaced)
    regions = frame[frame.region_level >= 0]["region_code"].nunique() if len(frame) else 0
    if placed_lines < regions:
        found.append(f"more regions stored ({regions}) than lines placed ({placed_lines})")
    for value in frame["value"].tolist() if len(frame) else []:
        if not math.isfinite(value):
            found.append(f"stored a value that is not a finite number: {value}")
            break
    multipliers = {m["name"]: float(m.get("multiplier", 1)) for m in layout["measure"]}
    text = path.read_bytes().decode("utf-8", "replace")
    records = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""),
                                  delimiter=layout.get("separator", ",")))
    stored = {(r.region_name, r.size_class, r.measure): r.value for r in frame.itertuples()} if len(frame) else {}
    seen = set()
    for record in records:
        name = (record.get(layout["region_column"]) or "").strip()
        if name in seen:
            continue  # a region's second row is refused ("the same region as line ...")
        seen.add(name)
        for column, size, measure in published_columns(layout):
            cell = (record.get(column) or "").strip()
            key = (name, size, measure)
            if key in stored and cell:
                try:
                    expected = float(cell) * multipliers[measure]
                except ValueError:
                    found.append(f"{name} {column}: stored {stored[key]} from {cell!r}")
                    continue
                if math.isfinite(expected) and not math.isclose(stored[key], expected, rel_tol=1e-12):
                    found.append(f"{name} {column}: stored {stored[key]}, file says {cell!r}")
    return found[:5]
