"""The SIDT-KUMKM export ("Satu Data KUMKM", the single database of cooperatives and MSMEs) turned
into template columns, before the common validation.

Decisions (docs/import.md explains each):

- ``id_data_badan_usaha`` is the enterprise's ID in the source "sidt".
- Regions come as names (``prov_usaha`` .. ``kel_usaha``) and are matched level by level, each
  within the one above, as :func:`lumbung.geography.match_name` decides, for all distinct
  combinations of the file at once (:func:`lumbung.geography.match_names`); the code is the deepest
  level given. A name that matches nothing (or several regions) rejects the row, naming the column.
- The report year is the year of ``updated_at`` (when the record was last updated), else of
  ``pulled_at`` (when it was taken from the database); a row with neither is rejected.
- Workforce: ``workers`` is the sum of the four paid/unpaid x men/women columns; ``workers_paid``
  the two paid columns; ``workers_female`` the two women columns. An empty cell is unknown, so a
  sum with an empty part is unknown too, never a smaller number. The ``*_disabil_*`` columns are read
  as "of whom with a disability" (a subset of the same-named men/women column), the reading that
  cannot count a person twice; a row where the subset is larger than its column is rejected. The
  import summary shows the total under the other reading (disability columns additional).
- ``status_badan_usaha`` gives both the legal form and the legal status (table below).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import polars as pl

from lumbung import geography
from lumbung.i18n import _, gettext_noop
from lumbung.imports.readers import LINE, ascii_digits
from lumbung.imports.validate import ERROR_SCHEMA, message

SOURCE = "sidt"
COLUMNS = (
    "id_data_badan_usaha", "nik_pengusaha", "nama_pengusaha", "nib", "jenis_kelamin", "is_disabilitas",
    "tanggal_lahir", "pendidikan_formal", "kontak_hp", "prov_pengusaha", "kab_pengusaha", "kec_pengusaha",
    "kel_pengusaha", "alamat_pengusaha", "rt_pengusaha", "rw_pengusaha", "nama_usaha", "kegiatan_utama",
    "produk_utama", "kategori_kbli", "kode_kbli", "status_badan_usaha", "skala_usaha", "modal_pendirian",
    "bulan_mulai_operasi", "tahun_mulai_operasi", "omzet_tahunan", "asset", "prov_usaha", "kab_usaha",
    "kec_usaha", "kel_usaha", "alamat_usaha", "rt_usaha", "rw_usaha", "foto_usaha", "alamat_latitude",
    "alamat_longitude", "tk_dibayar_laki", "tk_dibayar_perempuan", "tk_dibayar_disabil_laki",
    "tk_dibayar_disabil_perempuan", "tk_not_dibayar_laki", "tk_not_dibayar_perempuan",
    "tk_not_dibayar_disabil_laki", "tk_not_dibayar_disabil_perempua", "pulled_at", "updated_at", "source_page",
)
#: Without these the file cannot be an SIDT export worth reading (exit 2).
REQUIRED = ("id_data_badan_usaha", "nama_usaha", "kode_kbli", "prov_usaha")
DATE_COLUMNS = ("updated_at", "pulled_at")

#: SIDT column -> template column, for columns copied as they are.
DIRECT = {
    "id_data_badan_usaha": "source_id", "nik_pengusaha": "owner_nik", "nama_pengusaha": "owner_name",
    "nib": "nib", "jenis_kelamin": "owner_gender", "nama_usaha": "name", "kode_kbli": "kbli",
    "skala_usaha": "reported_scale", "modal_pendirian": "business_capital", "omzet_tahunan": "sales",
    "asset": "net_assets", "tahun_mulai_operasi": "founded_year",
}
#: Template column -> the SIDT column an error about it should name.
ERROR_COLUMN = {**{t: s for s, t in DIRECT.items()}, "legal_status": "status_badan_usaha",
                "legal_form": "status_badan_usaha", "region_code": "kel_usaha", "year": "updated_at",
                "workers": "tk_dibayar_laki", "workers_paid": "tk_dibayar_laki",
                "workers_female": "tk_dibayar_perempuan"}

PAID = ("tk_dibayar_laki", "tk_dibayar_perempuan")
UNPAID = ("tk_not_dibayar_laki", "tk_not_dibayar_perempuan")
FEMALE = ("tk_dibayar_perempuan", "tk_not_dibayar_perempuan")
#: disability column -> the men/women column it is part of
DISABILITY = {
    "tk_dibayar_disabil_laki": "tk_dibayar_laki", "tk_dibayar_disabil_perempuan": "tk_dibayar_perempuan",
    "tk_not_dibayar_disabil_laki": "tk_not_dibayar_laki",
    "tk_not_dibayar_disabil_perempua": "tk_not_dibayar_perempuan",
}
WORKFORCE = PAID + UNPAID + tuple(DISABILITY)
#: Columns holding numbers, codes or dates: their Unicode digits (３, ٣) are read as ASCII digits.
DIGIT_COLUMNS = ("nik_pengusaha", "nib", "kode_kbli", "modal_pendirian", "bulan_mulai_operasi", "tahun_mulai_operasi",
                 "omzet_tahunan", "asset", *WORKFORCE, *DATE_COLUMNS)

#: status_badan_usaha (normalised) -> (legal_form, legal_status). PT (UU 40/2007), koperasi
#: (UU 25/1992 Art. 9), yayasan (UU 16/2001) and PT perorangan (UU 11/2020) are legal entities
#: (badan hukum); CV and firma are set up by notarial deed but are not legal entities (KUHD
#: Art. 16-22); perorangan / UD (usaha dagang) need neither.
LEGAL = {
    "perorangan": ("perorangan", "none"), "perseorangan": ("perorangan", "none"),
    "usaha_perorangan": ("perorangan", "none"), "ud": ("perorangan", "none"), "usaha_dagang": ("perorangan", "none"),
    "belum_berbadan_usaha": ("perorangan", "none"), "tidak_berbadan_usaha": ("perorangan", "none"),
    "belum_berbadan_hukum": ("perorangan", "none"), "tidak_berbadan_hukum": ("perorangan", "none"),
    "tidak_ada": ("perorangan", "none"), "belum_ada": ("perorangan", "none"),
    "cv": ("cv", "notary_deed"), "firma": ("firma", "notary_deed"), "fa": ("firma", "notary_deed"),
    "pt": ("pt", "legal_entity"), "perseroan_terbatas": ("pt", "legal_entity"),
    "pt_perorangan": ("pt_perorangan", "legal_entity"), "pt_perseorangan": ("pt_perorangan", "legal_entity"),
    "koperasi": ("koperasi", "legal_entity"), "yayasan": ("yayasan", "legal_entity"),
    "lainnya": ("lainnya", None),
}
#: NIB cells that mean "no NIB" in real exports.
NO_NIB = ("-", "0", "00", "tidak ada", "belum ada", "belum punya", "null", "none", "n/a", "na")


@dataclass
class Mapped:
    frame: pl.DataFrame  # _line + template columns as text
    errors: pl.DataFrame  # ERROR_SCHEMA
    notes: pl.DataFrame  # ERROR_SCHEMA; rows stored with something left out
    workforce: pl.DataFrame  # _line, workers, disabled: for the summary of the stored rows


def missing_columns(columns: list[str]) -> list[str]:
    missing = [c for c in REQUIRED if c not in columns]
    if not any(c in columns for c in DATE_COLUMNS):
        missing.append(" or ".join(DATE_COLUMNS))
    return missing


def to_template(frame: pl.DataFrame) -> Mapped:
    """``frame``: text cells under normalised SIDT headers, plus ``_line``."""
    frame = frame.with_columns([pl.lit(None, dtype=pl.String).alias(c) for c in COLUMNS if c not in frame.columns])
    frame = ascii_digits(frame, DIGIT_COLUMNS)
    errors: list[pl.DataFrame] = []
    notes: list[pl.DataFrame] = []
    out = frame.select(pl.col(LINE), *[pl.col(s).alias(t) for s, t in DIRECT.items()])
    out = out.with_columns(_nib(frame["nib"]).alias("nib"),
                           pl.Series("reported_scale", frame["skala_usaha"]).str.replace(r"(?i)^usaha\s+", ""))
    legal, legal_errors = _legal(frame)
    out = out.with_columns(legal)
    errors.append(legal_errors)
    region, region_errors = _regions(frame)
    out = out.with_columns(region.alias("region_code"))
    errors.append(region_errors)
    year, year_errors = _year(frame)
    out = out.with_columns(year.alias("year"))
    errors.append(year_errors)
    workforce, workforce_errors, workforce_notes, totals = _workforce(frame)
    out = out.with_columns(workforce)
    errors.append(workforce_errors)
    notes.append(workforce_notes)
    return Mapped(out, _stack(errors), _stack(notes), totals)


def _stack(parts: list[pl.DataFrame]) -> pl.DataFrame:
    parts = [p.select(list(ERROR_SCHEMA)).cast(ERROR_SCHEMA) for p in parts if p.height]
    return pl.concat(parts) if parts else pl.DataFrame(schema=ERROR_SCHEMA)


def _error_rows(frame: pl.DataFrame, bad: pl.Series, column: str, reason: pl.Expr) -> pl.DataFrame:
    return frame.filter(bad).select(pl.col(LINE).alias("line"), pl.lit(column).alias("column"),
                                    pl.col(column).alias("value"), reason.alias("reason"))


def _nib(nib: pl.Series) -> pl.Series:
    return pl.select(pl.when(nib.str.to_lowercase().is_in(NO_NIB)).then(None).otherwise(nib)).to_series()


def _legal(frame: pl.DataFrame) -> tuple[list[pl.Expr], pl.DataFrame]:
    key = frame["status_badan_usaha"].str.to_lowercase().str.replace_all(r"[^a-z0-9]+", "_").str.strip_chars("_")
    forms = {k: v[0] for k, v in LEGAL.items()}
    statuses = {k: v[1] for k, v in LEGAL.items() if v[1]}
    form = key.replace_strict(forms, default=None, return_dtype=pl.String)
    status = key.replace_strict(statuses, default=None, return_dtype=pl.String)
    bad = frame["status_badan_usaha"].is_not_null() & form.is_null()
    accepted = "perorangan, UD, CV, firma, PT, PT perorangan, koperasi, yayasan, lainnya"
    errors = _error_rows(frame, bad, "status_badan_usaha", message(
        _("status_badan_usaha {value} is not a known legal form ({accepted})").format(
            value="{value}", accepted=accepted), value=pl.col("status_badan_usaha")))
    return [form.alias("legal_form"), status.alias("legal_status")], errors


# -- regions -----------------------------------------------------------------------------------------

#: (column, level, word naming the level): the word is translated where a reason is written, in the
#: language of that moment (LUMBUNG_LANGUAGE), not once when this module is imported.
_LEVELS = (("prov_usaha", 1, gettext_noop("province")), ("kab_usaha", 2, gettext_noop("regency or city")),
           ("kec_usaha", 3, gettext_noop("district")), ("kel_usaha", 4, gettext_noop("village")))


def match_region(names: tuple[str | None, ...]) -> tuple[str | None, str | None, str | None]:
    """(code, None, None), or (None, column, reason) for the first name that matches nothing."""
    code = None
    for index, ((_column, level, _word), name) in enumerate(zip(_LEVELS, names, strict=True)):
        if name is None:
            if level == 1:
                return None, *_failure(names, index, None)
            continue
        found = geography.match_name(name, level=level, within=code)
        if found is None:
            return None, *_failure(names, index, code)
        code = found
    return code, None, None


def _regions(frame: pl.DataFrame) -> tuple[pl.Series, pl.DataFrame]:
    columns = [c for c, _l, _w in _LEVELS]
    # Typed schemas: a column that is empty everywhere (no district given) must stay String, not
    # Polars' Null type, or the joins below fail on mismatched key types.
    text = dict.fromkeys(columns, pl.String)
    combos = _matched_levels(frame.select(columns).cast(text).unique())
    keyed = frame.select(pl.col(LINE), *[pl.col(c).cast(pl.String) for c in columns])
    joined = keyed.join(combos.select(*columns, pl.col("_code_ok").alias("region")), on=columns, how="left",
                        nulls_equal=True, maintain_order="left")
    failed = combos.filter(pl.col("_failed").is_not_null())
    if not failed.height:
        return joined["region"], pl.DataFrame(schema=ERROR_SCHEMA)
    bad = pl.DataFrame([(*names, *_failure(names, level, within)) for *names, level, within
                        in failed.select(*columns, "_failed", "_code").iter_rows()],
                       schema={**text, "column": pl.String, "reason": pl.String}, orient="row")
    hits = keyed.join(bad, on=columns, how="inner", nulls_equal=True)
    errors = hits.select(pl.col(LINE).alias("line"), pl.col("column"),
                         pl.coalesce([pl.when(pl.col("column") == c).then(pl.col(c)) for c in columns]).alias("value"),
                         pl.col("reason"))
    return joined["region"], errors


def _matched_levels(combos: pl.DataFrame) -> pl.DataFrame:
    """Each distinct combination of names matched level by level, each within the code of the level
    above, for all combinations at once (:func:`lumbung.geography.match_names`; the same decisions
    as :func:`match_region`): ``_code`` the deepest code, or where a level fails, ``_failed`` its
    index in ``_LEVELS`` and ``_code`` the code it was looked for in."""
    state = combos.with_columns(pl.lit(None, dtype=pl.String).alias("_code"), pl.lit(None, dtype=pl.Int8)
                                .alias("_failed"))
    for index, (column, level, _word) in enumerate(_LEVELS):
        open_ = pl.col("_failed").is_null()
        if level == 1:
            state = state.with_columns(pl.when(open_ & pl.col(column).is_null()).then(pl.lit(index, dtype=pl.Int8))
                                       .otherwise(pl.col("_failed")).alias("_failed"))
            open_ = pl.col("_failed").is_null()
        asked = state.filter(open_ & pl.col(column).is_not_null()).select(pl.col(column).alias("name"),
                                                                          pl.col("_code").alias("within"))
        found = geography.match_names(asked, level).rename({"name": column, "within": "_code", "code": "_found"})
        state = state.join(found, on=[column, "_code"], how="left", nulls_equal=True, maintain_order="left")
        tried = open_ & pl.col(column).is_not_null()
        state = state.with_columns(
            pl.when(tried & pl.col("_found").is_null()).then(pl.lit(index, dtype=pl.Int8)).otherwise(pl.col("_failed"))
            .alias("_failed"),
            pl.when(tried & pl.col("_found").is_not_null()).then(pl.col("_found")).otherwise(pl.col("_code"))
            .alias("_code")).drop("_found")
    return state.with_columns(pl.when(pl.col("_failed").is_null()).then(pl.col("_code")).alias("_code_ok"))


def _failure(names: Sequence[str | None], index: int, within: str | None) -> tuple[str, str]:
    """The column and reason of the level ``index`` that failed, looked for within ``within``: one
    wording for the one-row path (:func:`match_region`) and the set-wise one (:func:`_regions`)."""
    column, level, word = _LEVELS[index]
    name = names[index]
    if name is None and level == 1:
        return column, _("the province is required")
    where = _(" in {code}").format(code=within) if within else ""
    return column, _("{word} {name!r} not found{where} (or the name fits several)").format(
        word=_(word), name=name, where=where)


# -- report year and workforce ----------------------------------------------------------------------

#: Numeric date shapes whose month and day are checked, as (pattern, group of year, month, day):
#: ISO (2024-03-05, with a time or not), day/month/year (05/03/2024, 5-3-2024, 05.03.2024; read
#: as month/day/year when only that is possible) and 20240305. Other spellings ("5 Maret 2024")
#: give their first 19xx/20xx year.
_DATE_SHAPES = ((re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[ T])"), (1, 2, 3), False),
                (re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:$|\s)"), (3, 2, 1), True),
                (re.compile(r"(\d{4})(\d{2})(\d{2})$"), (1, 2, 3), False))
_ANY_YEAR = re.compile(r"(?:19|20)\d\d")


@lru_cache(maxsize=200_000)
def date_year(text: str) -> tuple[int | None, bool]:
    """(year or None, whether the date is possible): 2024-13-45 and 2023-02-30 are impossible and
    reported rather than read as their year."""
    for pattern, (year, month, day), either_order in _DATE_SHAPES:
        found = pattern.match(text)
        if found is None:
            continue
        y, m, d = (int(found.group(g)) for g in (year, month, day))
        return (y, True) if _possible(y, m, d) or (either_order and _possible(y, d, m)) else (None, False)
    found = _ANY_YEAR.search(text)
    return (int(found.group()) if found else None), True


def _possible(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _year(frame: pl.DataFrame) -> tuple[pl.Series, pl.DataFrame]:
    """The year of updated_at, else of pulled_at. An impossible date is reported, naming its column,
    and not replaced by the other column."""
    rows, errors = [], []
    for line, updated, pulled in frame.select(LINE, *DATE_COLUMNS).iter_rows():
        year, impossible = None, False
        for column, text in zip(DATE_COLUMNS, (updated, pulled), strict=True):
            if text is None:
                continue
            year, possible = date_year(text)
            if not possible:
                impossible = True
                errors.append((line, column, text, _("{column} {value} is not a possible date").format(
                    column=column, value=text)))
            if year is not None or impossible:
                break
        if year is None and not impossible:
            errors.append((line, "updated_at", updated, _("the report year is unknown: neither updated_at nor "
                                                          "pulled_at holds a date")))
        rows.append(None if year is None else str(year))
    return pl.Series("year", rows, dtype=pl.String), pl.DataFrame(errors, schema=ERROR_SCHEMA, orient="row")


def _workforce(frame: pl.DataFrame):
    numbers, errors = {}, []
    for column in WORKFORCE:
        raw = frame[column]
        ok = raw.str.contains(r"^\d{1,9}$")
        bad = raw.is_not_null() & ~ok
        errors.append(_error_rows(frame, bad, column, message(
            _("{column} {value} is not a whole number of people").format(column=column, value="{value}"),
            value=pl.col(column))))
        numbers[column] = pl.select(pl.when(ok).then(raw.cast(pl.Int64, strict=False))).to_series()
    counts = pl.DataFrame({LINE: frame[LINE], **numbers})
    for part, whole in DISABILITY.items():
        bad = (counts[part] > counts[whole]).fill_null(False)
        errors.append(counts.filter(bad).select(
            pl.col(LINE).alias("line"), pl.lit(part).alias("column"), pl.col(part).cast(pl.String).alias("value"),
            message(_("{part} {value} is more than {whole} {total}: workers with a disability are counted "
                      "within the men and women columns").format(part=part, value="{value}", whole=whole,
                                                                  total="{total}"),
                    value=pl.col(part), total=pl.col(whole)).alias("reason")))
    # pl.sum_horizontal would skip nulls; a plain "+" keeps an unknown part unknown.
    workers = counts.select(sum(pl.col(c) for c in PAID + UNPAID)).to_series()
    paid = counts.select(sum(pl.col(c) for c in PAID)).to_series()
    female = counts.select(sum(pl.col(c) for c in FEMALE)).to_series()
    zero = (workers == 0).fill_null(False)
    notes = frame.filter(zero).select(
        pl.col(LINE).alias("line"), pl.lit("tk_dibayar_laki").alias("column"), pl.lit("0").alias("value"),
        pl.lit(_("stored, but workers left empty: the tk_* columns add up to 0, and persons engaged "
                 "include at least the owner")).alias("reason"))
    workers = pl.select(pl.when(~zero).then(workers)).to_series()
    extra = counts.select(sum(pl.col(c).fill_null(0) for c in DISABILITY)).to_series()
    totals = pl.DataFrame({LINE: frame[LINE], "workers": workers, "disabled": extra})
    exprs = [pl.lit(workers.cast(pl.String)).alias("workers"), pl.lit(paid.cast(pl.String)).alias("workers_paid"),
             pl.lit(female.cast(pl.String)).alias("workers_female")]
    return exprs, _stack(errors), notes, totals


def disability_summary(totals: pl.DataFrame) -> list[str]:
    """Workers of the stored rows under both readings of the disability columns."""
    known = totals.filter(pl.col("workers").is_not_null())
    subset = int(known["workers"].sum() or 0)
    additional = subset + int(known["disabled"].sum() or 0)
    if subset == 0:
        return []
    change = 100.0 * (additional - subset) / subset
    return [_("SIDT workforce: {subset} workers with the disability columns read as part of the men and "
              "women columns (used); {additional} if they were additional ({change:+.1f}%)").format(
        subset=subset, additional=additional, change=change)]

