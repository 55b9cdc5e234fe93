"""Size-class regimes as data: each TOML file in ``regimes/`` names its legal source, the dates it
is in force, its rules and the bands each criterion gives on its own.

Rules are tried in order and the first that holds decides the class. A rule holds when all the
conditions in ``all`` hold and, if ``any`` is given, at least one of those does. Conditions may
nest (``{ all = [...] }`` / ``{ any = [...] }``). Comparisons are written as the regulation
words them: "paling banyak" (at most) is ``<=``, "lebih dari" (more than) ``>``, "paling sedikit"
(at least) ``>=`` and "kurang dari" (less than) ``<``.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from lumbung.sizeclass.inputs import FIELDS

SIZE_CLASSES = ("micro", "small", "medium", "large")
OPERATORS = ("<=", "<", ">=", ">", "is")
REGIME_IDS = ("bps-workers", "uu-9-1995", "uu-20-2008", "pp-7-2021", "permenperin-64-2016")


@dataclass(frozen=True)
class Condition:
    """A comparison of one input with a threshold, e.g. ``net_assets <= 50_000_000``."""

    field: str
    op: str
    value: float | bool

    def holds(self, actual: float | bool) -> bool:
        if self.op == "is":
            return actual is self.value
        return {"<=": actual <= self.value, "<": actual < self.value,
                ">=": actual >= self.value, ">": actual > self.value}[self.op]


@dataclass(frozen=True)
class Group:
    """``all`` (every part holds) or ``any`` (at least one part holds)."""

    mode: str
    parts: tuple[Condition | Group, ...]


@dataclass(frozen=True)
class Rule:
    size_class: str
    when: Group


@dataclass(frozen=True)
class Band:
    """What one criterion says on its own: values up to ``limit`` give ``classes``."""

    classes: tuple[str, ...]
    limit: float | None  # None: no upper limit
    inclusive: bool = True


@dataclass(frozen=True)
class Criterion:
    field: str
    bands: tuple[Band, ...]

    def band_for(self, value: float) -> tuple[int, Band]:
        for index, band in enumerate(self.bands):
            if band.limit is None or value < band.limit or (band.inclusive and value == band.limit):
                return index, band
        raise AssertionError("the last band has no upper limit")  # checked when loading


@dataclass(frozen=True)
class Regime:
    id: str
    short: str
    name_id: str
    name_en: str
    law: str
    article: str
    classes: tuple[str, ...]
    combination: str
    combination_note: str
    rules: tuple[Rule, ...]
    criteria: tuple[Criterion, ...] = ()
    in_force_from: dt.date | None = None
    in_force_until: dt.date | None = None
    in_force_note: str = ""
    variant_of: str | None = None
    inputs: tuple[str, ...] = field(default=())

    def name(self, lang: str = "en") -> str:
        return self.name_id if lang == "id" else self.name_en

    def in_force_on(self, day: dt.date) -> bool:
        """Whether the regime applied on ``day`` (from inclusive, until exclusive)."""
        if self.in_force_from and day < self.in_force_from:
            return False
        return not (self.in_force_until and day >= self.in_force_until)

    def criterion(self, name: str) -> Criterion | None:
        return next((c for c in self.criteria if c.field == name), None)


def _condition(raw: dict, where: str) -> Condition | Group:
    if "all" in raw or "any" in raw:
        return _group(raw, where)
    field_name, op, value = raw.get("field"), raw.get("op"), raw.get("value")
    if field_name not in FIELDS:
        raise ValueError(f"{where}: unknown input {field_name!r}")
    if op not in OPERATORS:
        raise ValueError(f"{where}: unknown comparison {op!r}")
    if (FIELDS[field_name].kind == "flag") != (op == "is") or (op == "is") != isinstance(value, bool):
        raise ValueError(f"{where}: flags compare with 'is' true/false, numbers with <, <=, >, >=")
    return Condition(field_name, op, value if isinstance(value, bool) else float(value))


def _group(raw: dict, where: str) -> Group:
    groups = []
    for mode in ("any", "all"):  # "any" first: in these regimes it holds the size criteria
        if mode in raw:
            parts = tuple(_condition(part, f"{where}.{mode}") for part in raw[mode])
            if not parts:
                raise ValueError(f"{where}: empty '{mode}'")
            groups.append(Group(mode, parts))
    if not groups:
        raise ValueError(f"{where}: a rule needs 'all' or 'any'")
    return groups[0] if len(groups) == 1 else Group("all", tuple(groups))


def _bands(raw: list[dict], where: str) -> tuple[Band, ...]:
    bands = []
    for i, entry in enumerate(raw):
        limits = [key for key in ("max", "below") if key in entry]
        if len(limits) > 1 or (not limits and i != len(raw) - 1) or (limits and i == len(raw) - 1):
            raise ValueError(f"{where}: every band but the last needs one of 'max' or 'below'")
        limit = float(entry[limits[0]]) if limits else None
        bands.append(Band(tuple(entry["classes"]), limit, inclusive=not limits or limits[0] == "max"))
    return tuple(bands)


def _fields(node: Condition | Group) -> list[str]:
    if isinstance(node, Condition):
        return [node.field]
    return [name for part in node.parts for name in _fields(part)]


def parse_regime(data: dict) -> Regime:
    where = data.get("id", "<regime>")
    rules = tuple(Rule(r["class"], _group(r, f"{where}.rules[{i}]")) for i, r in enumerate(data["rules"]))
    criteria = tuple(Criterion(c["field"], _bands(c["bands"], f"{where}.{c['field']}"))
                     for c in data.get("criteria", ()))
    classes = tuple(data["classes"])
    used = {rule.size_class for rule in rules} | {k for c in criteria for b in c.bands for k in b.classes}
    if not set(classes) <= set(SIZE_CLASSES) or not used <= set(classes):
        raise ValueError(f"{where}: classes must be among {SIZE_CLASSES} and cover every rule and band")
    names = [n for rule in rules for n in _fields(rule.when)] + [c.field for c in criteria]
    in_force = data.get("in_force", {})
    return Regime(
        id=data["id"], short=data["short"], name_id=data["name_id"], name_en=data["name_en"],
        law=data["source"]["law"], article=data["source"]["article"], classes=classes,
        combination=data["combination"], combination_note=" ".join(data["combination_note"].split()),
        rules=rules, criteria=criteria, in_force_from=in_force.get("from"),
        in_force_until=in_force.get("until"), in_force_note=in_force.get("note", ""),
        variant_of=data.get("variant_of"),
        inputs=tuple(dict.fromkeys(names)),  # in the order the regime first names them
    )


@lru_cache(maxsize=1)
def _all_regimes() -> dict[str, Regime]:
    folder = resources.files("lumbung.sizeclass").joinpath("regimes")
    found = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            regime = parse_regime(tomllib.loads(entry.read_text(encoding="utf-8")))
            if f"{regime.id}.toml" != entry.name:
                raise ValueError(f"{entry.name}: the id {regime.id!r} must match the file name")
            found[regime.id] = regime
    return found


def regimes(include_variants: bool = False) -> list[Regime]:
    """The five regimes of REGIME_IDS in that order; with ``include_variants`` also the variants
    (``uu-9-1995-dan``, ``pp-7-2021-modal``)."""
    table = _all_regimes()
    main = [table[key] for key in REGIME_IDS]
    return main + [r for r in table.values() if r.variant_of] if include_variants else main


def get_regime(regime: str | Regime) -> Regime:
    """The regime with this id (a Regime passes through). KeyError names the known ids."""
    if isinstance(regime, Regime):
        return regime
    table = _all_regimes()
    if regime not in table:
        raise KeyError(f"unknown size-class regime {regime!r}; known: {', '.join(table)}")
    return table[regime]
