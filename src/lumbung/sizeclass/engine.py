"""Classify one business under one regime: the class, the criterion that decided it, the
disagreements between criteria and the missing inputs.

"Never a guess": missing inputs are unknown, and the rules are evaluated in three-valued logic
(true / false / unknown). The class is given only when no value of the missing inputs could
change it; e.g. under UU 9/1995 annual sales of Rp500 million make a business small whatever its
net assets are, because the law joins the two criteria with "atau". Otherwise the class is
``unknown`` and ``missing`` names the inputs that were absent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from lumbung.sizeclass.inputs import check_value
from lumbung.sizeclass.regime import Condition, Criterion, Group, Regime, get_regime

UNKNOWN = "unknown"


def _plain(value: float | bool | None) -> float | int | bool | None:
    """Whole numbers as int (rupiah, persons), so JSON shows 1000000000, not 1e9."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@dataclass(frozen=True)
class Decision:
    """One comparison that held: ``criterion value comparison threshold``."""

    criterion: str
    value: float | bool
    threshold: float | bool
    comparison: str
    jointly: tuple[Decision, ...] = ()

    def to_dict(self) -> dict:
        data = {"criterion": self.criterion, "value": _plain(self.value),
                "threshold": _plain(self.threshold), "comparison": self.comparison}
        if self.jointly:
            data["jointly"] = [part.to_dict() for part in self.jointly]
        return data


@dataclass(frozen=True)
class Disagreement:
    """A criterion whose own band gives another class than the one decided."""

    criterion: str
    value: float
    classes: tuple[str, ...]  # what the criterion says on its own
    lower: float | None  # the band: above ``lower`` (exclusive) ...
    upper: float | None  # ... up to ``upper`` (inclusive unless upper_inclusive is False)
    upper_inclusive: bool = True

    def to_dict(self) -> dict:
        return {"criterion": self.criterion, "value": _plain(self.value),
                "class": "/".join(self.classes), "lower": _plain(self.lower),
                "upper": _plain(self.upper), "upper_inclusive": self.upper_inclusive}


@dataclass(frozen=True)
class Classification:
    regime: str
    size_class: str
    decided_by: Decision | None
    disagreements: list[Disagreement] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    #: classes tried before the decided one, each with the comparisons that excluded it
    ruled_out: list[tuple[str, tuple[Decision, ...]]] = field(default_factory=list)
    #: inputs whose absence left the class undecided (a subset of ``missing``)
    undecided_by: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "regime": self.regime,
            "class": self.size_class,
            "decided_by": self.decided_by.to_dict() if self.decided_by else None,
            "disagreements": [d.to_dict() for d in self.disagreements],
            "missing": list(self.missing),
        }


@dataclass(frozen=True)
class _Outcome:
    truth: bool | None
    support: tuple[Decision, ...] = ()  # comparisons that made it true (or held, if unknown)
    blockers: tuple[Decision, ...] = ()  # comparisons that made it false
    unknown: frozenset[str] = frozenset()  # inputs whose absence left it unknown


def _decision(condition: Condition, value: float | bool) -> Decision:
    return Decision(condition.field, value, condition.value, condition.op)


def _evaluate(node: Condition | Group, values: Mapping[str, float | bool | None]) -> _Outcome:
    if isinstance(node, Condition):
        value = values[node.field]
        if value is None:
            return _Outcome(None, unknown=frozenset({node.field}))
        if node.holds(value):
            return _Outcome(True, support=(_decision(node, value),))
        return _Outcome(False, blockers=(_decision(node, value),))
    outcomes = [_evaluate(part, values) for part in node.parts]
    unknown = frozenset().union(*(o.unknown for o in outcomes if o.truth is None))
    if node.mode == "all":
        if any(o.truth is False for o in outcomes):
            return _Outcome(False, blockers=next(o.blockers for o in outcomes if o.truth is False))
        support = tuple(d for o in outcomes for d in o.support)
        return _Outcome(None if unknown else True, support=support, unknown=unknown)
    if any(o.truth is True for o in outcomes):
        return _Outcome(True, support=next(o.support for o in outcomes if o.truth is True))
    if unknown:
        return _Outcome(None, unknown=unknown)
    return _Outcome(False, blockers=tuple(d for o in outcomes for d in o.blockers))


def _disagreements(criteria: tuple[Criterion, ...], values, size_class: str) -> list[Disagreement]:
    found = []
    for criterion in criteria:
        value = values[criterion.field]
        if value is None:
            continue
        index, band = criterion.band_for(value)
        if size_class not in band.classes:
            lower = criterion.bands[index - 1].limit if index else None
            found.append(Disagreement(criterion.field, value, band.classes, lower, band.limit,
                                      band.inclusive))
    return found


def _decided_by(support: tuple[Decision, ...]) -> Decision:
    """The first size criterion (a number, not a yes/no condition) that held; the other
    comparisons of the same rule ride along as ``jointly``."""
    numeric = [d for d in support if not isinstance(d.value, bool)]
    first = (numeric or list(support))[0]
    others = tuple(d for d in support if d is not first)
    return Decision(first.criterion, first.value, first.threshold, first.comparison, others)


def read_inputs(report: Mapping[str, object], regime: Regime) -> dict[str, float | bool | None]:
    """The regime's inputs from ``report`` (absent keys are missing); ValueError if invalid."""
    return {name: check_value(name, report.get(name)) for name in regime.inputs}


def classify(report: Mapping[str, object], regime: str | Regime) -> Classification:
    """Size class of one business (``report`` keys: workers, sales, net_assets, business_capital,
    investment, indonesian_owned, independent; None or NaN = missing) under ``regime``."""
    regime = get_regime(regime)
    values = read_inputs(report, regime)
    missing = [name for name in regime.inputs if values[name] is None]
    possible: list[str] = []  # classes of the rules that hold or may hold, in order
    support: list[Decision] = []
    undecided: set[str] = set()
    ruled_out: list[tuple[str, tuple[Decision, ...]]] = []
    for rule in regime.rules:
        outcome = _evaluate(rule.when, values)
        if outcome.truth is False:
            if not possible:
                ruled_out.append((rule.size_class, outcome.blockers))
            continue
        possible.append(rule.size_class)
        if outcome.truth is None:
            undecided |= outcome.unknown
            support += [d for d in outcome.support if d not in support]
            continue
        support = list(outcome.support)  # a rule surely holds: it decides
        break
    # Rules cover every case, so the class is one of ``possible``; one class left = decided,
    # whatever the missing inputs are (e.g. Rp1 billion investment is medium industry with
    # or without 20 workers).
    if not possible:
        raise ValueError(f"regime {regime.id} has no rule for {dict(values)!r}")
    if len(set(possible)) > 1:
        order = [name for name in regime.inputs if name in undecided]
        return Classification(regime.id, UNKNOWN, None, [], missing, ruled_out, order)
    size_class = possible[0]
    decided_by = _decided_by(tuple(support)) if support else None
    disagreements = _disagreements(regime.criteria, values, size_class)
    return Classification(regime.id, size_class, decided_by, disagreements, missing, ruled_out, [])
