"""The programs app's Python API (the CLI, the pages and the API call these): the catalogue's seed,
eligibility of one enterprise with its reasons, and the eligible enterprises a user may see.

Eligibility itself is :mod:`lumbung.eligibility` (pure, vectorised); this module feeds it the
registry's rows (:mod:`lumbung.registry.rows`) and scopes what it returns by
``Enterprise.objects.visible_to(user)``'s rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pyarrow as pa
from django.db import transaction

from lumbung import rules
from lumbung import vocabulary as F
from lumbung.eligibility import catalogue as seed_catalogue
from lumbung.eligibility import parse
from lumbung.eligibility.population import KEY, clauses, counts, eligible_all, prepare
from lumbung.eligibility.rules import FIELDS, field_label, shown_value, size_column
from lumbung.errors import UserError
from lumbung.i18n import _
from lumbung.programs.models import Enrolment, Program
from lumbung.registry import access, audit
from lumbung.registry import rows as registry_rows
from lumbung.registry.models import AnnualReport, Enterprise
from lumbung.sizeclass import get_regime

#: Columns eligibility reads from the registry (no names, no personal data).
COLUMNS = (KEY, *(c for c in registry_rows.ENTERPRISE_COLUMNS if c not in ("name", "owner_name", "source_id", "nib")),
           *registry_rows.REPORT_COLUMNS)
SEED_FIELDS = ("name", "name_en", "type", "aspect", "ohno_step", "agency", "start_year", "end_year", "start_date",
               "end_date", "budget", "max_amount", "historical", "eligibility", "source", "note")


@dataclass
class SeedResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def seed(path=None, actor=None) -> SeedResult:
    """Load the seed catalogue (``lumbung/eligibility/catalogue.toml``, or ``path``) into the
    database: programs created or updated by slug, each change audited; safe to repeat."""
    entries = seed_catalogue.load(path) if path else seed_catalogue.load()
    result = SeedResult()
    with transaction.atomic(), audit.context(actor=actor, source="programs:seed"):
        for entry in entries:
            values = {name: getattr(entry, name) for name in SEED_FIELDS}
            values["name_en"] = values["name_en"] or ""
            program = Program.objects.filter(slug=entry.slug).first()
            if program is None:
                program = Program(slug=entry.slug, **values)
                program.full_clean()
                program.save()
                result.created.append(entry.slug)
                continue
            changed = {k: v for k, v in values.items() if getattr(program, k) != v}
            if not changed:
                result.unchanged.append(entry.slug)
                continue
            for key, value in changed.items():
                setattr(program, key, value)
            program.full_clean()
            program.save()
            result.updated.append(entry.slug)
    return result


def get_program(slug: str) -> Program:
    program = Program.objects.filter(slug=slug).first()
    if program is None:
        known = ", ".join(Program.objects.values_list("slug", flat=True)) or _("none; run `lumbung programs seed`")
        raise UserError(_("There is no program {slug!r}; programs: {known}.").format(slug=slug, known=known))
    return program


# ------------------------------------------------------------------ one enterprise

@dataclass(frozen=True)
class ClauseResult:
    text: str  # the condition in words
    status: bool | None  # met, not met, unknown (a value it needs is missing)
    values: tuple[tuple[str, str], ...]  # (field label, the enterprise's value) of the fields it reads


@dataclass(frozen=True)
class Judgement:
    program: Program
    status: bool | None
    clauses: tuple[ClauseResult, ...]
    year: int | None  # the report judged (None: the enterprise has no report)


def enterprise_frame(enterprise: Enterprise) -> pl.DataFrame:
    """The enterprise's latest report joined to its fields: the one-row frame of eligibility."""
    report = enterprise.reports.order_by("-year").first()
    row = {KEY: enterprise.pk, **{c: getattr(enterprise, c) for c in COLUMNS if c in F.ENTERPRISE_COLUMNS}}
    for name in F.REPORT_COLUMNS:
        row[name] = getattr(report, name) if report is not None else None
    schema = registry_rows.schema(COLUMNS)
    return pl.from_arrow(_arrow_row(row, schema))


def _arrow_row(row: dict, schema: pa.Schema) -> pa.Table:
    return pa.table({f.name: pa.array([row.get(f.name)], type=f.type) for f in schema})


def judge(enterprise: Enterprise, programs, lang: str = "id") -> list[Judgement]:
    """Each program's verdict for one enterprise, with every clause met, not met or unknown."""
    programs = list(programs)
    rules = [parse(p.eligibility) for p in programs]
    frame = prepare(enterprise_frame(enterprise), rules, judged=True)
    year = frame.get_column("year")[0]
    out = []
    for program, rule in zip(programs, rules, strict=True):
        table = clauses(program.eligibility, frame)
        results = []
        for i, clause in enumerate(rule.clauses):
            status = table.get_column(f"c{i}")[0]
            shown = tuple((field_label(f, lang), _value(frame, f, lang)) for f in _shown_fields(clause.fields))
            results.append(ClauseResult(clause.describe(lang), status, shown))
        if any(r.status is False for r in results):
            verdict = False
        elif any(r.status is None for r in results):
            verdict = None
        else:
            verdict = True
        out.append(Judgement(program, verdict, tuple(results), year))
    return out


def _shown_fields(fields) -> list[str]:
    """The fields a clause reads and, for a size class, the inputs its regime decides on."""
    out = []
    for name in fields:
        out.append(name)
        if name.startswith("size:"):
            out += [i for i in get_regime(name.split(":", 1)[1]).inputs if i in FIELDS]
    return list(dict.fromkeys(out))


def _value(frame: pl.DataFrame, name: str, lang: str) -> str:
    column = size_column(name.split(":", 1)[1]) if name.startswith("size:") else name
    value = frame.get_column(column)[0] if column in frame.columns else None
    return shown_value(name, value, lang)


# ------------------------------------------------------------------ many enterprises

def scope_of(user) -> list[str] | None:
    """Region codes whose enterprises ``user`` may see as records (region scopes, and analyst
    grants with record-level lists); None = every region."""
    if user.has_perm(access.SEE_ALL):
        return None
    return sorted(set(access.region_codes_of(user)) | set(access.analyst_regions(user, records=True)))


def registry_frame(regions: list[str] | None, year: int | None = None) -> pl.DataFrame:
    """The registry's rows for eligibility, in these regions (None: all)."""
    if regions is None:
        tables = [registry_rows.reports_table(columns=COLUMNS)]
    else:
        tables = [registry_rows.reports_table(columns=COLUMNS, region=code) for code in regions]
    frames = [pl.from_arrow(t) for t in tables]
    frame = pl.concat(frames) if frames else pl.from_arrow(registry_rows.schema(COLUMNS).empty_table())
    frame = frame.unique([KEY, "year"])  # overlapping scopes ("32" and "32.04") read some rows twice
    if year is not None:
        frame = frame.filter(pl.col("year") == year)
    return frame


@dataclass(frozen=True)
class Reach:
    program: Program
    eligible: int
    not_eligible: int
    unknown: int
    enrolled_eligible: int  # eligible and enrolled already
    not_reached: list[int]  # ids of eligible enterprises with no enrolment in the program


def reach(program: Program, user, year: int | None = None) -> Reach:
    """For the enterprises ``user`` may see (their regions, or all): how many are eligible for
    ``program``, and which eligible ones it has not reached (no enrolment in it)."""
    frame = registry_frame(scope_of(user), year)
    result = eligible_all({program.slug: program.eligibility}, frame, year=year)
    column = result.get_column(program.slug)
    yes = result.filter(column.fill_null(False))
    enrolled = set(Enrolment.objects.filter(program=program).values_list("enterprise_id", flat=True))
    ids = yes.get_column(KEY).to_list()
    not_reached = sorted(i for i in ids if i not in enrolled)
    unknown = int(column.null_count())
    return Reach(program, len(ids), result.height - len(ids) - unknown, unknown, len(ids) - len(not_reached),
                 not_reached)


def latest_reports(ids: list[int]) -> dict[int, AnnualReport]:
    """The latest report of each of these enterprises."""
    out: dict[int, AnnualReport] = {}
    for report in AnnualReport.objects.filter(enterprise_id__in=ids).order_by("enterprise_id", "year"):
        out[report.enterprise_id] = report
    return out


# ------------------------------------------------------------------ catalogue as plain data

ROW_FIELDS = ("slug", "name", "name_en", "type", "aspect", "ohno_step", "agency", "start_year", "end_year",
              "start_date", "end_date", "budget", "max_amount", "historical", "eligibility", "source", "note")


def catalogue_rows() -> list[dict]:
    return [{f: getattr(p, f) for f in ROW_FIELDS} for p in Program.objects.order_by("historical", "slug")]


def program_row(slug: str, lang: str = "en") -> dict:
    program = get_program(slug)
    row = {f: getattr(program, f) for f in ROW_FIELDS}
    row["eligibility_in_words"] = parse(program.eligibility).describe(lang)
    return row


def eligibility_counts(slugs: list[str], region: str | None = None, year: int | None = None, out=None) -> dict:
    """Every enterprise of the registry (or of ``region``) against the programs ``slugs`` (all when
    empty), in one vectorised evaluation; per program the counts eligible / not / unknown.
    ``out``: also write each enterprise's verdicts (.csv or .parquet)."""
    programs = [get_program(s) for s in slugs] if slugs else list(Program.objects.all())
    if not programs:
        raise UserError(_("The catalogue is empty: run `lumbung programs seed`."))
    regions = None
    if region:
        code = rules.read_region(region)
        if code is None or not rules.region_exists(code):
            raise UserError(_("{code!r} is not a region code such as 32 or 32.04.").format(code=region))
        # one region and below, as the officers' scopes read
        regions = [code]
    result = eligible_all({p.slug: p.eligibility for p in programs}, registry_frame(regions), year=year)
    if out is not None:
        out = Path(out)
        if out.suffix.lower() not in (".csv", ".parquet") or out.is_dir():
            raise UserError(_("{name}: write .csv or .parquet").format(name=out.name))
        out.parent.mkdir(parents=True, exist_ok=True)
        result.sort(KEY).write_parquet(out) if out.suffix.lower() == ".parquet" else result.sort(KEY).write_csv(out)
    return counts(result)
