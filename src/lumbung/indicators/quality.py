"""Data quality of the analytics tables: validation rules defined as data, missing values, coverage.

Rules live in ``rules/quality.toml`` (docs/quality.md lists them with their sources). Each is an
SQL condition over the analytics fields, or a robust outlier test (median absolute deviation
within groups), run by DuckDB over ``<LUMBUNG_HOME>/analytics/reports/year=YYYY/*.parquet``.
:func:`check` returns every violation with the enterprise and the rule, the count of missing
values per field, the share of rows whose region and KBLI codes map to the reference lists and,
given the source the tables were built from, whether they are stale
(:func:`lumbung.indicators.analytics.status`). ``lumbung check`` (lumbung.indicators.commands)
is its command-line mirror.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from lumbung import geography, sectors
from lumbung.errors import UserError
from lumbung.i18n import _
from lumbung.indicators.analytics import AnalyticsStatus, status
from lumbung.indicators.catalogue import CatalogueError, fields_of, parse_expression
from lumbung.indicators.schema import COLUMNS, AnalyticsMissing, available_years, partition_path
from lumbung.indicators.session import session
from lumbung.indicators.source import Source

RULES_FILE = Path(__file__).resolve().parent / "rules" / "quality.toml"
SEVERITIES = ("error", "warning", "info")
KINDS = ("expression", "robust_outlier")
REQUIRED = ("id", "kind", "severity", "description_id", "description_en", "source")
VIOLATION_COLUMNS = ("rule", "severity", "enterprise_id", "source_id", "nib", "year", "detail")
#: Columns that identify a row rather than describe it: never counted as missing.
KEY_COLUMNS = ("enterprise_id", "year")


class RuleError(UserError):
    """A quality rule that cannot be used; the message names the rule and the problem."""


class YearError(UserError):
    """A year without an analytics table."""


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    severity: str
    description_id: str
    description_en: str
    source: str
    violation: str | None = None
    value: str | None = None
    population: str | None = None
    group_by: tuple[str, ...] = ()
    threshold: float = 5.0
    scale: float = 1.4826
    min_group: int = 5

    def description(self, lang: str = "en") -> str:
        return self.description_id if lang == "id" else self.description_en

    @property
    def fields(self) -> tuple[str, ...]:
        """The fields the rule reads, shown next to each violation."""
        names: set[str] = set()
        for text in (self.violation, self.value):
            if text:
                names |= fields_of(text)
        return tuple(c for c in COLUMNS if c in names)


def _expression(text: object, where: str) -> str:
    try:
        parse_expression(str(text), where=where)
    except CatalogueError as error:
        raise RuleError(str(error)) from None
    return str(text)


def _rule(entry: dict, origin: str) -> Rule:
    where = f"{origin}, rule {entry.get('id') or '?'!r}"
    for key in REQUIRED:
        if not str(entry.get(key) or "").strip():
            raise RuleError(_("{where}: {key} is missing").format(where=where, key=key))
    unknown = sorted(set(entry) - set(Rule.__dataclass_fields__))
    if unknown:
        raise RuleError(_("{where}: unknown keys {keys}").format(where=where, keys=", ".join(unknown)))
    if entry["kind"] not in KINDS:
        raise RuleError(_("{where}: unknown kind {kind!r} (one of {kinds})").format(
            where=where, kind=entry["kind"], kinds=", ".join(KINDS)))
    if entry["severity"] not in SEVERITIES:
        raise RuleError(_("{where}: unknown severity {severity!r} (one of {all})").format(
            where=where, severity=entry["severity"], all=", ".join(SEVERITIES)))
    needed = ("violation",) if entry["kind"] == "expression" else ("value", "population")
    for key in needed:
        if not entry.get(key):
            raise RuleError(_("{where}: kind {kind} needs {key}").format(where=where, kind=entry["kind"], key=key))
    for key in ("violation", "value", "population"):
        if entry.get(key):
            _expression(entry[key], f"{where}, {key}")
    groups = tuple(entry.get("group_by", ()))
    strange = [g for g in groups if g not in COLUMNS]
    if strange:
        raise RuleError(_("{where}: unknown group_by field {names}").format(where=where, names=", ".join(strange)))
    return Rule(**{**entry, "group_by": groups})


def load_rules(path: Path = RULES_FILE) -> list[Rule]:
    """The rules of a TOML file (one ``[[rule]]`` table each); duplicate ids are refused."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise RuleError(f"{Path(path).name}: {error}") from None
    rules = [_rule(dict(entry), Path(path).name) for entry in data.get("rule", [])]
    ids = [r.id for r in rules]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise RuleError(_("duplicate rule id {ids} in {file}").format(ids=", ".join(repeated), file=Path(path).name))
    return rules


@dataclass
class QualityReport:
    """What :func:`check` found: violations, missing values per field, mapping coverage, and
    (when ``check`` was given the source) whether the tables are stale."""

    years: list[int]
    rows: int
    rules: list[Rule]
    violations: pd.DataFrame
    missing: pd.DataFrame
    coverage: pd.DataFrame
    freshness: AnalyticsStatus | None = None
    counts: pd.DataFrame = field(init=False)

    def __post_init__(self) -> None:
        found = self.violations.groupby("rule").size()
        self.counts = pd.DataFrame({
            "rule": [r.id for r in self.rules],
            "severity": [r.severity for r in self.rules],
            "violations": [int(found.get(r.id, 0)) for r in self.rules],
        })

    def to_dict(self, lang: str = "en") -> dict:
        records = lambda df: json.loads(df.to_json(orient="records", force_ascii=False))  # noqa: E731
        return {
            "years": self.years,
            "rows": self.rows,
            "rules": [{**{k: v for k, v in asdict(r).items() if v not in (None, ())},
                       "description": r.description(lang)} for r in self.rules],
            "counts": records(self.counts),
            "violations": records(self.violations),
            "missing": records(self.missing),
            "coverage": records(self.coverage),
            "freshness": self.freshness.to_dict() if self.freshness else None,
        }


def _format(value) -> str:
    if value is None or pd.isna(value):
        return "null"
    if isinstance(value, float):
        return f"{value:.6g}" if not value.is_integer() else str(int(value))
    return str(value)


def _expression_violations(con, rule: Rule) -> pd.DataFrame:
    """The rows where the condition holds, with the values the rule read (built by DuckDB: a
    rule can match millions of rows in a bad import)."""
    # A rule over many fields shows only the values that are there; a short one shows all.
    terse = len(rule.fields) > 4
    parts = [f"'{f}=' || " + (f'CAST("{f}" AS VARCHAR)' if terse else f"""COALESCE(CAST("{f}" AS VARCHAR), 'null')""")
             for f in rule.fields]
    detail = f"concat_ws(', ', {', '.join(parts)})" if parts else "''"
    return con.execute(f"""
        SELECT enterprise_id, source_id, nib, year, {detail} AS detail
        FROM reports WHERE ({rule.violation}) ORDER BY year, enterprise_id""").df()


def _outliers(con, rule: Rule) -> pd.DataFrame:
    """Robust outliers: |x - median| > threshold x scale x MAD within year x groups (Leys et al. 2013)."""
    groups = [f"COALESCE(CAST({g} AS VARCHAR), 'unknown') AS g{i}" for i, g in enumerate(rule.group_by)]
    keys = ", ".join(["year", *(f"g{i}" for i in range(len(rule.group_by)))])
    df = con.execute(f"""
        WITH base AS (
            SELECT enterprise_id, source_id, nib, year, CAST(({rule.value}) AS DOUBLE) AS x
                   {''.join(', ' + g for g in groups)}
            FROM reports WHERE ({rule.population})),
        stats AS (SELECT {keys}, median(x) AS med, mad(x) AS mad, count(*) AS n FROM base GROUP BY {keys})
        SELECT base.*, stats.med, stats.mad FROM base JOIN stats USING ({keys})
        WHERE stats.n >= {int(rule.min_group)} AND stats.mad > 0 AND isfinite(base.x)
          AND abs(base.x - stats.med) > {float(rule.threshold)} * {float(rule.scale)} * stats.mad
        ORDER BY year, enterprise_id""").df()
    labels = [df[f"g{i}"] for i in range(len(rule.group_by))]
    df["detail"] = [
        f"value={_format(x)}, median={_format(m)}, MAD={_format(d)}"
        + (", group=" + " / ".join(str(lab[i]) for lab in labels) if labels else "")
        for i, (x, m, d) in enumerate(zip(df["x"], df["med"], df["mad"], strict=True))]
    return df


def _violations(con, rules: list[Rule]) -> pd.DataFrame:
    frames = []
    for rule in rules:
        df = _expression_violations(con, rule) if rule.kind == "expression" else _outliers(con, rule)
        df["rule"], df["severity"] = rule.id, rule.severity
        frames.append(df[list(VIOLATION_COLUMNS)])
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=VIOLATION_COLUMNS)
    return out.astype({"enterprise_id": "int64", "year": "int64"}) if len(out) else out


def _missing(con) -> pd.DataFrame:
    """Missing values per field of the analytics table, in schema order."""
    present = [r[0] for r in con.execute("DESCRIBE reports").fetchall()]
    fields = [c for c in COLUMNS if c in present and c not in KEY_COLUMNS]
    counts = con.execute("SELECT count(*), " + ", ".join(f'count("{f}")' for f in fields) + " FROM reports").fetchone()
    rows = counts[0]
    missing = [rows - n for n in counts[1:]]
    return pd.DataFrame({"field": fields, "missing": missing,
                         "share": [round(100.0 * m / rows, 2) if rows else 0.0 for m in missing]})


def _valid(check, value) -> bool:
    try:
        return bool(check(value))
    except (ValueError, TypeError):
        return False


def _coverage(con, rows: int) -> pd.DataFrame:
    """Share of rows whose region and KBLI codes are known and exist in the reference lists
    (Kemendagri regions through lumbung.geography, KBLI 2020 through lumbung.sectors)."""
    checks = {
        "province": geography.exists, "regency": geography.exists, "district": geography.exists,
        "kbli": sectors.is_subclass, "kbli_section": sectors.exists, "kbli_division": sectors.exists,
    }
    out = []
    for column, check in checks.items():
        counted = con.execute(f'SELECT "{column}", count(*) FROM reports WHERE "{column}" IS NOT NULL GROUP BY 1').fetchall()
        mapped = sum(n for value, n in counted if _valid(check, value))
        out.append({"mapping": column, "mapped": mapped, "rows": rows,
                    "share": round(100.0 * mapped / rows, 2) if rows else 0.0})
    return pd.DataFrame(out)


def select_rules(ids: list[str] | None = None, path: Path = RULES_FILE) -> list[Rule]:
    """The rules with these ids (all when None), in file order; unknown ids raise KeyError."""
    rules = load_rules(path)
    if not ids:
        return rules
    known = {r.id for r in rules}
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise KeyError(_("unknown rule {ids} (one of {known})").format(ids=", ".join(unknown), known=", ".join(sorted(known))))
    return [r for r in rules if r.id in set(ids)]


def check(years: int | list[int] | None = None, rules: list[str] | None = None, home: Path | None = None,
          rules_path: Path = RULES_FILE, source: Source | None = None) -> QualityReport:
    """Run the data-quality rules over the analytics tables of ``years`` (all when None).

    ``rules``: rule ids (all when None; unknown ids raise KeyError); ``source``: what the tables
    were built from (``lumbung.registry.rows.RegistryRows()``), so that the report also says
    whether they are stale. Raises AnalyticsMissing when nothing was built, YearError for a year
    without a table, RuleError for a broken rules file.
    """
    available = available_years(home)
    if not available:
        raise AnalyticsMissing(_("no analytics tables yet: run `lumbung analytics build`"))
    wanted = available if years is None else sorted({int(y) for y in ([years] if isinstance(years, int) else years)})
    absent = [y for y in wanted if y not in available]
    if absent:
        raise YearError(_("no analytics table for {years} (available: {known})").format(
            years=", ".join(map(str, absent)), known=", ".join(map(str, available))))
    chosen = select_rules(rules, rules_path)
    freshness = status(source, home) if source is not None else None
    with session([partition_path(y, home) for y in wanted]) as con:
        rows = con.execute("SELECT count(*) FROM reports").fetchone()[0]
        return QualityReport(wanted, rows, chosen, _violations(con, chosen), _missing(con), _coverage(con, rows),
                             freshness)


def render_text(report: QualityReport, lang: str = "en") -> str:
    """The readable report of ``lumbung check``."""
    lines = [_("Data quality of {rows} reports, years {years}").format(
        rows=report.rows, years=", ".join(map(str, report.years)))]
    if report.freshness is not None:
        message = report.freshness.message()
        lines.append(_("WARNING: {message}").format(message=message) if report.freshness.stale else message)
    lines.append("")
    lines.append(_("Rules"))
    for rule, n in zip(report.rules, report.counts["violations"], strict=True):
        lines.append(f"  {rule.id:<34} {rule.severity:<8} {n:>7}  {rule.description(lang)}")
    lines += ["", _("Violations")]
    if report.violations.empty:
        lines.append("  " + _("none"))
    for v in report.violations.itertuples(index=False):
        ident = " ".join(x for x in (_format(v.source_id) if v.source_id is not None else "",
                                     f"NIB {v.nib}" if v.nib else "") if x)
        lines.append(f"  {v.rule:<34} {v.year} enterprise {v.enterprise_id}{' (' + ident + ')' if ident else ''}: {v.detail}")
    lines += ["", _("Missing values per field")]
    for m in report.missing.itertuples(index=False):
        lines.append(f"  {m.field:<28} {m.missing:>9} {m.share:>7.2f}%")
    lines += ["", _("Coverage of region and KBLI mapping")]
    for c in report.coverage.itertuples(index=False):
        lines.append(f"  {c.mapping:<28} {c.mapped:>9} / {c.rows:<9} {c.share:>7.2f}%")
    return "\n".join(lines) + "\n"
