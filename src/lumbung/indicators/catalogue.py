"""The indicator catalogue, read from ``catalogue/*.toml`` (one ``[[indicator]]`` table per entry).

An indicator is a numerator over a denominator times a factor (the DHIS2 model), computed over
a population of analytics rows. Expressions are SQL over the analytics fields
(:data:`lumbung.indicators.schema.EXPRESSION_FIELDS`), parsed and checked with sqlglot so that a
bad entry is refused with a message naming the unknown field, function or operator.
Adding an indicator is adding an entry; docs/indicators.md describes the format.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import sqlglot
from sqlglot import exp

from lumbung.i18n import _
from lumbung.indicators.schema import EXPRESSION_FIELDS, MONEY_FIELDS

CATALOGUE_DIR = Path(__file__).resolve().parent / "catalogue"

#: kind -> (needs numerator, needs denominator). Panel kinds compare year Y with Y-1.
KINDS: dict[str, tuple[bool | None, bool]] = {
    "count": (False, False),   # enterprises in the population
    "sum": (True, False),      # sum of an expression
    "ratio": (True, True),     # sum(numerator) / sum(denominator) x factor
    "rate": (True, False),     # enterprises where the condition holds / where it is known x factor
    "share": (None, False),    # the cell's sum (or count) / the query's total x factor
    "entry": (False, False),   # reporting in Y, not in Y-1 / reporting in Y
    "exit": (False, False),    # reporting in Y-1, not in Y / reporting in Y-1 (cell of Y-1)
    "graduation": (False, False),  # higher (or lower) size class in Y than Y-1 / in both years
    "growth": (True, False),   # sum over continuing enterprises in Y / in Y-1, minus one
}
PANEL_KINDS = frozenset({"entry", "exit", "graduation", "growth"})
UNITS = ("count", "persons", "rupiah", "rupiah per worker", "percent", "years")
REQUIRED_TEXT = ("id", "name_id", "name_en", "definition_id", "definition_en", "source", "unit")

# What an expression may contain: arithmetic, comparisons, boolean logic and a few functions.
ALLOWED_NODES: tuple[type[exp.Expression], ...] = (
    exp.Column, exp.Identifier, exp.Literal, exp.Boolean, exp.Null, exp.Paren,
    exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Neg, exp.Mod,
    exp.GT, exp.GTE, exp.LT, exp.LTE, exp.EQ, exp.NEQ, exp.And, exp.Or, exp.Not, exp.Is,
    exp.In, exp.Between, exp.Case, exp.If, exp.Coalesce, exp.Abs, exp.Greatest, exp.Least,
)


class CatalogueError(ValueError):
    """An indicator entry that cannot be used; the message says which entry and why."""


@dataclass(frozen=True)
class Indicator:
    id: str
    name_id: str
    name_en: str
    definition_id: str
    definition_en: str
    kind: str
    unit: str
    source: str
    decimals: int = 1
    factor: float = 1.0
    numerator: str | None = None
    denominator: str | None = None
    population: str | None = None
    direction: str = "up"
    origin: str = field(default="", compare=False)

    @property
    def is_panel(self) -> bool:
        return self.kind in PANEL_KINDS

    @property
    def is_money_sum(self) -> bool:
        """A money total (sum, share or ratio numerator of money fields): subject to the dominance rule."""
        if self.kind not in ("sum", "share", "ratio") or not self.numerator:
            return False
        names = fields_of(self.numerator)
        return bool(names) and names <= MONEY_FIELDS

    def name(self, lang: str = "en") -> str:
        return self.name_id if lang == "id" else self.name_en

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in (
            "id", "name_id", "name_en", "definition_id", "definition_en", "kind", "numerator", "denominator",
            "population", "factor", "unit", "decimals", "source")}


@lru_cache(maxsize=1024)
def parse_expression(text: str, where: str = "") -> exp.Expression:
    """Parse and check one expression; :class:`CatalogueError` names what is wrong.
    Cached: callers must not change the tree (``transform`` copies it)."""
    prefix = f"{where}: " if where else ""
    try:
        tree = sqlglot.parse_one(str(text), read="duckdb")
    except sqlglot.errors.ParseError as error:
        raise CatalogueError(prefix + _("cannot parse expression {text!r}: {error}").format(
            text=text, error=str(error).splitlines()[0])) from None
    for node in tree.walk():
        if isinstance(node, exp.Column):
            if node.table or node.name not in EXPRESSION_FIELDS:
                raise CatalogueError(prefix + _("unknown field {name!r} in expression {text!r}").format(
                    name=node.sql(), text=text))
        elif isinstance(node, exp.Anonymous):
            raise CatalogueError(prefix + _("unknown function {name!r} in expression {text!r}").format(
                name=node.name, text=text))
        elif not isinstance(node, ALLOWED_NODES):
            raise CatalogueError(prefix + _("operator {name!r} is not allowed in expression {text!r}").format(
                name=node.key.upper(), text=text))
    return tree


def fields_of(text: str) -> frozenset[str]:
    return frozenset(c.name for c in parse_expression(text).find_all(exp.Column))


def _check(entry: dict, origin: str) -> Indicator:
    ident = entry.get("id") or "?"
    where = f"{origin}, indicator {ident!r}"
    for key in REQUIRED_TEXT:
        if not str(entry.get(key) or "").strip():
            raise CatalogueError(_("{where}: {key} is missing").format(where=where, key=key))
    known = set(Indicator.__dataclass_fields__) - {"origin"}
    unknown = sorted(set(entry) - known)
    if unknown:
        raise CatalogueError(_("{where}: unknown keys {keys}").format(where=where, keys=", ".join(unknown)))
    kind = entry.get("kind")
    if kind not in KINDS:
        raise CatalogueError(_("{where}: unknown kind {kind!r} (one of {kinds})").format(
            where=where, kind=kind, kinds=", ".join(KINDS)))
    if entry["unit"] not in UNITS:
        raise CatalogueError(_("{where}: unknown unit {unit!r} (one of {units})").format(
            where=where, unit=entry["unit"], units=", ".join(UNITS)))
    needs_num, needs_den = KINDS[kind]
    for key, needed in (("numerator", needs_num), ("denominator", needs_den)):
        if needed is True and not entry.get(key):
            raise CatalogueError(_("{where}: kind {kind} needs a {key}").format(where=where, kind=kind, key=key))
        if needed is False and entry.get(key):
            raise CatalogueError(_("{where}: kind {kind} takes no {key}").format(where=where, kind=kind, key=key))
    for key in ("numerator", "denominator", "population"):
        if entry.get(key):
            parse_expression(entry[key], where=f"{where}, {key}")
    if entry.get("direction", "up") not in ("up", "down"):
        raise CatalogueError(_("{where}: direction must be up or down").format(where=where))
    return Indicator(**entry, origin=origin)


def load_file(path: Path) -> list[Indicator]:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise CatalogueError(f"{Path(path).name}: {error}") from None
    return [_check(dict(entry), Path(path).name) for entry in data.get("indicator", [])]


def load(directory: Path = CATALOGUE_DIR) -> dict[str, Indicator]:
    """All indicators of the catalogue folder, by id, in file order; duplicate ids are refused."""
    indicators: dict[str, Indicator] = {}
    for path in sorted(Path(directory).glob("*.toml")):
        for indicator in load_file(path):
            if indicator.id in indicators:
                raise CatalogueError(_("duplicate indicator id {id!r} in {file}").format(id=indicator.id, file=path.name))
            indicators[indicator.id] = indicator
    return indicators


@lru_cache(maxsize=1)
def catalogue() -> dict[str, Indicator]:
    """The shipped catalogue (cached)."""
    return load()


def get(ids: str | list[str]) -> list[Indicator]:
    """Indicators by id (a list or a comma-separated string); KeyError names the unknown ids."""
    if isinstance(ids, str):
        ids = [i.strip() for i in ids.split(",") if i.strip()]
    known = catalogue()
    missing = [i for i in ids if i not in known]
    if missing:
        raise KeyError(_("unknown indicator {ids}; `lumbung indicators --list` shows the catalogue").format(
            ids=", ".join(missing)))
    return [known[i] for i in dict.fromkeys(ids)]
