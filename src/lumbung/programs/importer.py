"""Import of enrolment records and bank credit reports from a .csv, .xlsx or .parquet file, with the
enterprise import's guarantees (docs/programs.md, docs/import.md):

- **every row stored or explained**: a row is created, updated or left unchanged, or it is
  rejected with its line, column, value and reason (the errors file); lines the reader could not
  split are rejected too;
- **idempotent**: a record is recognised by its key (program, enterprise and year; bank, year and
  period), so importing a file twice changes nothing the second time;
- **audited**: every create and change is an AuditEntry (``source = "import:<file>"``);
- **one rule set**: the values pass :mod:`lumbung.rules`' vectorised checks (the same rules the
  models' ``clean()``, the forms and the API apply), the program's years and ceiling included.

Reading is :mod:`lumbung.imports.readers` (the enterprise import's reader). Enterprises are named
by ``enterprise_id`` (the registry's id), ``nib``, or ``source`` and ``source_id``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from django.db import transaction

from lumbung import rules
from lumbung.errors import UserError
from lumbung.i18n import _
from lumbung.imports.readers import LINE, RawTable, read_path
from lumbung.imports.results import ImportResult, RowError, UnusableFile, write_errors
from lumbung.programs.models import BankCreditReport, Enrolment, Program
from lumbung.registry import audit
from lumbung.registry.models import Enterprise


@dataclass(frozen=True)
class Spec:
    kind: str
    columns: dict[str, tuple[str, ...]]  # column -> accepted headers (aliases)
    required: tuple[str, ...]
    rule_names: dict[str, str]  # column -> its name in lumbung.rules


ENROLMENTS = Spec(
    "enrolments",
    {"program": ("program", "program_id", "program_slug", "kode_program"),
     "enterprise_id": ("enterprise_id", "id_usaha", "enterprise"),
     "nib": ("nib", "nomor_induk_berusaha"),
     "source": ("source", "sumber", "lumbung_source"),
     "source_id": ("source_id", "id_sumber"),
     "year": ("year", "tahun", "tahun_ikut"),
     "date": ("date", "tanggal", "tanggal_ikut"),
     "amount": ("amount", "jumlah", "nilai", "plafon"),
     "status": ("status",)},
    ("program", "year"),
    {"year": "enrolment_year", "date": "enrolment_date", "amount": "enrolment_amount", "status": "enrolment_status"},
)
BANK_REPORTS = Spec(
    "bank-reports",
    {"bank": ("bank", "nama_bank"),
     "year": ("year", "tahun"),
     "period": ("period", "periode"),
     "outstanding_credit": ("outstanding_credit", "kredit", "total_kredit", "baki_debet"),
     "small_business_credit": ("small_business_credit", "kredit_usaha_kecil", "kredit_umkm"),
     "source": ("source", "sumber")},
    ("bank", "year", "outstanding_credit", "small_business_credit"),
    {"year": "bank_year", "period": "bank_period", "outstanding_credit": "bank_outstanding",
     "small_business_credit": "bank_small_business"},
)
ENROLMENT_TEMPLATE = ("program", "enterprise_id", "nib", "source", "source_id", "year", "date", "amount", "status")
BANK_TEMPLATE = ("bank", "year", "period", "outstanding_credit", "small_business_credit", "source")


def write_template(path, kind: str = "enrolments") -> Path:
    """An empty template (header only) for ``kind``: "enrolments" or "bank-reports"."""
    path = Path(path)
    if path.is_dir() or path.suffix.lower() != ".csv":
        raise UserError(_("{name}: the template is written as a .csv file").format(name=path.name or str(path)))
    if not path.parent.is_dir():
        raise UserError(_("{name}: no such folder").format(name=path.parent))
    header = ENROLMENT_TEMPLATE if kind == "enrolments" else BANK_TEMPLATE
    path.write_text(",".join(header) + "\n", encoding="utf-8")
    return path


def _headers(raw: RawTable, spec: Spec, name: str) -> tuple[pl.DataFrame, dict[str, str]]:
    """The frame under the spec's column names; {column: header as written}."""
    by_alias = {alias: column for column, aliases in spec.columns.items() for alias in aliases}
    renamed, shown, ignored = {}, {}, []
    for header in raw.frame.columns:
        if header == LINE:
            continue
        column = by_alias.get(header.strip().lower().replace(" ", "_"))
        if column is None or column in shown:
            ignored.append(header)
            continue
        renamed[header] = column
        shown[column] = header
    frame = raw.frame.select(LINE, *renamed).rename(renamed)
    missing = [c for c in spec.required if c not in shown]
    if spec is ENROLMENTS and not ({"enterprise_id", "nib", "source_id"} & set(shown)):
        missing.append("enterprise_id | nib | source_id")
    if missing:
        raise UnusableFile(_("{name}: required columns missing: {columns}").format(name=name, columns=", ".join(missing)))
    for column in spec.columns:
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(column))
    return frame, shown


def _reader_errors(raw: RawTable) -> list[RowError]:
    out = [RowError(line, "", "", _("the line has {n} fields but the header has {width} (a value with an "
                                     "unquoted separator?)").format(n=n, width=width)) for line, n, width in raw.ragged]
    out += [RowError(line, column, value, reason) for line, column, value, reason in raw.problems]
    return out


def _rule_errors(frame: pl.DataFrame, spec: Spec, extra: dict[str, pl.Expr]) -> pl.DataFrame:
    """The first broken rule of each cell (line, column, value, reason), single-field rules first,
    then those comparing two fields (only where both passed their own); vectorised, with
    lumbung.rules' Polars form."""
    named = frame.select(LINE, *[pl.col(c).alias(r) for c, r in spec.rule_names.items()], **extra)
    typed = named.select(LINE, *[rules.read_expr(r, pl.col(r)).alias(r) for r in spec.rule_names.values()],
                         *[pl.col(k) for k in extra])
    column_of = {r: c for c, r in spec.rule_names.items()}
    parts = []
    for rule_name in spec.rule_names.values():
        for check in rules.column_checks(rule_name, pl.col(rule_name)):
            parts.append(named.filter(check.broken.fill_null(False)).select(
                pl.col(LINE).alias("line"), pl.lit(column_of[rule_name]).alias("column"),
                pl.col(rule_name).alias("value"), check.message.alias("reason")))
    single = pl.concat(parts).unique(["line", "column"], keep="first", maintain_order=True)
    cross = []
    for name, check in rules.cross_checks(list(typed.columns)):
        if name not in column_of:
            continue
        other = rules.BY_ID[check.rule].compares
        part = (typed.join(named.select(LINE, pl.col(name).alias("_raw")), on=LINE)
                .filter(pl.col(name).is_not_null() & pl.col(other).is_not_null() & check.broken.fill_null(False))
                .select(pl.col(LINE).alias("line"), pl.lit(column_of[name]).alias("column"),
                        pl.col("_raw").cast(pl.String).alias("value"), check.message.cast(pl.String).alias("reason")))
        if other in column_of:  # the compared value broke a rule of its own: no comparison
            broken_other = single.filter(pl.col("column") == column_of[other]).select("line")
            part = part.join(broken_other, on="line", how="anti")
        cross.append(part)
    return pl.concat([single, *cross]).unique(["line", "column"], keep="first", maintain_order=True)


def _enterprise_ids(frame: pl.DataFrame, default_source: str) -> pl.Series:
    """The registry id of each row's enterprise (null where none matches)."""
    ids = frame.get_column("enterprise_id").cast(pl.Int64, strict=False)
    known = set(Enterprise.objects.filter(pk__in=[i for i in ids.drop_nulls().unique().to_list()])
                .values_list("pk", flat=True))
    by_id = [i if i in known else None for i in ids.to_list()]
    nibs = [n for n in frame.get_column("nib").drop_nulls().unique().to_list()]
    by_nib = dict(Enterprise.objects.filter(nib__in=nibs).values_list("nib", "pk")) if nibs else {}
    pairs = frame.select(pl.col("source").fill_null(default_source), "source_id")
    sids = [s for s in pairs.get_column("source_id").drop_nulls().unique().to_list()]
    by_sid = {(s, i): pk for s, i, pk in Enterprise.objects.filter(source_id__in=sids)
              .values_list("source", "source_id", "pk")} if sids else {}
    out = []
    for row_id, nib, (source, sid) in zip(by_id, frame.get_column("nib").to_list(), pairs.iter_rows(), strict=True):
        out.append(row_id if row_id is not None else by_nib.get(nib) if nib else by_sid.get((source, sid)))
    return pl.Series("_enterprise", out, dtype=pl.Int64)


def _errors_frame(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"line": pl.Int64, "column": pl.String, "value": pl.String, "reason": pl.String},
                        orient="row")


def _duplicates(frame: pl.DataFrame, key: list[str], reason: str) -> pl.DataFrame:
    """Rows whose key an earlier line of the file gives already."""
    first = frame.group_by(key).agg(pl.col(LINE).min().alias("_first"))
    dup = frame.join(first, on=key, nulls_equal=True).filter(pl.col(LINE) != pl.col("_first"))
    return dup.select(pl.col(LINE).alias("line"), pl.lit("").alias("column"), pl.lit("").alias("value"),
                      pl.format(reason, pl.col("_first")).alias("reason"))


def import_enrolments(path, dry_run: bool = False, errors_path=None, source: str = "template", actor=None) -> ImportResult:
    """Import enrolment records (see the module's docstring). ``source``: the system the file's
    ``source_id`` values belong to when it has no ``source`` column."""
    path = Path(path)
    raw = read_path(path)
    frame, shown = _headers(raw, ENROLMENTS, path.name)
    frame = frame.with_columns(pl.col("status").fill_null("enrolled"))
    programs = {p.slug: p for p in Program.objects.all()}
    frame = frame.with_columns(_enterprise_ids(frame, source))
    limits = pl.DataFrame({"program": list(programs),
                           "program_start_year": [p.start_year for p in programs.values()],
                           "program_end_year": [p.end_year for p in programs.values()],
                           "program_max_amount": [p.max_amount for p in programs.values()]},
                          schema={"program": pl.String, "program_start_year": pl.Int64, "program_end_year": pl.Int64,
                                  "program_max_amount": pl.Int64})
    frame = frame.join(limits, on="program", how="left", maintain_order="left")
    errors = [_rule_errors(frame, ENROLMENTS, {k: pl.col(k) for k in ("program_start_year", "program_end_year",
                                                                       "program_max_amount")})]
    unknown_program = frame.filter(pl.col("program").is_null() | ~pl.col("program").is_in(list(programs)))
    errors.append(unknown_program.select(pl.col(LINE).alias("line"), pl.lit("program").alias("column"),
                                         pl.col("program").alias("value"),
                                         pl.lit(_("no such program in the catalogue")).alias("reason")))
    no_firm = frame.filter(pl.col("_enterprise").is_null())
    errors.append(no_firm.select(pl.col(LINE).alias("line"), pl.lit("enterprise_id").alias("column"),
                                 pl.coalesce("enterprise_id", "nib", "source_id").alias("value"),
                                 pl.lit(_("no enterprise in the registry has this id, NIB or source ID")).alias("reason")))
    errors.append(_duplicates(frame.filter(pl.col("_enterprise").is_not_null()), ["program", "_enterprise", "year"],
                              _("the same program, enterprise and year as line {}")))
    return _finish(raw, frame, errors, shown, dry_run, errors_path, path.name, actor, _write_enrolments, programs)


def import_bank_reports(path, dry_run: bool = False, errors_path=None, actor=None) -> ImportResult:
    """Import banks' credit reports (see the module's docstring); ``period`` defaults to Y (the year)."""
    path = Path(path)
    raw = read_path(path)
    frame, shown = _headers(raw, BANK_REPORTS, path.name)
    frame = frame.with_columns(pl.col("period").fill_null("Y"))
    errors = [_rule_errors(frame, BANK_REPORTS, {})]
    errors.append(_duplicates(frame, ["bank", "year", "period"], _("the same bank, year and period as line {}")))
    return _finish(raw, frame, errors, shown, dry_run, errors_path, path.name, actor, _write_bank_reports, None)


def _finish(raw, frame, errors, shown, dry_run, errors_path, name, actor, writer, context) -> ImportResult:
    errors = pl.concat([e.select("line", "column", pl.col("value").cast(pl.String), "reason") for e in errors])
    rejected_lines = set(errors.get_column("line").to_list())
    good = frame.filter(~pl.col(LINE).is_in(list(rejected_lines)))
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    if good.height:
        with transaction.atomic(), audit.context(actor=actor, source=f"import:{name}"):
            counts = writer(good, context, dry_run)
            if dry_run:
                transaction.set_rollback(True)
    row_errors = [RowError(int(line), shown.get(column, column), value, reason)
                  for line, column, value, reason in errors.sort("line", "column").iter_rows()]
    row_errors += _reader_errors(raw)
    result = ImportResult(imported=good.height, rejected=len(rejected_lines | raw.lines_outside()),
                          errors=sorted(row_errors, key=lambda e: (e.line, e.column)), counts=counts, dry_run=dry_run)
    if errors_path:
        write_errors(result.errors, errors_path)
    return result


def _int(value):
    return None if value is None else int(value)


def _write_enrolments(good: pl.DataFrame, programs: dict, dry_run: bool) -> dict:
    rows = good.select("program", "_enterprise", pl.col("year").cast(pl.Int64),
                       pl.col("date").str.to_date("%Y-%m-%d", strict=False), pl.col("amount").cast(pl.Int64), "status")
    ids = {p.pk: p for p in programs.values()}
    existing = {(e.program_id, e.enterprise_id, e.year): e for e in Enrolment.objects.filter(
        program_id__in=list(ids), enterprise_id__in=rows.get_column("_enterprise").unique().to_list())}
    create, update, entries = [], [], []
    unchanged = 0
    for slug, enterprise, year, date, amount, status in rows.iter_rows():
        program = programs[slug]
        values = {"date": date, "amount": _int(amount), "status": status}
        current = existing.get((program.pk, enterprise, year))
        if current is None:
            create.append(Enrolment(program=program, enterprise_id=enterprise, year=year, **values))
            continue
        changes = {k: [getattr(current, k), v] for k, v in values.items() if getattr(current, k) != v}
        if not changes:
            unchanged += 1
            continue
        for key, (_old, new) in changes.items():
            setattr(current, key, new)
        update.append(current)
        entries.append({"action": "update", "model": Enrolment, "object_id": current.pk, "object_repr": str(current),
                        "changes": _json(changes)})
    Enrolment.objects.bulk_create(create, batch_size=1000)
    Enrolment.objects.bulk_update(update, ["date", "amount", "status"], batch_size=1000)
    for enrolment in _refetch(create):
        entries.append({"action": "create", "model": Enrolment, "object_id": enrolment.pk, "object_repr": str(enrolment),
                        "changes": _json({"program": [None, enrolment.program_id],
                                          "enterprise": [None, enrolment.enterprise_id],
                                          "year": [None, enrolment.year], "date": [None, enrolment.date],
                                          "amount": [None, enrolment.amount], "status": [None, enrolment.status]})})
    if not dry_run:
        audit.record_bulk(entries)
    return {"created": len(create), "updated": len(update), "unchanged": unchanged}


def _refetch(created: list[Enrolment]) -> list[Enrolment]:
    """The created rows with their ids (SQLite's bulk_create may not return them)."""
    if not created:
        return []
    keys = {(e.program_id, e.enterprise_id, e.year) for e in created}
    found = Enrolment.objects.filter(program_id__in={k[0] for k in keys}, enterprise_id__in={k[1] for k in keys},
                                     year__in={k[2] for k in keys})
    return [e for e in found if (e.program_id, e.enterprise_id, e.year) in keys]


def _write_bank_reports(good: pl.DataFrame, _context, dry_run: bool) -> dict:
    rows = good.select("bank", pl.col("year").cast(pl.Int64), "period", pl.col("outstanding_credit").cast(pl.Int64),
                       pl.col("small_business_credit").cast(pl.Int64), pl.col("source").fill_null(""))
    existing = {(r.bank, r.year, r.period): r for r in BankCreditReport.objects.filter(
        bank__in=rows.get_column("bank").unique().to_list())}
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for bank, year, period, outstanding, small, source in rows.iter_rows():
        values = {"outstanding_credit": outstanding, "small_business_credit": small, "source": source}
        current = existing.get((bank, year, period))
        if current is None:  # few rows (one per bank and period): saved one by one, audited by the signals
            BankCreditReport.objects.create(bank=bank, year=year, period=period, **values)
            counts["created"] += 1
            continue
        if all(getattr(current, k) == v for k, v in values.items()):
            counts["unchanged"] += 1
            continue
        for key, value in values.items():
            setattr(current, key, value)
        current.save()
        counts["updated"] += 1
    return counts


def _json(changes: dict) -> dict:
    return {k: [v.isoformat() if isinstance(v, dt.date) else v for v in pair] for k, pair in changes.items()}
