"""Columnar validation of template rows: the whole file at once, with Polars expressions.

Input: text columns named as in the template (``lumbung.vocabulary``) plus ``_line``. Output: the
typed values (null wherever a cell is missing or wrong) and one error row per wrong cell with its
line, column, value and a reason in plain words.

What may be stored is decided by :mod:`lumbung.rules` (the same table the models' ``clean()``
uses): this module only reads cells (yes/no words, spellings of choices) and evaluates the rules'
vectorised form. Lookups run once per distinct value (region codes that exist are recognised
all at once, :func:`lumbung.rules.existing_regions`; the rest, and KBLI, one by one).
Values that look like a NIK are masked in every error, whatever the column (UU 27/2022).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from lumbung import rules
from lumbung import vocabulary as F
from lumbung.i18n import _
from lumbung.imports import spellings as V
from lumbung.imports.readers import LINE

ERROR_SCHEMA = {"line": pl.Int64, "column": pl.String, "value": pl.String, "reason": pl.String}
NIK_MASKED = "_nik_masked"
#: NIKs are personal data (UU 27/2022): an error about one never repeats the value.
HIDDEN = "(hidden)"
#: Kept under its old name: SIDT mapping messages are built the same way.
message = rules.message_expr


@dataclass
class Validated:
    typed: pl.DataFrame  # _line, the present template columns typed, _nik_masked
    errors: pl.DataFrame  # line, column, value, reason (ERROR_SCHEMA)
    rules: pl.DataFrame | None = None  # line, column, rule: the rule id behind each error


def split_valid(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Validated rows split in two: (typed rows that break no rule, errors)."""
    validated = validate(frame)
    bad = validated.errors["line"].unique().implode()
    return validated.typed.filter(~pl.col(LINE).is_in(bad)), validated.errors


# -- reading one column: (typed expression, checks as (rule id, broken, message)) ----------------------

def _reading(frame: pl.DataFrame, field: F.Field, raw: pl.Expr) -> tuple[pl.Expr, list[tuple[str, pl.Expr, pl.Expr]]]:
    """How a cell reads: bool words and choice spellings here; everything else as the rules read it."""
    name = field.name
    present = raw.is_not_null()
    if field.kind == "bool":
        lower = raw.str.to_lowercase()
        typed = pl.when(lower.is_in(V.TRUE_WORDS)).then(True).when(lower.is_in(V.FALSE_WORDS)).then(False)
        typed = _per_distinct(frame, name, typed.otherwise(None), pl.Boolean)
        return typed, [("read.bool", present & typed.is_null(), message(
            _("{name} {value} is not yes or no (1/0, true/false, ya/tidak)").format(name=name, value="{value}"),
            value=raw))]
    if field.kind == "choice":
        key = raw.str.to_lowercase().str.replace_all(r"[^a-z0-9]+", "_").str.strip_chars("_")
        typed = _per_distinct(frame, name, key.replace_strict(V.CHOICE_WORDS[name], default=None,
                                                              return_dtype=pl.String), pl.String)
        return typed, [("read.choice", present & typed.is_null(), message(
            _("{name} {value} is not one of: {choices}").format(
                name=name, value="{value}", choices=", ".join(field.choices)), value=raw))]
    checks = [(c.rule, c.broken, c.message) for c in rules.column_checks(name, raw)]
    typed = rules.read_expr(name, raw)
    if name == "owner_nik":
        return pl.when(raw.str.contains(r"\*")).then(None).otherwise(typed), checks
    return typed, checks


def _per_distinct(frame: pl.DataFrame, name: str, typed: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """``typed`` (an expression of column ``name``) worked out once per distinct value and looked up
    for every row: yes/no and choice columns hold a handful of spellings in many rows."""
    distinct = frame.select(pl.col(name).drop_nulls().unique()).with_columns(typed.alias("_typed"))
    return pl.col(name).replace_strict(distinct[name], distinct["_typed"], default=None, return_dtype=dtype)


def _lookup_reading(frame: pl.DataFrame, name: str, raw: pl.Expr):
    codes, bad = rules.lookup(name, frame[name].drop_nulls().unique().to_list())
    typed = raw.replace_strict(codes, default=None, return_dtype=pl.String)
    reasons = {value: v.message for value, v in bad.items()}
    ids = {value: v.rule for value, v in bad.items()}
    known = raw.is_in(list(bad))
    return typed, [(raw.replace_strict(ids, default=None, return_dtype=pl.String), known,
                     raw.replace_strict(reasons, default=None, return_dtype=pl.String))]


# -- the whole frame ---------------------------------------------------------------------------------

def validate(frame: pl.DataFrame) -> Validated:
    present = [f for f in F.TEMPLATE_FIELDS if f.name in frame.columns]
    # A column that is entirely empty may arrive typed Null: every cell is text to the rules.
    frame = frame.with_columns([pl.col(f.name).cast(pl.String) for f in present if frame.schema[f.name] != pl.String])
    checks_of = {}
    for field in present:
        raw = pl.col(field.name)
        typed, checks = (_lookup_reading(frame, field.name, raw) if field.name in rules.LOOKUP_FIELDS
                         else _reading(frame, field, raw))
        if field.required:
            checks = [(rules.REQUIRED.id, raw.is_null(),
                       pl.lit(_(rules.REQUIRED.message).format(name=field.name)))] + checks
        checks_of[field.name] = (typed, checks)
    # First the cheap part on every row: which check (by its index) each cell breaks first. The
    # messages are built afterwards, on the few rows that break one.
    first = frame.with_columns([_first_index(checks).alias(_index(name)) for name, (_t, checks) in checks_of.items()])
    typed_exprs = [pl.when(pl.col(_index(name)).is_null()).then(typed).otherwise(None).alias(name)
                   for name, (typed, _c) in checks_of.items()]  # a cell that breaks a rule is not stored
    if "owner_nik" in frame.columns:
        typed_exprs.append(pl.col("owner_nik").str.contains(r"\*").fill_null(False).alias(NIK_MASKED))
    typed = first.select(pl.col(LINE), *typed_exprs)
    found = [_errors_of(first, name, checks) for name, (_t, checks) in checks_of.items()]
    found += _missing_required(frame)
    found += _cross_field_errors(typed, first)
    found = [e for e in found if e.height]
    errors = pl.concat(found, how="vertical") if found else pl.DataFrame(schema={**ERROR_SCHEMA, "rule": pl.String})
    errors = _masked(errors)
    return Validated(typed, errors.select(list(ERROR_SCHEMA)), errors.select("line", "column", "rule"))


def _index(name: str) -> str:
    return f"_broken_{name}"


def _first_index(checks: list) -> pl.Expr:
    if not checks:
        return pl.lit(None, dtype=pl.Int8)
    chain = pl.when(checks[0][1]).then(pl.lit(0, dtype=pl.Int8))
    for i, (_rule, bad, _msg) in enumerate(checks[1:], start=1):
        chain = chain.when(bad).then(pl.lit(i, dtype=pl.Int8))
    return chain.otherwise(pl.lit(None, dtype=pl.Int8))


def _by_index(index: pl.Expr, values: list[pl.Expr]) -> pl.Expr:
    chain = pl.when(index == 0).then(values[0])
    for i, value in enumerate(values[1:], start=1):
        chain = chain.when(index == i).then(value)
    return chain.otherwise(None)


def _as_expr(rule: str | pl.Expr) -> pl.Expr:
    return pl.lit(rule) if isinstance(rule, str) else rule


def _masked(errors: pl.DataFrame) -> pl.DataFrame:
    """A NIK typed into any column (nib, a shifted row) is masked in the value and the reason."""
    return errors.with_columns(_mask_column(errors, "value"), _mask_column(errors, "reason"))


def _mask_column(errors: pl.DataFrame, name: str) -> pl.Expr:
    texts = errors[name].drop_nulls().unique().to_list()  # once per distinct text, not per row
    changed = {text: rules.mask_personal(text) for text in texts}
    changed = {text: masked for text, masked in changed.items() if masked != text}
    return pl.col(name).replace(changed) if changed else pl.col(name)


def _errors_of(first: pl.DataFrame, name: str, checks: list) -> pl.DataFrame:
    bad = first.filter(pl.col(_index(name)).is_not_null())
    if not bad.height:
        return pl.DataFrame(schema={**ERROR_SCHEMA, "rule": pl.String})
    index = pl.col(_index(name))
    return bad.select(
        pl.col(LINE).cast(pl.Int64).alias("line"), pl.lit(name).alias("column"),
        (pl.lit(HIDDEN) if name == "owner_nik" else pl.col(name)).cast(pl.String).alias("value"),
        _by_index(index, [msg for _r, _b, msg in checks]).cast(pl.String).alias("reason"),
        _by_index(index, [_as_expr(rule) for rule, _b, _m in checks]).cast(pl.String).alias("rule"))


def _missing_required(frame: pl.DataFrame) -> list[pl.DataFrame]:
    """A required column absent from the frame makes every row fail (files stop earlier, with exit 2)."""
    out = []
    for field in F.TEMPLATE_FIELDS:
        if field.required and field.name not in frame.columns:
            out.append(frame.select(pl.col(LINE).alias("line"), pl.lit(field.name).alias("column"),
                                    pl.lit(None, dtype=pl.String).alias("value"),
                                    pl.lit(_(rules.REQUIRED.message).format(name=field.name)).alias("reason"),
                                    pl.lit(rules.REQUIRED.id).alias("rule")))
    return out


def _cross_field_errors(typed: pl.DataFrame, first: pl.DataFrame) -> list[pl.DataFrame]:
    """Checks between columns (from the rules), on values that passed their own checks; then the
    importer's own need of a key to recognise the enterprise by in later imports."""
    out = []
    for name, check in rules.cross_checks(typed.columns):
        found = typed.filter(check.broken.fill_null(False))
        if found.height:
            out.append(found.select(pl.col(LINE).alias("line"), pl.lit(name).alias("column"),
                                    pl.col(name).cast(pl.String).alias("value"), check.message.alias("reason"),
                                    pl.lit(check.rule).alias("rule")))
    if "source_id" in typed.columns or "nib" in typed.columns:
        sid = pl.col("source_id") if "source_id" in typed.columns else pl.lit(None, dtype=pl.String)
        nib_given = pl.col("nib").is_not_null() if "nib" in typed.columns else pl.lit(False)
        nib_raw_error = (first[_index("nib")].is_not_null() if "nib" in typed.columns
                         else pl.Series([False] * typed.height, dtype=pl.Boolean))
        found = typed.with_columns(nib_raw_error.alias("_nib_bad")).filter(
            sid.is_null() & ~nib_given & ~pl.col("_nib_bad"))
        if found.height:
            out.append(found.select(pl.col(LINE).alias("line"), pl.lit("source_id").alias("column"),
                                    pl.lit(None, dtype=pl.String).alias("value"),
                                    pl.lit(_("source_id or nib is needed to recognise the enterprise "
                                             "in later imports")).alias("reason"),
                                    pl.lit("import.key").alias("rule")))
    return out
