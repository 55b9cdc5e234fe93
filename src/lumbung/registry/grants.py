"""An indicator query kept inside a user's region scope: an analyst's grants (``AnalystGrant`` rows)
or an officer's regions (``RegionScope`` rows), read by one function, :func:`scope_of`.

An analyst sees figures without disclosure control only for the regions they are granted (and the
regions below them); an officer, in the workspace's "Indicators of my region", only for the regions
of their Dinas (issue 11 point 7: their region's indicators without suppression). A query is made to fit by its region filters (``where`` on ``province``,
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

from lumbung.registry.access import SEE_ALL, analyst_regions, covers, region_codes_of
from lumbung.rules import read_region

#: Where a user's regions for figures without disclosure control come from.
SOURCES = ("analyst", "officer")

#: Region dimensions of the analytics tables and the number of parts of their codes.
REGION_DIMENSIONS = {"province": 1, "regency": 2, "district": 3}
LEVEL_DIMENSION = {parts: dim for dim, parts in REGION_DIMENSIONS.items()}


@dataclass
class Fitted:
    where: dict[str, list[str]]
    refused: list[tuple[str, str]] = field(default_factory=list)  # (dimension, value) dropped
    narrowed: list[tuple[str, str]] = field(default_factory=list)  # (dimension, code) added
    left_out: list[str] = field(default_factory=list)  # grants not in the narrowed filter


@dataclass
class Scope:
    """What a user may explore without suppression: every region (administrators) or the region
    codes of their ``source`` rows (``AnalystGrant`` for "analyst", ``RegionScope`` for "officer")."""

    source: str
    everything: bool
    codes: list[str] = field(default_factory=list)  # every region of the scope
    record_codes: list[str] = field(default_factory=list)  # those with record-level lists

    @property
    def any(self) -> bool:
        return self.everything or bool(self.codes)

    @property
    def records(self) -> bool:
        return self.everything or bool(self.record_codes)


def regions(user, source: str = "analyst", records: bool = False) -> list[str]:
    """The region codes (prefixes: "32" covers "32.04.01") of ``user``'s ``source`` rows, sorted;
    officers see their regions record by record, so ``records`` narrows only analysts' grants."""
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}; one of {', '.join(SOURCES)}")
    if source == "analyst":
        return analyst_regions(user, records=records)
    if not _active(user):
        return []
    return sorted(set(region_codes_of(user)))


def scope_of(user, source: str = "analyst") -> Scope:
    """The one region scope of ``user`` for figures without suppression, for the analysts'
    explorer (``source="analyst"``) and the officers' (``"officer"``); administrators see all."""
    if _active(user) and user.has_perm(SEE_ALL):
        return Scope(source, True)
    return Scope(source, False, regions(user, source), regions(user, source, records=True))


def _active(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


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
        kept = []
        for value in result.where[dim]:
            code = read_region(value)  # "3204" is "32.04"; a malformed code ("3", "32.") is refused
            if code is not None and covers(codes, code):
                kept.append(code)
            else:
                result.refused.append((dim, value))
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
    codes = usable(regions(user, "analyst"))
    values = [v for dim in REGION_DIMENSIONS for v in where.get(dim, [])]
    return bool(codes and values) and all(read_region(v) == v and covers(codes, v) for v in values)
