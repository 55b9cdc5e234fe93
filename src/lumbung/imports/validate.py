"""Columnar validation of template rows: the whole file at once, with Polars expressions.

Input: text columns named as in the template (``lumbung.vocabulary``) plus ``_line``. Output: the
typed values (null wherever a cell is missing or wrong) and one error row per wrong cell with its
line, column, value and a reason in plain words. Lookups that need Python (region codes through
``lumbung.geography``, KBLI through ``lumbung.sectors``) run once per distinct value, not per row.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from dataclasses import dataclass
from functools import lru_cache

import polars as pl

from lumbung import geography, sectors
from lumbung.i18n import _
from lumbung.imports import spellings as V
from lumbung.imports.readers import LINE
from lumbung import vocabulary as F

ERROR_SCHEMA = {"line": pl.Int64, "column": pl.String, "value": pl.String, "reason": pl.String}
NIK_MASKED = "_nik_masked"
#: NIKs are personal data (UU 27/2022): an error about one never repeats the value.
HIDDEN = "(hidden)"
_SEPARATORS = r"[\s.\-]"


@dataclass
class Validated:
    typed: pl.DataFrame  # _line, the present template columns typed, _nik_masked
    errors: pl.DataFrame  # line, column, value, reason (ERROR_SCHEMA)


def message(template: str, **values: pl.Expr) -> pl.Expr:
    """A translated ``template`` with ``{name}`` placeholders filled from expressions, per row."""
    parts: list[pl.Expr] = []
    for literal, name, _spec, _conv in string.Formatter().parse(template):
        if literal:
            parts.append(pl.lit(literal))
        if name is not None:
            parts.append(values[name].cast(pl.String))
    return pl.concat_str(parts) if parts else pl.lit("")


def _first_reason(checks: list[tuple[pl.Expr, pl.Expr]]) -> pl.Expr:
    if not checks:
        return pl.lit(None, dtype=pl.String)
    chain = pl.when(checks[0][0]).then(checks[0][1])
    for bad, reason in checks[1:]:
        chain = chain.when(bad).then(reason)
    return chain.otherwise(pl.lit(None, dtype=pl.String))


# -- one column: (typed expression, checks) ----------------------------------------------------------

def _digits(raw: pl.Expr, pattern: str) -> pl.Expr:
    return raw.str.contains(pattern)


def _column_rules(field: F.Field, raw: pl.Expr, this_year: int) -> tuple[pl.Expr, list]:
    name = field.name
    present = raw.is_not_null()
    if name == "nib":
        cleaned = raw.str.replace_all(_SEPARATORS, "")
        return cleaned, [(present & ~_digits(cleaned, r"^\d{13}$"),
                          message(_("nib {value} is not 13 digits"), value=raw))]
    if name == "owner_nik":
        cleaned = raw.str.replace_all(_SEPARATORS, "")
        masked = cleaned.str.contains(r"\*")
        typed = pl.when(masked).then(None).otherwise(cleaned)
        return typed, [(present & ~masked & ~_digits(cleaned, r"^\d{16}$"),
                        pl.lit(_("owner_nik must be 16 digits (the value is not repeated: it is personal data)")))]
    if field.kind == "text":
        limit = V.TEXT_LIMITS.get(name)
        checks = []
        if limit:
            checks.append((raw.str.len_chars() > limit,
                           pl.lit(_("{name} is longer than {limit} characters").format(name=name, limit=limit))))
        return raw, checks
    if field.kind == "int":
        number = raw.cast(pl.Int64, strict=False)
        least = 1 if name == "workers" else 0
        wrong = present & (~_digits(raw, r"^\d{1,9}$") | (number < least))
        return pl.when(wrong).then(None).otherwise(number), [
            (wrong, pl.lit(_("{name} must be a whole number of at least {least}").format(name=name, least=least))),
            (number > V.MAX_WORKERS, message(_("{name} {value} is more than {limit}").format(
                name=name, value="{value}", limit=f"{V.MAX_WORKERS:,}"), value=raw)),
        ]
    if field.kind == "money":
        number = raw.cast(pl.Int64, strict=False)
        return number, [
            (present & _digits(raw, r"^-\s*\d"), pl.lit(_("{name} must not be negative").format(name=name))),
            (present & ~_digits(raw, r"^\d+$"), message(
                _("{name} {value} is not whole rupiah (digits only: no decimals, separators or Rp)").format(
                    name=name, value="{value}"), value=raw)),
            (present & (raw.str.len_chars() > V.MAX_MONEY_DIGITS),
             message(_("{name} {value} is too large").format(name=name, value="{value}"), value=raw)),
        ]
    if field.kind == "bool":
        lower = raw.str.to_lowercase()
        typed = pl.when(lower.is_in(V.TRUE_WORDS)).then(True).when(lower.is_in(V.FALSE_WORDS)).then(False)
        typed = typed.otherwise(None)
        return typed, [(present & typed.is_null(), message(
            _("{name} {value} is not yes or no (1/0, true/false, ya/tidak)").format(name=name, value="{value}"),
            value=raw))]
    if field.kind == "choice":
        key = raw.str.to_lowercase().str.replace_all(r"[^a-z0-9]+", "_").str.strip_chars("_")
        typed = key.replace_strict(V.CHOICE_WORDS[name], default=None, return_dtype=pl.String)
        return typed, [(present & typed.is_null(), message(
            _("{name} {value} is not one of: {choices}").format(
                name=name, value="{value}", choices=", ".join(field.choices)), value=raw))]
    if field.kind == "year":
        first = V.FIRST_REPORT_YEAR if name == "year" else V.FIRST_FOUNDED_YEAR
        number = raw.cast(pl.Int64, strict=False)
        wrong = present & (~_digits(raw, r"^\d{4}$") | (number < first) | (number > this_year))
        return pl.when(wrong).then(None).otherwise(number), [(wrong, message(
            _("{name} {value} is not a year between {first} and {last}").format(
                name=name, value="{value}", first=first, last=this_year), value=raw))]
    raise ValueError(f"no rule for {field.kind}")


# -- lookups by distinct value ---------------------------------------------------------------------

@lru_cache(maxsize=200_000)
def region_lookup(text: str) -> tuple[str | None, str | None]:
    """(dotted code, None) or (None, reason)."""
    try:
        code = geography.normalize_code(text)
    except ValueError:
        return None, _("region {value} is not a region code such as 32.04 or 3204").format(value=text)
    if not geography.exists(code):
        return None, _("region {value} does not exist").format(value=text)
    return code, None


@lru_cache(maxsize=20_000)
def kbli_lookup(text: str) -> tuple[str | None, str | None]:
    """(subclass, None) or (None, reason). A 4-digit value whose leading zero a spreadsheet dropped
    ("1111" for 01111) is restored when the 5-digit code is a subclass: no 4-digit subclass exists."""
    code = text.strip()
    if re.fullmatch(r"\d{5}", code) and sectors.is_subclass(code):
        return code, None
    if re.fullmatch(r"\d{4}", code) and sectors.is_subclass("0" + code):
        return "0" + code, None
    return None, _("kbli {value} is not a KBLI 2020 subclass").format(value=text)


def _lookup_rules(raw_values: pl.Series, lookup) -> tuple[dict, dict]:
    codes, reasons = {}, {}
    for value in raw_values.drop_nulls().unique().to_list():
        code, reason = lookup(value)
        if code is not None:
            codes[value] = code
        else:
            reasons[value] = reason
    return codes, reasons


# -- the whole frame ---------------------------------------------------------------------------------

def validate(frame: pl.DataFrame, this_year: int | None = None) -> Validated:
    this_year = this_year or dt.date.today().year
    present = [f for f in F.TEMPLATE_FIELDS if f.name in frame.columns]
    typed_exprs, reason_exprs = [], []
    for field in present:
        raw = pl.col(field.name)
        if field.name in ("region_code", "kbli"):
            lookup = region_lookup if field.name == "region_code" else kbli_lookup
            codes, reasons = _lookup_rules(frame[field.name], lookup)
            typed = raw.replace_strict(codes, default=None, return_dtype=pl.String)
            checks = [(raw.is_in(list(reasons)), raw.replace_strict(reasons, default=None, return_dtype=pl.String))]
        else:
            typed, checks = _column_rules(field, raw, this_year)
        if field.required:
            checks = [(raw.is_null(), pl.lit(_("{name} is required").format(name=field.name)))] + checks
        typed_exprs.append(typed.alias(field.name))
        reason_exprs.append(_first_reason(checks).alias(field.name))
    if "owner_nik" in frame.columns:
        typed_exprs.append(pl.col("owner_nik").str.contains(r"\*").fill_null(False).alias(NIK_MASKED))
    typed = frame.select(pl.col(LINE), *typed_exprs)
    reasons = frame.select(pl.col(LINE), *reason_exprs)
    errors = [_errors_of(frame, reasons, field.name) for field in present]
    errors += _missing_required(frame)
    errors += _cross_field_errors(typed, reasons)
    errors = pl.concat([e for e in errors if e.height], how="vertical") if any(e.height for e in errors) else \
        pl.DataFrame(schema=ERROR_SCHEMA)
    return Validated(typed, errors)


def _errors_of(frame: pl.DataFrame, reasons: pl.DataFrame, name: str) -> pl.DataFrame:
    bad = reasons[name].is_not_null()
    if not bad.any():
        return pl.DataFrame(schema=ERROR_SCHEMA)
    return pl.DataFrame({"line": frame[LINE].filter(bad), "value": frame[name].filter(bad),
                         "reason": reasons[name].filter(bad)}).select(
        pl.col("line").cast(pl.Int64), pl.lit(name).alias("column"),
        (pl.lit(HIDDEN) if name == "owner_nik" else pl.col("value")).alias("value"), pl.col("reason"))


def _missing_required(frame: pl.DataFrame) -> list[pl.DataFrame]:
    """A required column absent from the frame makes every row fail (files stop earlier, with exit 2)."""
    out = []
    for field in F.TEMPLATE_FIELDS:
        if field.required and field.name not in frame.columns:
            out.append(frame.select(pl.col(LINE).alias("line"), pl.lit(field.name).alias("column"),
                                    pl.lit(None, dtype=pl.String).alias("value"),
                                    pl.lit(_("{name} is required").format(name=field.name)).alias("reason")))
    return out


def _cross_field_errors(typed: pl.DataFrame, reasons: pl.DataFrame) -> list[pl.DataFrame]:
    """Checks between columns, on values that passed their own checks."""
    out = []
    cols = typed.columns

    def add(column: str, bad: pl.Expr, reason: pl.Expr, value: pl.Expr) -> None:
        found = typed.filter(bad.fill_null(False))
        if found.height:
            out.append(found.select(pl.col(LINE).alias("line"), pl.lit(column).alias("column"),
                                    value.cast(pl.String).alias("value"), reason.alias("reason")))

    for part in ("workers_paid", "workers_female"):
        if part in cols and "workers" in cols:
            add(part, pl.col(part) > pl.col("workers"),
                message(_("{part} {value} is more than workers {workers}").format(
                    part=part, value="{value}", workers="{workers}"),
                    value=pl.col(part), workers=pl.col("workers")), pl.col(part))
    if "founded_year" in cols and "year" in cols:
        add("founded_year", pl.col("founded_year") > pl.col("year"),
            message(_("founded_year {value} is after the report year {year}"),
                    value=pl.col("founded_year"), year=pl.col("year")), pl.col("founded_year"))
    if "source_id" in cols or "nib" in cols:
        sid = pl.col("source_id") if "source_id" in cols else pl.lit(None, dtype=pl.String)
        nib_given = pl.col("nib").is_not_null() if "nib" in cols else pl.lit(False)
        nib_raw_error = reasons["nib"].is_not_null() if "nib" in cols else pl.Series([False] * typed.height, dtype=pl.Boolean)
        found = typed.with_columns(nib_raw_error.alias("_nib_bad")).filter(
            sid.is_null() & ~nib_given & ~pl.col("_nib_bad"))
        if found.height:
            out.append(found.select(pl.col(LINE).alias("line"), pl.lit("source_id").alias("column"),
                                    pl.lit(None, dtype=pl.String).alias("value"),
                                    pl.lit(_("source_id or nib is needed to recognise the enterprise "
                                             "in later imports")).alias("reason")))
    return out
