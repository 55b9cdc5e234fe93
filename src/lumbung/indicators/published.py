"""Published aggregate tables (statistics offices publish cells, not firms).

``import_published_table(file, layout)`` reads a table whose shape a *layout* describes
(``layouts/<name>.toml``: separator, region column and level, national-total names, size-class
column suffixes, measures with units and multipliers, year) into long aggregate values
(region x size class x year x measure) stored as Parquet under
``<LUMBUNG_HOME>/analytics/published/<layout>-<year>.parquet``. It reports rows it cannot place
and parts that do not add up to their total.

``compute_published`` runs the same catalogue over those values: every province x size-class
cell acts as one row weighted by its number of firms, so counts, sums, ratios and shares of
measures the table carries can be computed; indicators needing firm-level rows (rates, panel
indicators) or fields the table lacks are refused with a message.
"""

from __future__ import annotations

import csv
import io
import math
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from lumbung import geography
from lumbung.errors import UserError
from lumbung.i18n import _
from lumbung.indicators.catalogue import Indicator
from lumbung.indicators.longformat import empty_result, to_long
from lumbung.indicators.schema import published_dir, size_column
from lumbung.indicators.session import query
from lumbung.indicators.sqlgen import QueryError, Row, compile_plan

LAYOUT_DIR = Path(__file__).resolve().parent / "layouts"
NATIONAL = "national"
PUBLISHED_DIMENSIONS = ("year", "province", "size_class")
PUBLISHED_KINDS = ("count", "sum", "ratio", "share")
STORE_SCHEMA = pa.schema([
    ("layout", pa.string()), ("year", pa.int32()), ("region_code", pa.string()), ("region_level", pa.int8()),
    ("region_name", pa.string()), ("size_class", pa.string()), ("measure", pa.string()),
    ("value", pa.float64()), ("unit", pa.string()),
])


class LayoutError(UserError):
    """A layout that cannot be used, or a table that does not have its shape."""


@dataclass
class TableImport:
    layout: str
    year: int
    path: Path | None = None
    placed: int = 0
    national: bool = False
    values: int = 0
    rows: int = 0
    unplaced: list[tuple[int, str]] = field(default_factory=list)   # (line, region name)
    violations: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- layouts

def layout_names() -> list[str]:
    return sorted(p.stem for p in LAYOUT_DIR.glob("*.toml"))


def load_layout(name_or_path: str | Path) -> dict:
    path = Path(name_or_path)
    if not path.suffix:
        path = LAYOUT_DIR / f"{name_or_path}.toml"
    if not path.exists():
        raise LayoutError(_("unknown layout {name!r} (shipped: {names})").format(
            name=str(name_or_path), names=", ".join(layout_names())))
    layout = tomllib.loads(path.read_text(encoding="utf-8"))
    for key in ("id", "source", "region_column", "measure", "sizes"):
        if key not in layout:
            raise LayoutError(_("layout {name}: {key} is missing").format(name=path.name, key=key))
    for measure in layout["measure"]:
        if "name" not in measure or "column" not in measure:
            raise LayoutError(_("layout {name}: every measure needs a name and a column").format(name=path.name))
    return layout


# ---------------------------------------------------------------- reading a table

#: Separators a spreadsheet writes when it re-saves a table: the one splitting the header into
#: the most fields wins (the layout's own on a tie).
SEPARATORS = (";", ",", "\t", "|")


def read_text(path: str | Path) -> tuple[str, str]:
    """The file's text and the encoding it was read with: UTF-8 (a BOM is dropped), else
    Windows-1252 (what spreadsheets on Windows save), else Latin-1 (every byte is a character)."""
    data = Path(path).read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its BOM ("Unicode text" in Excel)
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise LayoutError(_("the table starts as UTF-16 but is not valid UTF-16; save it again as "
                                "UTF-8 CSV")) from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"  # decodes every byte


def sniff_separator(header: str, preferred: str = ",") -> str:
    """The separator that splits ``header`` into the most fields (``preferred`` on a tie)."""
    counts = {sep: header.count(sep) for sep in SEPARATORS}
    best = max(counts.values())
    return preferred if counts.get(preferred, 0) == best else max(SEPARATORS, key=lambda sep: counts[sep])


def normal_name(name: str) -> str:
    """A column name as layouts spell it: trimmed, lower case, spaces and hyphens as ``_``."""
    return re.sub(r"[\s\-]+", "_", (name or "").strip().casefold())


def expected_columns(layout: dict) -> list[str]:
    """The columns a table of ``layout`` must have: the region column, then each measure's."""
    columns = [normal_name(layout["region_column"])]
    for measure in layout["measure"]:
        for suffix, size in layout["sizes"].items():
            if size in measure.get("sizes", list(layout["sizes"].values())):
                columns.append(normal_name(measure["column"].format(size=suffix)))
    return columns


def _header_error(layout: dict, found: list[str], separator: str, missing: list[str]) -> LayoutError:
    shown = {",": _("comma"), ";": _("semicolon"), "\t": _("tab"), "|": "|"}[separator]
    return LayoutError(_("the table does not have the columns of layout {layout}: missing {missing}; "
                         "found {count} columns separated by {separator}: {found}; expected: {expected}").format(
        layout=layout["id"], missing=", ".join(missing), count=len(found), separator=shown,
        found=", ".join(found) or "-", expected=", ".join(expected_columns(layout))))


def _records(path: str | Path, layout: dict) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, record by normalised column name) of each data row; the header checked first."""
    text, _encoding = read_text(path)
    first = text.split("\n", 1)[0]
    separator = sniff_separator(first, layout.get("separator", ","))
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    header = [normal_name(h) for h in next(rows, [])]
    missing = [c for c in expected_columns(layout) if c not in header]
    if missing:
        raise _header_error(layout, header, separator, missing)
    for line, values in enumerate(rows, start=2):
        if any(v.strip() for v in values):
            yield line, dict(zip(header, values, strict=False))

def _number(text: str, layout: dict) -> float | None:
    text = (text or "").strip()
    if text in ("", "-", "–", "NA", "n.a.", "..."):
        return None
    if layout.get("thousands"):
        text = text.replace(layout["thousands"], "")
    if layout.get("decimal", ".") != ".":
        text = text.replace(layout["decimal"], ".")
    value = float(text)
    if not math.isfinite(value):  # "inf", "nan": not a published figure
        raise ValueError(text)
    return value


def _place(name: str, layout: dict) -> str | None:
    if name.strip().casefold() in {n.casefold() for n in layout.get("national_names", [])}:
        return NATIONAL
    return geography.match_name(name, level=layout.get("region_level", 1))


def _cells(layout: dict, record: dict[str, str], line: int, result: TableImport) -> dict[tuple[str, str], float]:
    """(size class, measure) -> value in the layout's final units, for one row."""
    cells: dict[tuple[str, str], float] = {}
    for measure in layout["measure"]:
        for suffix, size in layout["sizes"].items():
            if size not in measure.get("sizes", list(layout["sizes"].values())):
                continue
            column = normal_name(measure["column"].format(size=suffix))
            try:
                value = _number(record.get(column) or "", layout)
            except ValueError:
                result.violations.append(_("line {line}: {column} is not a number: {text!r}").format(
                    line=line, column=column, text=record[column]))
                continue
            if value is not None:
                cells[(size, measure["name"])] = value * float(measure.get("multiplier", 1))
    return cells


def _check_parts(layout: dict, name: str, cells: dict, result: TableImport) -> None:
    parts = [s for s in layout["sizes"].values() if s != "total"]
    tolerance = float(layout.get("tolerance", 0))
    for measure in layout["measure"]:
        key = measure["name"]
        if ("total", key) not in cells or not all((p, key) in cells for p in parts):
            continue
        scale = float(measure.get("multiplier", 1))
        total, summed = cells[("total", key)], sum(cells[(p, key)] for p in parts)
        if abs(summed - total) > tolerance * scale + 1e-9 * max(1.0, abs(total)):
            result.violations.append(_("{region}: {measure}: {parts} = {summed:,.0f} but total = {total:,.0f}").format(
                region=name, measure=key, parts=" + ".join(parts), summed=summed / scale, total=total / scale))


def read_table(path: str | Path, layout: dict, year: int | None = None) -> tuple[pd.DataFrame, TableImport]:
    """Parse a published table into long values; the TableImport says what was placed and checked."""
    year = int(year or layout.get("year") or 0)
    if not year:
        raise LayoutError(_("the layout gives no year: pass one"))
    result = TableImport(layout=layout["id"], year=year)
    records = []
    seen: dict[str, int] = {}
    region_column = normal_name(layout["region_column"])
    units = {m["name"]: m.get("unit", "") for m in layout["measure"]}
    for line, record in _records(path, layout):
        result.rows += 1
        name = (record.get(region_column) or "").strip()
        code = _place(name, layout) if name else None
        if code is None:
            result.unplaced.append((line, name))
            continue
        if code in seen:
            result.unplaced.append((line, name))
            result.violations.append(_("line {line}: {name} is the same region as line {first}").format(
                line=line, name=name, first=seen[code]))
            continue
        seen[code] = line
        cells = _cells(layout, record, line, result)
        if layout.get("check_total", True):
            _check_parts(layout, name, cells, result)
        level = 0 if code == NATIONAL else int(layout.get("region_level", 1))
        result.national |= code == NATIONAL
        result.placed += code != NATIONAL
        for (size, measure), value in cells.items():
            records.append((layout["id"], year, code, level, name, size, measure, value, units[measure]))
    frame = pd.DataFrame.from_records(records, columns=STORE_SCHEMA.names)
    _check_national(frame, result)
    result.values = len(frame)
    return frame, result


def _check_national(frame: pd.DataFrame, result: TableImport) -> None:
    """Where a national row is present, the regions must add up to it."""
    if frame.empty or not result.national:
        return
    national = frame[frame.region_level == 0].set_index(["size_class", "measure"])["value"]
    regions = frame[frame.region_level > 0].groupby(["size_class", "measure"])["value"].sum()
    for key, total in national.items():
        summed = regions.get(key)
        if summed is not None and abs(summed - total) > 1e-6 * max(1.0, abs(total)):
            result.violations.append(_("regions add up to {summed:,.0f} for {measure} ({size}), national row says {total:,.0f}").format(
                summed=summed, measure=key[1], size=key[0], total=total))


def import_published_table(path: str | Path, layout: str | Path = "bps-imk-province", year: int | None = None,
                 home: Path | None = None) -> TableImport:
    """Load a published table; values replace an earlier import of the same layout and year."""
    spec = load_layout(layout)
    frame, result = read_table(path, spec, year)
    target = published_dir(home) / f"{spec['id']}-{result.year}.parquet"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    pq.write_table(pa.Table.from_pandas(frame, schema=STORE_SCHEMA, preserve_index=False), tmp)
    tmp.replace(target)
    result.path = target
    return result


# ---------------------------------------------------------------- computing from published values

def load_values(home: Path | None = None) -> pd.DataFrame:
    files = sorted(published_dir(home).glob("*.parquet"))
    if not files:
        return pd.DataFrame(columns=STORE_SCHEMA.names)
    return pd.concat([pq.read_table(f).to_pandas() for f in files], ignore_index=True)


def _cells_frame(values: pd.DataFrame, regime: str) -> pd.DataFrame:
    """Province x size class x year rows (micro, small, ...; not totals), one column per measure."""
    cells = values[(values.region_level == 1) & (values.size_class != "total")]
    wide = cells.pivot_table(index=["year", "region_code", "size_class"], columns="measure", values="value",
                             aggfunc="sum").reset_index()
    wide = wide.rename(columns={"region_code": "province", "size_class": size_column(regime)})
    wide.insert(0, "enterprise_id", range(len(wide)))
    return wide


def _check_supported(indicators: list[Indicator], by: list[str], where: dict, measures: set[str], regime: str) -> None:
    row = Row(regime)
    for dim in [*by, *where]:
        if dim not in PUBLISHED_DIMENSIONS:
            raise QueryError(_("dimension {dim!r} is not in the published tables (they have {dims})").format(
                dim=dim, dims=", ".join(PUBLISHED_DIMENSIONS)))
    for ind in indicators:
        if ind.kind not in PUBLISHED_KINDS:
            raise QueryError(_("indicator {id!r} ({kind}) needs enterprise-level data; published tables "
                               "support counts, sums, ratios and shares").format(id=ind.id, kind=ind.kind))
        needed = set().union(*(row.fields(t) for t in (ind.numerator, ind.denominator, ind.population)))
        needed -= {"year", size_column(regime), "province"}
        missing = sorted(needed - measures)
        if missing:
            raise QueryError(_("indicator {id!r} needs {fields}, which the published tables do not carry "
                               "(they have {have})").format(id=ind.id, fields=", ".join(missing),
                                                             have=", ".join(sorted(measures))))


def compute_published(indicators: list[Indicator], by: list[str], years=None, regime: str = "bps-workers",
                      where: dict | None = None, home: Path | None = None) -> pd.DataFrame:
    values = load_values(home)
    if values.empty:
        raise QueryError(_("no published tables yet: load one with `lumbung import-table FILE --layout NAME`"))
    where = dict(where or {})
    layouts = {load_layout(name).get("regime", "bps-workers") for name in values.layout.unique()
               if (LAYOUT_DIR / f"{name}.toml").exists()}
    if layouts and regime not in layouts:
        raise QueryError(_("the published tables are classed under {regimes}, not {regime}").format(
            regimes=", ".join(sorted(layouts)), regime=regime))
    cells = _cells_frame(values, regime)
    measures = set(cells.columns) - {"enterprise_id", "year", "province", size_column(regime)}
    _check_supported(indicators, by, where, measures, regime)
    if "firms" not in measures:
        raise QueryError(_("the published tables carry no firm counts (measure 'firms')"))
    if years:
        cells = cells[cells.year.isin(years)]
    if cells.empty:
        return empty_result(by)
    plan = compile_plan(indicators, by, years=None, regime=regime, where=where, weight="firms")
    out = to_long(query(plan.sql, frame=cells), plan)
    out["max_contribution"] = float("nan")  # aggregate cells: no single-enterprise values
    return out
