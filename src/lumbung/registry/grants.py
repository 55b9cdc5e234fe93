"""An analyst's indicator query kept inside their grants (``AnalystGrant`` rows).

An analyst sees figures without disclosure control only for the regions they are granted (and the
regions below them). A query is made to fit by its region filters (``where`` on ``province``,
``regency`` or ``district``, whose values are codes "32", "32.04", "32.04.01"):

- a region filter value outside every grant is **refused** (dropped, and said);
- a query left with no region filter is **narrowed** to the grants (said too). A ``where`` ANDs
  its dimensions, so grants at different levels (a province and a regency elsewhere) cannot be one
  filter: it is narrowed to the grants of the highest level, and the page names the others;
- the filters kept are ANDed as the engine does, so each answer lies inside the grants.

A grant below the district (a village) has no analytics dimension; it gives no figures.
The API uses :func:`inside` (all-or-nothing: unsuppressed only when every region filter is inside
the grants, public figures otherwise), the analysts' explorer :func:`fit`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lumbung.registry.access import analyst_regions, covers

#: Region dimensions of the analytics tables and the number of parts of their codes.
REGION_DIMENSIONS = {"province": 1, "regency": 2, "district": 3}
LEVEL_DIMENSION = {parts: dim for dim, parts in REGION_DIMENSIONS.items()}


@dataclass
class Fitted:
    where: dict[str, list[str]]
    refused: list[tuple[str, str]] = field(default_factory=list)  # (dimension, value) dropped
    narrowed: list[tuple[str, str]] = field(default_factory=list)  # (dimension, code) added
    left_out: list[str] = field(default_factory=list)  # grants not in the narrowed filter


def usable(codes) -> list[str]:
    """The grant codes the analytics tables can filter on (province, regency, district)."""
    return sorted(c for c in codes if 1 <= len(c.split(".")) <= 3)


def fit(codes, where: dict[str, list[str]]) -> Fitted | None:
    """``where`` kept inside the grant ``codes``; ``None`` when no grant can give figures."""
    codes = usable(codes)
    if not codes:
        return None
    result = Fitted({dim: list(values) for dim, values in where.items()})
    for dim in REGION_DIMENSIONS:
        if dim not in result.where:
            continue
        kept = [v for v in result.where[dim] if covers(codes, v)]
        result.refused += [(dim, v) for v in result.where[dim] if v not in kept]
        if kept:
            result.where[dim] = kept
        else:
            del result.where[dim]
    if not any(dim in result.where for dim in REGION_DIMENSIONS):
        top = min(len(c.split(".")) for c in codes)
        chosen = [c for c in codes if len(c.split(".")) == top]
        dim = LEVEL_DIMENSION[top]
        result.where[dim] = chosen
        result.narrowed = [(dim, c) for c in chosen]
        result.left_out = [c for c in codes if c not in chosen]
    return result


def inside(user, where: dict[str, list[str]]) -> bool:
    """Whether every value of a region filter of ``where`` is inside ``user``'s grants (and there is
    at least one): then the answer lies inside them."""
    codes = usable(analyst_regions(user))
    values = [v for dim in REGION_DIMENSIONS for v in where.get(dim, [])]
    return bool(codes and values) and all(covers(codes, v) for v in values)
