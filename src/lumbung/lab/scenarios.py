"""Scenarios as data: TOML files with parameters, shocks and interventions.

A scenario file (``lab/scenarios/<name>.toml``) has:

- ``name``, ``title``, ``description``, optional ``title_id`` (the title in Bahasa Indonesia, shown
  on the Indonesian pages), optional ``inherits = "baseline"``;
- ``[parameters.<name>]`` tables declaring a parameter (``value``, ``unit``, ``meaning``,
  ``source``, optional ``range = [lo, hi]`` for ensembles); only ``baseline`` declares, others
  override with ``[parameters] name = value`` or ``name = {value = .., range = [..]}``;
- ``[sectors.<division>]`` with the sector's import-competition exposure (0..1);
- ``[[shocks]]`` with ``kind`` (demand, exchange_rate, interest_rate, bank_credit, output_tariff,
  input_tariff, export_demand), ``path = [[quarter, value], ...]`` (linear between points, flat
  after the last), and for tariffs optional ``divisions``;
- ``[[interventions]]`` with ``name``, ``kind`` (grant, equipment, training, credit,
  partnership, sentra), ``target`` (an expression over firm fields, see :mod:`lumbung.lab.target`
  rules in :func:`compile_target`), ``dose``, ``take_up``, ``start``, ``end``, optional
  ``budget`` and ``cost_per_firm``.

Every error names the file, the key and the bad value.
"""

from __future__ import annotations

import ast
import copy
import difflib
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from lumbung.errors import UserError
from lumbung.i18n import _
from lumbung.lab.codes import DIVISIONS

SCENARIO_DIR = Path(__file__).resolve().parent / "scenarios"
SHOCK_KINDS = {
    "demand": ("domestic demand index (1 = start)", 1.0),
    "exchange_rate": ("real rupiah price of foreign currency, index (1 = start)", 1.0),
    "interest_rate": ("addition to formal lending rates, percent a year", 0.0),
    "bank_credit": ("new bank lending supply, index (0 = freeze, 1 = normal)", 1.0),
    "output_tariff": ("tariff on competing imports, fraction", None),
    "input_tariff": ("tariff on imported inputs, fraction", None),
    "export_demand": ("foreign demand index (1 = start)", 1.0),
}
INTERVENTION_KINDS = ("grant", "equipment", "training", "credit", "partnership", "sentra")
# Cost per enrolled firm when a file does not say (Rp; assumptions, see docs/lab.md).
DEFAULT_COST = {"training": 3e6, "partnership": 2e6, "sentra": 10e6}


BASELINE = "baseline"


class ScenarioError(UserError):
    """A scenario file is invalid; the message names the file, the key and the bad value."""


@dataclass(frozen=True)
class Parameter:
    name: str
    value: float
    unit: str
    meaning: str
    source: str
    range: tuple[float, float] | None = None


@dataclass(frozen=True)
class Shock:
    kind: str
    path: tuple[tuple[float, float], ...]
    divisions: tuple[str, ...] | None = None  # tariffs only; None = all divisions

    def at(self, period: float) -> float:
        xs = [p[0] for p in self.path]
        ys = [p[1] for p in self.path]
        return float(np.interp(period, xs, ys))


@dataclass(frozen=True)
class Intervention:
    name: str
    kind: str
    target: str
    dose: float
    take_up: float
    start: int
    end: int
    budget: float | None
    cost_per_firm: float
    rate: float | None = None  # credit: annual interest rate of the program loan

    def describe(self) -> str:
        budget = f", budget Rp{self.budget:,.0f}" if self.budget else ""
        return (f"{self.name}: {self.kind} dose {self.dose:g} to [{self.target}] take-up {self.take_up:.0%}, "
                f"quarters {self.start}-{self.end}{budget}")


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    description: str
    parameters: dict[str, Parameter]
    shocks: tuple[Shock, ...] = ()
    interventions: tuple[Intervention, ...] = ()
    sectors: dict[str, float] = field(default_factory=dict)  # division -> import exposure
    source: str = ""
    title_id: str = ""  # the title in Bahasa Indonesia; the pages fall back to ``title``

    def title_in(self, lang: str) -> str:
        """The title for a page in ``lang`` ("id" or "en"), one line."""
        text = self.title_id if lang == "id" and self.title_id else self.title
        return " ".join(text.split())

    @property
    def params(self) -> dict[str, float]:
        return {n: p.value for n, p in self.parameters.items()}

    def uncertain(self) -> dict[str, tuple[float, float]]:
        """Parameters with a declared range, for ensembles over parameter uncertainty."""
        return {n: p.range for n, p in self.parameters.items() if p.range is not None}

    def with_parameters(self, values: dict[str, float]) -> "Scenario":
        """A copy with parameter values replaced (unknown names raise ScenarioError).

        Declared ranges are not enforced here (ensembles draw inside them; experiments and tests
        may switch a mechanism off, e.g. a zero exit hazard)."""
        params = dict(self.parameters)
        for name, value in values.items():
            _check_known(name, params, self.name)
            params[name] = _replace(params[name], value=float(value))
        return Scenario(self.name, self.title, self.description, params, self.shocks,
                        self.interventions, self.sectors, self.source, self.title_id)

    def describe(self) -> str:
        lines = [f"{self.name}: {self.title}", f"  {self.description.strip()}"]
        for s in self.shocks:
            where = f" in divisions {', '.join(s.divisions)}" if s.divisions else ""
            lines.append(f"  shock {s.kind}{where}: " + ", ".join(f"q{t:g}={v:g}" for t, v in s.path))
        for i in self.interventions:
            lines.append("  intervention " + i.describe())
        return "\n".join(lines)


def _replace(p: Parameter, **changes) -> Parameter:
    d = p.__dict__ | changes
    return Parameter(**d)


def _check_known(name: str, params: dict, scenario: str) -> None:
    if name not in params:
        close = difflib.get_close_matches(name, params, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ScenarioError(_("scenario {s}: unknown parameter {n!r}{h}").format(s=scenario, n=name, h=hint))


# ----------------------------------------------------------------------------- loading

def names() -> list[str]:
    """Names of the scenarios shipped with Lumbung."""
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))


def load(name_or_path: str | Path) -> Scenario:
    """A shipped scenario by name (cached), or a scenario file by path (read every time)."""
    path = Path(name_or_path)
    if path.suffix == ".toml":
        return _load_file(path)
    return copy.deepcopy(_load_shipped(str(name_or_path)))


def baseline_parameters() -> dict[str, float]:
    """Name -> value of every parameter the model reads, as the shipped baseline sets them."""
    return _load_shipped(BASELINE).params


@lru_cache(maxsize=64)
def _load_shipped(name: str) -> Scenario:
    path = SCENARIO_DIR / f"{name}.toml"
    if not path.exists():
        raise ScenarioError(_("unknown scenario {n!r}; shipped scenarios: {k}").format(n=name, k=", ".join(names())))
    # the baseline declares the parameters; every other scenario must provide them all
    return _load_file(path, required=() if name == BASELINE else None)


def _load_file(path: Path, required: tuple[str, ...] | None = None) -> Scenario:
    if not path.is_file():
        raise ScenarioError(_("scenario file {p} does not exist").format(p=path))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(_("scenario file {p}: {e}").format(p=path.name, e=exc)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ScenarioError(_("cannot read scenario file {p}: {e}").format(p=path, e=reason)) from exc
    return from_dict(data, source=path.name, default_name=path.stem, required=required)


def from_dict(data: dict[str, Any], source: str = "<dict>", default_name: str = "scenario",
              required: tuple[str, ...] | None = None) -> Scenario:
    """Validate a parsed scenario document and build the Scenario.

    ``required``: the parameters a scenario must end up with (default: every parameter of the
    shipped baseline, which is what the model reads).
    """
    allowed = {"name", "title", "title_id", "description", "inherits", "parameters", "sectors", "shocks",
               "interventions"}
    _no_unknown_keys(data, allowed, source, "top level")
    name = str(data.get("name", default_name))
    parent: Scenario | None = None
    if "inherits" in data:
        if data["inherits"] == name:
            raise ScenarioError(_("{src}: a scenario cannot inherit from itself").format(src=source))
        parent = load(data["inherits"])
    params = _parameters(data.get("parameters", {}), parent, source)
    _check_complete(params, baseline_parameters() if required is None else required, source)
    sectors = dict(parent.sectors) if parent else {}
    sectors.update(_sectors(data.get("sectors", {}), source))
    shocks = (parent.shocks if parent else ()) + tuple(_shock(s, i, source) for i, s in enumerate(data.get("shocks", [])))
    interventions = (parent.interventions if parent else ()) + tuple(
        _intervention(d, i, source) for i, d in enumerate(data.get("interventions", [])))
    seen = set()
    for iv in interventions:
        if iv.name in seen:
            raise ScenarioError(_("{src}: two interventions are named {n!r}").format(src=source, n=iv.name))
        seen.add(iv.name)
    return Scenario(name=name, title=str(data.get("title", name)), description=str(data.get("description", "")),
                    parameters=params, shocks=shocks, interventions=interventions, sectors=sectors, source=source,
                    title_id=str(data.get("title_id", "")))


def _check_complete(params: dict[str, Parameter], required, source: str) -> None:
    missing = [name for name in required if name not in params]
    if missing:
        shown = ", ".join(missing[:5]) + (", ..." if len(missing) > 5 else "")
        raise ScenarioError(_('{src}: {n} parameter(s) missing ({names}); declare them, or add '
                              'inherits = "baseline" to take the baseline\'s values').format(
            src=source, n=len(missing), names=shown))


def _no_unknown_keys(d: dict, allowed: set[str], source: str, where: str) -> None:
    for key in d:
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ScenarioError(_("{src}: unknown key {k!r} in {w}{h}").format(src=source, k=key, w=where, h=hint))


def _number(value: Any, source: str, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ScenarioError(_("{src}: {w} must be a number, got {v!r}").format(src=source, w=where, v=value))
    if not np.isfinite(value):
        raise ScenarioError(_("{src}: {w} must be finite, got {v!r}").format(src=source, w=where, v=value))
    return float(value)


def _range(value: Any, source: str, where: str) -> tuple[float, float]:
    if not isinstance(value, list) or len(value) != 2:
        raise ScenarioError(_("{src}: {w} must be [low, high], got {v!r}").format(src=source, w=where, v=value))
    lo, hi = (_number(v, source, where) for v in value)
    if lo > hi:
        raise ScenarioError(_("{src}: {w} has low {lo} above high {hi}").format(src=source, w=where, lo=lo, hi=hi))
    return lo, hi


def _parameters(raw: dict, parent: Scenario | None, source: str) -> dict[str, Parameter]:
    params = dict(parent.parameters) if parent else {}
    declaring = parent is None
    for name, spec in raw.items():
        where = f"parameter {name!r}"
        if declaring:
            if not isinstance(spec, dict):
                raise ScenarioError(_("{src}: {w} must be a table with value, unit, meaning, source").format(
                    src=source, w=where))
            _no_unknown_keys(spec, {"value", "unit", "meaning", "source", "range"}, source, where)
            for key in ("value", "unit", "meaning", "source"):
                if key not in spec:
                    raise ScenarioError(_("{src}: {w} lacks {k!r}").format(src=source, w=where, k=key))
            rng = _range(spec["range"], source, where + " range") if "range" in spec else None
            params[name] = Parameter(name, _number(spec["value"], source, where), str(spec["unit"]),
                                     str(spec["meaning"]), str(spec["source"]), rng)
            continue
        _check_known(name, params, source)
        if isinstance(spec, dict):
            _no_unknown_keys(spec, {"value", "range", "source"}, source, where)
            changes = {}
            if "value" in spec:
                changes["value"] = _number(spec["value"], source, where)
            if "range" in spec:
                changes["range"] = _range(spec["range"], source, where + " range")
            if "source" in spec:
                changes["source"] = str(spec["source"])
            params[name] = _replace(params[name], **changes)
        else:
            params[name] = _replace(params[name], value=_number(spec, source, where))
    for p in params.values():
        if p.range is not None and not p.range[0] <= p.value <= p.range[1]:
            raise ScenarioError(_("{src}: parameter {n!r} value {v} is outside its range {r}").format(
                src=source, n=p.name, v=p.value, r=list(p.range)))
        if p.unit in ("share", "fraction") and not 0 <= p.value <= 1:
            raise ScenarioError(_("{src}: parameter {n!r} is a share and must lie in [0, 1], got {v}").format(
                src=source, n=p.name, v=p.value))
    return params


def _divisions(value: Any, source: str, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise ScenarioError(_("{src}: {w} must be a non-empty list of KBLI divisions").format(src=source, w=where))
    for d in value:
        if str(d) not in DIVISIONS:
            raise ScenarioError(_("{src}: {w}: {d!r} is not a manufacturing KBLI division (10-33)").format(
                src=source, w=where, d=d))
    return tuple(str(d) for d in value)


def _sectors(raw: dict, source: str) -> dict[str, float]:
    out = {}
    for division, spec in raw.items():
        _divisions([division], source, "sectors")
        where = f"sectors.{division}"
        if not isinstance(spec, dict):
            raise ScenarioError(_("{src}: {w} must be a table").format(src=source, w=where))
        _no_unknown_keys(spec, {"import_exposure", "title"}, source, where)
        value = _number(spec.get("import_exposure", 0.0), source, where + ".import_exposure")
        if not 0 <= value <= 1:
            raise ScenarioError(_("{src}: {w}.import_exposure must lie in [0, 1], got {v}").format(
                src=source, w=where, v=value))
        out[division] = value
    return out


def _shock(raw: Any, i: int, source: str) -> Shock:
    where = f"shocks[{i}]"
    if not isinstance(raw, dict):
        raise ScenarioError(_("{src}: {w} must be a table").format(src=source, w=where))
    _no_unknown_keys(raw, {"kind", "path", "divisions", "note"}, source, where)
    kind = raw.get("kind")
    if kind not in SHOCK_KINDS:
        raise ScenarioError(_("{src}: {w}: unknown shock kind {k!r}; known: {known}").format(
            src=source, w=where, k=kind, known=", ".join(SHOCK_KINDS)))
    path = raw.get("path")
    if not isinstance(path, list) or not path:
        raise ScenarioError(_("{src}: {w}.path must be a list of [quarter, value] pairs").format(src=source, w=where))
    points = []
    for point in path:
        if not isinstance(point, list) or len(point) != 2:
            raise ScenarioError(_("{src}: {w}.path: {p!r} is not a [quarter, value] pair").format(
                src=source, w=where, p=point))
        t, v = _number(point[0], source, where + ".path"), _number(point[1], source, where + ".path")
        if points and t <= points[-1][0]:
            raise ScenarioError(_("{src}: {w}.path quarters must increase, got {t} after {p}").format(
                src=source, w=where, t=t, p=points[-1][0]))
        if t < 0:
            raise ScenarioError(_("{src}: {w}.path quarter must be >= 0, got {t}").format(src=source, w=where, t=t))
        if kind in ("demand", "exchange_rate", "bank_credit", "export_demand", "output_tariff", "input_tariff") and v < 0:
            raise ScenarioError(_("{src}: {w}: {k} cannot be negative, got {v}").format(src=source, w=where, k=kind, v=v))
        points.append((t, v))
    divisions = None
    if "divisions" in raw:
        if kind not in ("output_tariff", "input_tariff", "demand"):
            raise ScenarioError(_("{src}: {w}: only tariff and demand shocks take divisions").format(src=source, w=where))
        divisions = _divisions(raw["divisions"], source, where + ".divisions")
    return Shock(kind, tuple(points), divisions)


def _intervention(raw: Any, i: int, source: str) -> Intervention:
    where = f"interventions[{i}]"
    if not isinstance(raw, dict):
        raise ScenarioError(_("{src}: {w} must be a table").format(src=source, w=where))
    _no_unknown_keys(raw, {"name", "kind", "target", "dose", "take_up", "start", "end", "budget",
                           "cost_per_firm", "rate", "note"}, source, where)
    name = str(raw.get("name", f"intervention-{i}"))
    where = f"intervention {name!r}"
    kind = raw.get("kind")
    if kind not in INTERVENTION_KINDS:
        raise ScenarioError(_("{src}: {w}: unknown kind {k!r}; known: {known}").format(
            src=source, w=where, k=kind, known=", ".join(INTERVENTION_KINDS)))
    target = str(raw.get("target", "True"))
    compile_target(target, source=f"{source}: {where}")
    dose = _number(raw.get("dose", 0), source, where + ".dose")
    if dose < 0:
        raise ScenarioError(_("{src}: {w}.dose must be >= 0, got {v}").format(src=source, w=where, v=dose))
    take_up = _number(raw.get("take_up", 1.0), source, where + ".take_up")
    if not 0 <= take_up <= 1:
        raise ScenarioError(_("{src}: {w}.take_up must lie in [0, 1], got {v}").format(src=source, w=where, v=take_up))
    start = raw.get("start", 0)
    end = raw.get("end", 10_000)
    for key, value in (("start", start), ("end", end)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ScenarioError(_("{src}: {w}.{k} must be a whole quarter >= 0, got {v!r}").format(
                src=source, w=where, k=key, v=value))
    if end <= start:
        raise ScenarioError(_("{src}: {w}: end {e} must come after start {s}").format(src=source, w=where, e=end, s=start))
    budget = raw.get("budget")
    if budget is not None:
        budget = _number(budget, source, where + ".budget")
        if budget <= 0:
            raise ScenarioError(_("{src}: {w}.budget must be positive, got {v}").format(src=source, w=where, v=budget))
    default_cost = {"grant": dose, "equipment": dose, "credit": 0.1 * dose}.get(kind, DEFAULT_COST.get(kind, 0.0))
    cost = _number(raw.get("cost_per_firm", default_cost), source, where + ".cost_per_firm")
    rate = raw.get("rate")
    if rate is not None:
        if kind != "credit":
            raise ScenarioError(_("{src}: {w}: only credit interventions take a rate").format(src=source, w=where))
        rate = _number(rate, source, where + ".rate")
        if not 0 <= rate < 1:
            raise ScenarioError(_("{src}: {w}.rate is a yearly fraction in [0, 1), got {v}").format(
                src=source, w=where, v=rate))
    return Intervention(name, kind, target, dose, take_up, start, end, budget, cost, rate)


# ----------------------------------------------------------------------------- targeting rules

# Fields a targeting rule may name; categorical ones compare with their labels.
NUMERIC_FIELDS = ("capital", "workers", "owner_skill", "worker_skill", "input_quality", "import_share",
                  "export_share", "age", "cash", "debt", "debt_bank", "debt_kur", "debt_moneylender",
                  "fx_debt_share", "productivity")
CATEGORICAL_FIELDS = ("size_class", "technique", "kbli_division", "province", "formality", "partner")
_COMPARE = {ast.Eq: np.equal, ast.NotEq: np.not_equal, ast.Lt: np.less, ast.LtE: np.less_equal,
            ast.Gt: np.greater, ast.GtE: np.greater_equal}


@lru_cache(maxsize=256)
def compile_target(expression: str, source: str = "target") -> ast.Expression:
    """Parse and check a targeting rule; raise ScenarioError naming the offending part.

    Grammar (a whitelist over Python's expression syntax, never eval): ``and``, ``or``, ``not``,
    comparisons ``== != < <= > >=`` (chains allowed), ``in`` / ``not in`` a list of constants,
    field names (NUMERIC_FIELDS, CATEGORICAL_FIELDS), numbers, strings, ``True``/``False``.
    """
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError as exc:
        raise ScenarioError(_("{src}: cannot parse rule {e!r}: {m}").format(src=source, e=expression, m=exc.msg)) from exc
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if node.id not in NUMERIC_FIELDS + CATEGORICAL_FIELDS + ("True", "False"):
                close = difflib.get_close_matches(node.id, NUMERIC_FIELDS + CATEGORICAL_FIELDS, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise ScenarioError(_("{src}: unknown field {n!r} in rule {e!r}{h}").format(
                    src=source, n=node.id, e=expression, h=hint))
        elif isinstance(node, ast.Constant):
            if not isinstance(node.value, (int, float, str, bool)):
                raise ScenarioError(_("{src}: constant {v!r} not allowed in rule {e!r}").format(
                    src=source, v=node.value, e=expression))
        elif not isinstance(node, (ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub,
                                   ast.Compare, ast.Load, ast.List, ast.Tuple, ast.In, ast.NotIn, *_COMPARE)):
            raise ScenarioError(_("{src}: {k} is not allowed in rule {e!r}").format(
                src=source, k=type(node).__name__, e=expression))
    return tree


def evaluate_target(expression: str, fields: "TargetFields") -> np.ndarray:
    """Evaluate a rule over firm arrays -> boolean array."""
    tree = compile_target(expression)
    result = _eval(tree.body, fields, expression)
    if np.ndim(result) == 0:
        return np.full(fields.size, bool(result))
    return np.asarray(result, dtype=bool)


class TargetFields:
    """Firm fields for rules: numeric arrays and categorical (codes, labels) pairs."""

    def __init__(self, size: int, numeric: dict[str, np.ndarray], categorical: dict[str, tuple[np.ndarray, tuple]]):
        self.size, self.numeric, self.categorical = size, numeric, categorical


def _eval(node: ast.AST, f: TargetFields, expr: str):
    if isinstance(node, ast.BoolOp):
        values = [_eval(v, f, expr) for v in node.values]
        op = np.logical_and if isinstance(node.op, ast.And) else np.logical_or
        out = values[0]
        for v in values[1:]:
            out = op(out, v)
        return out
    if isinstance(node, ast.UnaryOp):
        value = _eval(node.operand, f, expr)
        return np.logical_not(value) if isinstance(node.op, ast.Not) else -value
    if isinstance(node, ast.Compare):
        out, left = True, node.left
        for op, right in zip(node.ops, node.comparators, strict=True):
            out = np.logical_and(out, _compare(left, op, right, f, expr))
            left = right
        return out
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id in ("True", "False"):
            return node.id == "True"
        if node.id in f.numeric:
            return f.numeric[node.id]
        if node.id == "partner":
            return f.categorical["partner"][0].astype(bool)
        raise ScenarioError(_("field {n!r} is categorical: compare it with a label in rule {e!r}").format(n=node.id, e=expr))
    raise ScenarioError(_("cannot evaluate {k} in rule {e!r}").format(k=type(node).__name__, e=expr))


def _label_code(field_name: str, label: Any, labels: tuple, expr: str) -> int:
    if field_name == "partner":
        return int(bool(label))
    label = str(label)
    if label not in labels:
        raise ScenarioError(_("{v!r} is not a value of {n} in rule {e!r}; values: {k}").format(
            v=label, n=field_name, e=expr, k=", ".join(map(str, labels))))
    return labels.index(label)


def _compare(left: ast.AST, op: ast.cmpop, right: ast.AST, f: TargetFields, expr: str):
    cat = next((n.id for n in (left, right) if isinstance(n, ast.Name) and n.id in CATEGORICAL_FIELDS), None)
    if cat is not None:
        codes, labels = f.categorical[cat]
        other = right if isinstance(left, ast.Name) and left.id == cat else left
        if isinstance(op, (ast.In, ast.NotIn)):
            if not isinstance(other, (ast.List, ast.Tuple)):
                raise ScenarioError(_("`in` needs a list of values in rule {e!r}").format(e=expr))
            wanted = [_label_code(cat, _const(e, expr), labels, expr) for e in other.elts]
            hit = np.isin(codes, wanted)
            return hit if isinstance(op, ast.In) else ~hit
        if not isinstance(op, (ast.Eq, ast.NotEq)):
            raise ScenarioError(_("{n} can only be compared with == != in not in, in rule {e!r}").format(n=cat, e=expr))
        code = _label_code(cat, _const(other, expr), labels, expr)
        return codes == code if isinstance(op, ast.Eq) else codes != code
    if isinstance(op, (ast.In, ast.NotIn)):
        if not isinstance(right, (ast.List, ast.Tuple)):
            raise ScenarioError(_("`in` needs a list of values in rule {e!r}").format(e=expr))
        hit = np.isin(_eval(left, f, expr), [_const(e, expr) for e in right.elts])
        return hit if isinstance(op, ast.In) else ~hit
    a, b = _eval(left, f, expr), _eval(right, f, expr)
    if isinstance(a, str) or isinstance(b, str):
        raise ScenarioError(_("cannot compare a number with text in rule {e!r}").format(e=expr))
    return _COMPARE[type(op)](a, b)


def _const(node: ast.AST, expr: str):
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
        return -node.operand.value
    raise ScenarioError(_("expected a constant value in rule {e!r}").format(e=expr))


def describe(name_or_path: str | Path | None = None) -> str:
    """A text description of one scenario, or of all shipped scenarios."""
    if name_or_path is None:
        return "\n\n".join(load(n).describe() for n in names())
    return load(name_or_path).describe()
