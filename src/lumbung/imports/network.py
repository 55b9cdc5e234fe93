"""Linkage and membership templates: reading and the pure check (no database).

A file is read by :mod:`lumbung.imports.readers` (CSV, XLSX, Parquet) and checked here with the
vectorised form of :mod:`lumbung.rules` (``network_column_checks``, ``network_cross_checks``);
what needs the registry (does the enterprise exist, is the sentra known) is checked by the
writer, :mod:`lumbung.linkages.importer`. Every row ends up in ``rows`` or in ``errors``.

Enterprises are named by a *reference* (docs/network.md): a 13-digit NIB, ``<source>:<source_id>``
(for example ``template:A-001``), or ``lumbung:<id>`` (the registry id, as the export writes it for
a record with neither).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from lumbung import rules
from lumbung.i18n import _
from lumbung.imports.cells import restore_frame
from lumbung.imports.readers import LINE, RawTable, ascii_digits
from lumbung.imports.results import UnusableFile
from lumbung.imports.validate import ERROR_SCHEMA

#: Template columns per kind, in order; the required ones are rules.NETWORK_REQUIRED's.
COLUMNS = {
    "linkages": ("ikm", "partner", "kind", "start_date", "end_date", "output_share", "source", "notes"),
    "memberships": ("enterprise", "sentra", "cooperative", "start_date", "end_date", "source"),
    "sentra": ("code", "name", "kind", "region_code", "upt", "tpi_officers", "source"),
    "cooperatives": ("code", "name", "kind", "region_code", "source"),
}
RECORD = {"linkages": "linkage", "memberships": "membership", "sentra": "sentra", "cooperatives": "cooperative"}
#: A column whose rules go by another name (a sentra's and a cooperative's type, rules.NETWORK_REQUIRED).
RULE_NAMES = {"sentra": {"kind": "sentra_kind"}, "cooperatives": {"kind": "cooperative_kind"}}
#: Indonesian headers that mean the same column.
ALIASES = {"ikm": "ikm", "mitra": "partner", "jenis": "kind", "tanggal_mulai": "start_date",
           "tanggal_selesai": "end_date", "pangsa_output": "output_share", "sumber": "source",
           "catatan": "notes", "usaha": "enterprise", "koperasi": "cooperative", "kode": "code", "nama": "name",
           "kode_wilayah": "region_code", "wilayah": "region_code", "petugas_tpi": "tpi_officers", "tpi": "tpi_officers"}
REFERENCE_COLUMNS = ("ikm", "partner", "enterprise")
#: The natural key of a record: a second row with the same key in one file is refused.
NATURAL_KEYS = {"linkages": ("ikm", "partner", "kind", "start_date"),
                "memberships": ("enterprise", "sentra", "cooperative", "start_date"),
                "sentra": ("code",), "cooperatives": ("code",)}
#: Text columns a spreadsheet might evaluate: the export quotes them, the import removes the quote.
TEXT_COLUMNS = ("source", "notes", "name", "upt", "tpi_officers")
REFERENCE = r"^([0-9]{13}|lumbung:[0-9]+|[^:\s][^:]*:.+)$"


@dataclass
class NetworkChecked:
    rows: pl.DataFrame  # _line and the template columns, text, of rows that break no rule
    errors: pl.DataFrame  # line, column, value, reason (ERROR_SCHEMA)
    rules: pl.DataFrame  # line, column, rule of each error (tests and the rule-every-path check)


def check_kind(kind: str) -> None:
    if kind not in COLUMNS:
        raise UnusableFile(_("unknown kind {kind!r}; use linkages, memberships, sentra or cooperatives").format(
            kind=kind))


def header_key(header: str) -> str:
    return str(header).strip().lower().replace(" ", "_").replace("-", "_")


def name_columns(frame: pl.DataFrame, kind: str, name: str) -> pl.DataFrame:
    known = {c: c for c in COLUMNS[kind]} | {a: t for a, t in ALIASES.items() if t in COLUMNS[kind]}
    renames, seen = {}, {}
    for header in frame.columns:
        if header == LINE:
            continue
        target = known.get(header_key(header))
        if target is None:
            continue
        if target in seen:
            raise UnusableFile(_("{name}: columns {a!r} and {b!r} both mean {target}").format(
                name=name, a=seen[target], b=header, target=target))
        seen[target], renames[header] = header, target
    frame = frame.select(LINE, *renames).rename(renames)
    required = [c for c in COLUMNS[kind] if rule_name(kind, c) in rules.NETWORK_REQUIRED[RECORD[kind]]
                and c not in frame.columns]
    if kind == "memberships" and "sentra" not in frame.columns and "cooperative" not in frame.columns:
        required.append("sentra or cooperative")
    if required:
        raise UnusableFile(_("{name}: required columns missing: {columns}").format(name=name,
                                                                                   columns=", ".join(required)))
    return frame.with_columns([pl.lit(None, dtype=pl.String).alias(c) for c in COLUMNS[kind]
                               if c not in frame.columns]).select(LINE, *COLUMNS[kind])


def _error_rows(frame: pl.DataFrame, column: str, rule: str, broken: pl.Expr, message: pl.Expr) -> pl.DataFrame:
    return frame.filter(broken.fill_null(False)).select(
        pl.col(LINE).alias("line"), pl.lit(column).alias("column"), pl.col(column).alias("value"),
        message.alias("reason"), pl.lit(rule).alias("rule"))


def check(raw: RawTable, kind: str, name: str = "table") -> NetworkChecked:
    """Everything before the database: column names, every rule, clashes inside the file."""
    check_kind(kind)
    frame = name_columns(raw.frame, kind, name)
    frame = ascii_digits(frame, [c for c in ("output_share", "start_date", "end_date") if c in frame.columns])
    frame = frame.with_columns([pl.col(c).str.strip_chars() for c in COLUMNS[kind]])
    # A leading quote marks text in a spreadsheet (and in Lumbung's exports, cells.neutralise): not part of it.
    frame = restore_frame(frame, [c for c in TEXT_COLUMNS if c in frame.columns])
    found: list[pl.DataFrame] = [_reader_errors(raw)]
    record = RECORD[kind]
    for column in COLUMNS[kind]:
        raw_col, name_ = pl.col(column), rule_name(kind, column)
        if name_ in rules.NETWORK_REQUIRED[record]:
            found.append(_error_rows(frame, column, "network.required", raw_col.is_null(),
                                     pl.lit(_(rules.NETWORK_REQUIRED_RULE.message).format(name=column))))
        if column in REFERENCE_COLUMNS:
            found.append(_error_rows(frame, column, "read.reference", raw_col.is_not_null()
                                     & ~raw_col.str.contains(REFERENCE),
                                     rules.message_expr(_("{name} {value} is not an enterprise reference (a NIB, "
                                                          "source:source_id or lumbung:id)").replace(
                                                              "{name}", column), value=raw_col)))
        for item in rules.network_column_checks(name_, raw_col):
            found.append(_error_rows(frame, column, item.rule, item.broken, item.message))
        found.append(_lookup_errors(frame, column, name_))
    if kind == "memberships":
        both = pl.col("sentra").is_not_null() == pl.col("cooperative").is_not_null()
        found.append(_error_rows(frame, "sentra", "membership.group", both,
                                 pl.lit(_("give either a sentra or a cooperative code, not both or neither"))))
    errors = _first_per_cell(pl.concat([f for f in found if f.height] or [_empty()]))
    typed = frame.with_columns([pl.col(c).str.strptime(pl.Date, "%Y-%m-%d", strict=False)
                                for c in ("start_date", "end_date") if c in frame.columns])
    single_bad = errors.select("line", "column")
    for column, item in rules.network_cross_checks(typed.columns):
        cross = _error_rows(typed, column, item.rule, item.broken, item.message)
        blocked = single_bad.filter(pl.col("column").is_in([column, rules.NETWORK_BY_ID[item.rule].compares]))
        cross = cross.join(blocked.select("line").unique(), on="line", how="anti")
        if cross.height:
            errors = pl.concat([errors, _typed_value(cross, frame, column)])
    bad = errors["line"].unique().implode()
    rows = frame.filter(~pl.col(LINE).is_in(bad))
    rows, clashes = _clashes(rows, kind)
    errors = pl.concat([errors, clashes]) if clashes.height else errors
    return NetworkChecked(rows, errors.select(list(ERROR_SCHEMA)).sort("line", "column"),
                          errors.select("line", "column", "rule"))


def rule_name(kind: str, column: str) -> str:
    return RULE_NAMES.get(kind, {}).get(column, column)


def _lookup_errors(frame: pl.DataFrame, column: str, name: str) -> pl.DataFrame:
    """The rules checked once per distinct value (rules.network_lookups: region codes, names only)."""
    bad = rules.network_lookups(name, frame[column].drop_nulls().unique().to_list())
    if not bad:
        return _empty()
    found = pl.DataFrame({"_value": list(bad), "reason": [v.message for v in bad.values()],
                          "rule": [v.rule for v in bad.values()]}, schema={"_value": pl.String, "reason": pl.String,
                                                                           "rule": pl.String})
    return frame.join(found, left_on=column, right_on="_value").select(
        pl.col(LINE).alias("line"), pl.lit(column).alias("column"), pl.col(column).alias("value"), "reason", "rule")


def _typed_value(errors: pl.DataFrame, frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """Cross-field errors quote the cell as the file wrote it."""
    cells = frame.select(pl.col(LINE).alias("line"), pl.col(column).alias("_cell"))
    return (errors.join(cells, on="line", how="left").with_columns(pl.col("_cell").alias("value"))
            .select("line", "column", "value", "reason", "rule"))


def _first_per_cell(errors: pl.DataFrame) -> pl.DataFrame:
    """At most one error per cell: the first rule of the table that the value breaks."""
    return errors.with_columns(pl.int_range(pl.len()).alias("_order")).sort("_order").unique(
        ["line", "column"], keep="first", maintain_order=True).drop("_order")


def _clashes(rows: pl.DataFrame, kind: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    key = list(NATURAL_KEYS[kind])
    rows = rows.sort(LINE).with_columns(pl.col(LINE).min().over([pl.col(c).fill_null("") for c in key])
                                        .alias("_first"))
    dup = rows.filter(pl.col(LINE) != pl.col("_first"))
    errors = dup.select(pl.col(LINE).alias("line"), pl.lit(key[-1]).alias("column"),
                        pl.col(key[-1]).alias("value"),
                        pl.format(_("the same record is already on line {}; only that row is imported"),
                                  pl.col("_first")).alias("reason"), pl.lit("read.duplicate").alias("rule"))
    return rows.filter(pl.col(LINE) == pl.col("_first")).drop("_first"), errors


def _reader_errors(raw: RawTable) -> pl.DataFrame:
    rows = [(line, "", "", _("the line has {n} fields but the header has {width} (a value with an unquoted "
                             "separator?)").format(n=n, width=width), "read.ragged") for line, n, width in raw.ragged]
    rows += [(line, column, value, reason, "read.cell") for line, column, value, reason in raw.problems]
    if not rows:
        return _empty()
    return pl.DataFrame(rows, schema={**ERROR_SCHEMA, "rule": pl.String}, orient="row")


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema={**ERROR_SCHEMA, "rule": pl.String})
