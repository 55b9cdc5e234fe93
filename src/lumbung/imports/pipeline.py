"""One import path for files, tables and (later) the officers' upload page:

read -> name the columns -> (SIDT: map to template columns) -> validate every cell, columnar ->
settle rows that clash inside the file -> write whole enterprises in batches -> report.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from lumbung import vocabulary as F
from lumbung.i18n import _
from lumbung.imports import sidt
from lumbung.imports import spellings as V
from lumbung.imports.cells import restore_frame
from lumbung.imports.keys import KEY, enterprise_key, with_source
from lumbung.imports.readers import LINE, RawTable, ascii_digits
from lumbung.imports.results import ImportResult, RowError, UnusableFile, write_errors
from lumbung.imports.validate import ERROR_SCHEMA, validate
from lumbung.rules import mask_personal

FORMATS = ("template", "sidt")
#: Rows per transaction: big enough for bulk speed, small enough that a crash loses little work.
#: 50,000 rather than 10,000: each commit rewrites the index pages its batch touched (the NIK digest,
#: region and KBLI indexes take scattered keys), so fewer, larger batches wrote a million-row file
#: about 1.5 s faster (BENCHMARKS.md, "Import").
BATCH_SIZE = 50_000
#: Columns that hold digits (numbers, years, codes, NIB, NIK): their Unicode digits are read as ASCII.
DIGIT_COLUMNS = tuple(f.name for f in F.TEMPLATE_FIELDS
                      if f.kind != "text" or f.name in ("nib", "owner_nik", "region_code", "kbli"))


def check_format(format: str) -> None:
    if format not in FORMATS:
        raise UnusableFile(_("unknown import format {format!r}; use template or sidt").format(format=format))


def summarise(raw: RawTable, checked: "Checked", rejected: list[tuple], notes: list[tuple], counts: dict[str, int],
              dry_run: bool, timings: dict, errors_path=None) -> ImportResult:
    """The import's result from the check and from what the writer stored or refused (``rejected``
    and ``notes`` as (line, column, value, reason) rows): counts, summary lines, every error with
    its line, and the errors file when ``errors_path`` is given."""
    errors = _stack([checked.errors, _frame(rejected)])
    refused = errors["line"].unique().implode()
    notes_frame = _stack([checked.notes, _frame(notes)]).filter(~pl.col("line").is_in(refused))
    summary = []
    if checked.mapped is not None:
        summary = sidt.disability_summary(checked.mapped.workforce.filter(~pl.col(LINE).is_in(refused)))
    result = ImportResult(imported=raw.frame.height - _rejected_in_frame(errors, raw),
                          rejected=errors["line"].n_unique(), counts=counts, summary=summary,
                          dry_run=dry_run, timings=timings)
    result.summary = checked.ignored + result.summary
    result.errors = (_as_row_errors(errors, checked.headers, note=False)
                     + _as_row_errors(notes_frame, checked.headers, note=True))
    if errors_path:
        write_errors(result.errors, errors_path)
    return result


@dataclass
class Checked:
    rows: pl.DataFrame  # valid typed rows with _key, ready to write
    present: list[str]  # template columns the file gave
    errors: pl.DataFrame
    notes: pl.DataFrame
    headers: dict[str, str]  # template column -> the file's own column name, for messages
    mapped: sidt.Mapped | None
    ignored: list[str]  # summary lines: columns of the file that were not read


def check(raw: RawTable, format: str = "template", name: str = "table", source: str | None = None,
          scope: tuple[str, ...] | None = None) -> Checked:
    """Everything before writing, without the database: column names, the SIDT mapping, validation,
    clashes in the file. Every row of ``raw`` ends up in ``rows`` (to write) or ``errors``.
    ``scope``: the region codes the importing person may write into (an officer's region scopes);
    a row whose region is outside all of them is rejected. None: no limit (the CLI, an administrator)."""
    frame, headers = _name_columns(raw.frame, format, name)
    if F.SOURCE_COLUMN in frame.columns:  # a Lumbung export: its text cells were neutralised
        frame = restore_frame(frame, [*(f.name for f in F.TEMPLATE_FIELDS if f.kind in ("text", "choice")),
                                      F.SOURCE_COLUMN])
    own_sources = frame.select(LINE, F.SOURCE_COLUMN) if F.SOURCE_COLUMN in frame.columns else None
    unread = _problem_errors(raw, headers)
    errors, notes, mapped = [_ragged_errors(raw.ragged), unread], [], None
    ignored = _ignored_columns(raw.frame, headers)
    if format == "sidt":
        mapped = sidt.to_template(frame)
        frame, headers = mapped.frame, sidt.ERROR_COLUMN
        errors.append(mapped.errors)
        notes.append(mapped.notes)
    frame = ascii_digits(frame, DIGIT_COLUMNS)
    present = [c for c in (*F.TEMPLATE_COLUMNS, F.SOURCE_COLUMN) if c in frame.columns]
    validated = validate(frame)
    # A cell the reader could not read is reported once, not again as "required" by the validator.
    checked = _not_twice(validated.errors, mapped).join(unread.select("line", "column"), on=["line", "column"],
                                                         how="anti")
    errors = _stack([*errors, checked])
    if scope is not None:
        errors = _stack([errors, _outside_scope(validated.typed.filter(
            ~pl.col(LINE).is_in(errors["line"].unique().implode())), scope)])
    rows = validated.typed.filter(~pl.col(LINE).is_in(errors["line"].unique().implode()))
    rows = rows.with_columns([pl.lit(None, dtype=pl.String).alias(c) for c in ("source_id", "nib")
                              if c not in rows.columns])
    rows = _sources(rows, source or format, own_sources)
    rows = rows.with_columns(enterprise_key().alias(KEY))
    rows, clash_errors, clash_notes = _settle_clashes(rows, lenient_nib=(format == "sidt"))
    errors = _stack([errors, clash_errors])
    errors = _stack([errors, _unaccounted(frame, rows, errors)])
    return Checked(rows, present, errors, _stack([*notes, clash_notes]), headers, mapped, ignored)


def in_scope(column: str, scope: tuple[str, ...]) -> pl.Expr:
    """Whether a dotted region code is one of ``scope`` or below one ("32.04" covers "32.04.01",
    not "32.041"), as registry.access.region_filter decides for records."""
    expr = pl.lit(False)
    for code in scope:
        expr = expr | (pl.col(column) == code) | pl.col(column).str.starts_with(code + ".")
    return expr


def _outside_scope(rows: pl.DataFrame, scope: tuple[str, ...]) -> pl.DataFrame:
    """Rows whose region is outside the importing person's regions, with that reason."""
    if "region_code" not in rows.columns or rows.height == 0:
        return pl.DataFrame(schema=ERROR_SCHEMA)
    outside = rows.filter(pl.col("region_code").is_not_null() & ~in_scope("region_code", tuple(scope)))
    reason = _("region {{}} is outside your regions ({regions})").format(regions=", ".join(scope) or "-")
    return outside.select(pl.col(LINE).alias("line"), pl.lit("region_code").alias("column"),
                          pl.col("region_code").alias("value"), pl.format(reason, pl.col("region_code")).alias("reason"))


def _problem_errors(raw: RawTable, headers: dict[str, str]) -> pl.DataFrame:
    """Cells the reader could not read, in columns the import uses, and whole lines it could not read."""
    used = {header: target for target, header in headers.items()}
    return _frame([(line, used.get(column, ""), value, reason) for line, column, value, reason in raw.problems
                   if not column or column in used])


def _ignored_columns(frame: pl.DataFrame, headers: dict[str, str]) -> list[str]:
    """A summary line naming the file's columns that hold values but are not read, so that no
    value is left out without a word."""
    used = set(headers.values())
    unread = [c for c in frame.columns if c != LINE and c not in used and frame[c].null_count() < frame.height]
    if not unread:
        return []
    return [_("columns not imported (not template columns): {columns}").format(columns=", ".join(unread))]


def _unaccounted(frame: pl.DataFrame, rows: pl.DataFrame, errors: pl.DataFrame) -> pl.DataFrame:
    """The last guard of "every row is stored or reported": a row of the file that is neither about
    to be written nor rejected is rejected here, so the counts always add up."""
    missing = frame.select(LINE).filter(~pl.col(LINE).is_in(rows[LINE].implode())
                                        & ~pl.col(LINE).is_in(errors["line"].unique().implode()))
    return missing.select(pl.col(LINE).alias("line"), pl.lit("").alias("column"), pl.lit(None, dtype=pl.String)
                          .alias("value"), pl.lit(_("the row could not be matched to one enterprise and year; "
                                                    "please report this file")).alias("reason"))


def _sources(rows: pl.DataFrame, source: str, own: pl.DataFrame | None) -> pl.DataFrame:
    """Each row's source: a Lumbung export names it per row (``lumbung_source``), else ``source``."""
    if own is None:
        return with_source(rows, source)
    aligned = rows.select(LINE).join(own, on=LINE, how="left", maintain_order="left")[F.SOURCE_COLUMN]
    return with_source(rows, source, aligned)


def _not_twice(errors: pl.DataFrame, mapped) -> pl.DataFrame:
    """SIDT: a region or year the mapping already explained is not reported again as "required"."""
    if mapped is None or mapped.errors.height == 0:
        return errors
    explained = mapped.errors["line"].unique().implode()
    return errors.filter(~(pl.col("column").is_in(["region_code", "year"]) & pl.col("line").is_in(explained)))


def _rejected_in_frame(errors: pl.DataFrame, raw: RawTable) -> int:
    """Rejected rows that are in the frame (the reader leaves ragged and undecodable lines out of it)."""
    outside = raw.lines_outside()
    return sum(1 for line in errors["line"].unique().to_list() if line not in outside)


# -- columns ---------------------------------------------------------------------------------------

def _name_columns(frame: pl.DataFrame, format: str, name: str) -> tuple[pl.DataFrame, dict[str, str]]:
    """Rename the file's headers to template (or SIDT) names; unusable when required ones are missing.
    Returns the frame and template name -> the header as written in the file (for error messages)."""
    index = V.header_index() if format == "template" else {c: c for c in sidt.COLUMNS}
    index = {**index, F.SOURCE_COLUMN: F.SOURCE_COLUMN}
    renames, seen = {}, {}
    for header in frame.columns:
        if header == LINE:
            continue
        target = index.get(V.header_key(header))
        if target is None:
            continue
        if target in seen:
            raise UnusableFile(_("{name}: columns {a!r} and {b!r} both mean {target}").format(
                name=name, a=seen[target], b=header, target=target))
        seen[target] = header
        renames[header] = target
    frame = frame.select(LINE, *renames).rename(renames)
    missing = _missing(list(seen), format)
    if missing:
        raise UnusableFile(_("{name}: required columns missing: {columns}").format(
            name=name, columns=", ".join(missing)))
    return frame, seen


def _missing(columns: list[str], format: str) -> list[str]:
    if format == "sidt":
        return sidt.missing_columns(columns)
    missing = [f.name for f in F.TEMPLATE_FIELDS if f.required and f.name not in columns]
    if "source_id" not in columns and "nib" not in columns:
        missing.append("source_id or nib")
    return missing


# -- rows that clash inside one file ----------------------------------------------------------------

def _settle_clashes(rows: pl.DataFrame, lenient_nib: bool) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Two rows for the same enterprise and year: the first (lowest line) is kept, later ones are
    rejected. One NIB on several enterprises: the first enterprise keeps it; for the others the row
    is rejected (template) or stored without the NIB, with a note (SIDT, where shared NIBs are
    common because one NIB covers all of an owner's businesses)."""
    rows = rows.sort(LINE)
    first = rows.group_by(KEY, "year").agg(pl.col(LINE).min().alias("_first"))
    rows = rows.join(first, on=[KEY, "year"], how="left", maintain_order="left")
    dup = rows.filter(pl.col(LINE) != pl.col("_first"))
    errors = [dup.select(pl.col(LINE).alias("line"), pl.lit("year").alias("column"),
                         pl.col("year").cast(pl.String).alias("value"),
                         pl.format(_("the same enterprise and year are already on line {}; only that row is imported"),
                                   pl.col("_first")).alias("reason"))]
    rows = rows.filter(pl.col(LINE) == pl.col("_first")).drop("_first")
    owners = (rows.filter(pl.col("nib").is_not_null()).group_by("nib")
              .agg(pl.col(KEY).sort_by(pl.col(LINE)).first().alias("_owner"), pl.col(LINE).min().alias("_owner_line")))
    rows = rows.join(owners, on="nib", how="left", maintain_order="left")
    shared = pl.col("_owner").is_not_null() & (pl.col("_owner") != pl.col(KEY))
    reason = pl.format(_("nib {} is also given to another enterprise, first on line {}"), pl.col("nib"),
                       pl.col("_owner_line"))
    notes = []
    if lenient_nib:
        # An enterprise known only by this NIB has nothing else to be recognised by: rejected.
        keyless = shared & pl.col("source_id").is_null()
        errors.append(_clash_rows(rows.filter(keyless), reason))
        notes.append(_clash_rows(rows.filter(shared & ~keyless), pl.lit(_("stored, but without its nib: ")) + reason))
        rows = rows.filter(~keyless).with_columns(pl.when(shared).then(None).otherwise(pl.col("nib")).alias("nib"))
    else:
        errors.append(_clash_rows(rows.filter(shared), reason))
        rows = rows.filter(~shared)
    return rows.drop("_owner", "_owner_line"), _stack(errors), _stack(notes)


def _clash_rows(rows: pl.DataFrame, reason: pl.Expr) -> pl.DataFrame:
    return rows.select(pl.col(LINE).alias("line"), pl.lit("nib").alias("column"), pl.col("nib").alias("value"),
                       reason.alias("reason"))


# -- errors ----------------------------------------------------------------------------------------

def _ragged_errors(ragged: list[tuple[int, int, int]]) -> pl.DataFrame:
    return _frame([(line, "", "", _("the line has {n} fields but the header has {width} (a value with an "
                                    "unquoted separator?)").format(n=n, width=width)) for line, n, width in ragged])


def _frame(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=ERROR_SCHEMA, orient="row") if rows else pl.DataFrame(schema=ERROR_SCHEMA)


def _stack(parts: list[pl.DataFrame]) -> pl.DataFrame:
    parts = [p.select(list(ERROR_SCHEMA)).cast(ERROR_SCHEMA) for p in parts if p.height]
    return pl.concat(parts) if parts else pl.DataFrame(schema=ERROR_SCHEMA)


def _as_row_errors(errors: pl.DataFrame, headers: dict[str, str], note: bool) -> list[RowError]:
    """Errors name the column as the file wrote it (an alias, or the SIDT column)."""
    out = []
    for line, column, value, reason in errors.sort("line", "column").iter_rows():
        shown = headers.get(column, column)
        if shown != column and reason.startswith(column + " "):
            reason = shown + reason[len(column):]
        # The one place every import error passes: a NIK typed into any column is masked here.
        out.append(RowError(int(line), shown, mask_personal(value), mask_personal(reason), note=note))
    return out
