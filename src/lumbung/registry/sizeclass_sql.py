"""Size classes computed in the database: a regime of :mod:`lumbung.sizeclass` turned into Django
``Q`` conditions on annual reports, so that lists filter by class under any regime without
reading the rows into Python. The logic is :func:`lumbung.sizeclass.vector.classify_many`'s,
in SQL: each condition is "surely true" or "surely false" (a missing input is neither), rules
are walked in order, and a report gets a class only when exactly one class remains possible.
The equivalence is tested against ``classify_many`` (tests/registry/test_workspace_lists.py)."""

from __future__ import annotations

from functools import reduce
from operator import and_, or_

from django.db.models import Q

from lumbung.sizeclass import SIZE_CLASSES, UNKNOWN, get_regime
from lumbung.sizeclass.regime import Condition, Group

#: Inputs stored on the enterprise rather than on the report.
ENTERPRISE_INPUTS = ("indonesian_owned", "independent")
_LOOKUPS = {"<=": "lte", "<": "lt", ">=": "gte", ">": "gt"}
_NEVER = Q(pk__in=[])
_ALWAYS = ~Q(pk__in=[])


def _field(name: str) -> str:
    """Path from the report to the input: reports hold money and workers, the enterprise the flags."""
    return "enterprise__" + name if name in ENTERPRISE_INPUTS else name


def _masks(node: Condition | Group) -> tuple[Q, Q]:
    """(surely true, surely false) for one condition or group."""
    if isinstance(node, Condition):
        name = _field(node.field)
        known = Q(**{name + "__isnull": False})
        if node.op == "is":
            return known & Q(**{name: bool(node.value)}), known & Q(**{name: not node.value})
        holds = Q(**{f"{name}__{_LOOKUPS[node.op]}": node.value})
        fails = {"<=": "gt", "<": "gte", ">=": "lt", ">": "lte"}[node.op]
        return known & holds, known & Q(**{f"{name}__{fails}": node.value})
    parts = [_masks(part) for part in node.parts]
    trues, falses = [p[0] for p in parts], [p[1] for p in parts]
    if node.mode == "all":
        return reduce(and_, trues), reduce(or_, falses)
    return reduce(or_, trues), reduce(and_, falses)


def _possible(regime_id: str) -> dict[str, Q]:
    """For each class, when it is still possible (some rule of it may hold before one surely held)."""
    regime = get_regime(regime_id)
    possible = {c: _NEVER for c in SIZE_CLASSES}
    decided = _NEVER
    for rule in regime.rules:
        true, false = _masks(rule.when)
        possible[rule.size_class] = possible[rule.size_class] | (~decided & ~false)
        decided = decided | true
    return possible


def class_q(regime_id: str, size_class: str) -> Q:
    """Q for annual reports whose class under ``regime_id`` is ``size_class`` (micro, small, medium,
    large or unknown). Enterprises filter with ``Exists`` over their reports of one year."""
    possible = _possible(regime_id)
    if size_class == UNKNOWN:
        # unknown: not exactly one class possible
        exactly = [possible[c] & reduce(and_, [~possible[d] for d in SIZE_CLASSES if d != c], _ALWAYS)
                   for c in SIZE_CLASSES]
        return ~reduce(or_, exactly)
    if size_class not in SIZE_CLASSES:
        raise ValueError(f"unknown size class {size_class!r}")
    return possible[size_class] & reduce(and_, [~possible[d] for d in SIZE_CLASSES if d != size_class], _ALWAYS)
