"""The explorer without disclosure control: the public explorer's state and table
(lumbung.portal.explorer), answered only inside a user's region scope (lumbung.registry.grants:
an analyst's ``AnalystGrant`` rows on /analyst/, an officer's ``RegionScope`` rows on
/workspace/indicators/).

Administrators (``registry.view_all_enterprises``) are not narrowed. Every other user is answered
only through their scope's rows: region filters outside them are refused and dropped, a
query without a region filter is narrowed to the scope, and the page says which.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from lumbung import geography
from lumbung.indicators.catalogue import CatalogueError
from lumbung.indicators.dimensions import DimensionError
from lumbung.indicators.engine import compute
from lumbung.indicators.sqlgen import QueryError
from lumbung.portal import explorer as X
from lumbung.portal import figures, labels, pagecache
from lumbung.registry import grants

#: The one region scope of a user (lumbung.registry.grants.scope_of): an analyst's grants or an
#: officer's regions.
Scope = grants.Scope


def scope_of(user, source: str = "analyst") -> Scope:
    return grants.scope_of(user, source)


def _sentences(source: str) -> dict[str, str]:
    """The notes of a fitted query, in the words of its scope ("your grants", "your regions")."""
    if source == "officer":
        return {"none": _("None of your regions is a province, regency or district: there are no figures to show."),
                "refused": _("Refused, outside your regions: {filters}."),
                "narrowed": _("Narrowed to your regions: {regions}."),
                "left_out": _("Your other regions are at another level; filter on them to see them: {regions}."),
                "empty": _("No enterprise matches this query in your regions.")}
    return {"none": _("None of your grants is a province, regency or district: there are no figures to show."),
            "refused": _("Refused, outside your grants: {filters}."),
            "narrowed": _("Narrowed to your grants: {regions}."),
            "left_out": _("Your other grants are at another level; filter on them to see them: {regions}."),
            "empty": _("No enterprise matches this query in your grants.")}


def region_label(code: str) -> str:
    try:
        name = geography.name(code) or ""
    except ValueError:  # a malformed code typed into a filter: said as typed
        name = ""
    return f"{code} {name}".strip()


def _dim_value(dim: str, code: str) -> str:
    return f"{labels.dimension(dim)} {region_label(code)}"


@dataclass
class Fit:
    state: X.State
    notes: list[str] = field(default_factory=list)  # what was refused or narrowed, one sentence each
    allowed: bool = True  # False: no grant can give figures


def fit_state(state: X.State, scope: Scope) -> Fit:
    """``state`` with its region filters kept inside ``scope`` (a new State; the notes say why)."""
    if scope.everything:
        return Fit(state)
    words = _sentences(scope.source)
    fitted = grants.fit(scope.codes, state.where)
    if fitted is None:
        return Fit(state, [words["none"]], allowed=False)
    kept = X.State(indicators=list(state.indicators), by=list(state.by), years=list(state.years),
                   regime=state.regime, where=fitted.where, problems=list(state.problems))
    notes = []
    if fitted.refused:
        notes.append(words["refused"].format(
            filters=", ".join(_dim_value(d, v) for d, v in fitted.refused)))
    if fitted.narrowed:
        notes.append(words["narrowed"].format(
            regions=", ".join(_dim_value(d, v) for d, v in fitted.narrowed)))
    if fitted.left_out:
        notes.append(words["left_out"].format(
            regions=", ".join(region_label(c) for c in fitted.left_out)))
    return Fit(kept, notes)


def unsuppressed(state: X.State):
    """The engine's answer without disclosure control (``public=False``), cached by build version."""
    def make():
        frame = compute(list(state.indicators), by=list(state.by), years=state.years or None,
                        where=state.where or None, regime=state.regime, public=False)
        frame = frame.copy()
        frame["suppressed"] = False
        return frame

    # Its own page name in the portal's cache: never served as a public (suppressed) answer.
    params = (tuple(state.indicators), tuple(state.by), tuple(state.years or ()), repr(state.where), state.regime)
    return pagecache.cached("analysts:unsuppressed", params, make)


def answer(state: X.State, source: str = "analyst") -> X.Answer:
    """As lumbung.portal.explorer.answer, without suppression (call it only on a fitted state)."""
    result = X.Answer(state)
    if not state.indicators:
        result.reason = _("Choose at least one indicator.")
        return result
    try:
        frame = unsuppressed(state)
    except (QueryError, DimensionError, CatalogueError, KeyError, ValueError) as error:
        result.reason = str(error.args[0] if isinstance(error, KeyError) else error)
        return result
    if frame.empty:
        result.reason = _sentences(source)["empty"]
        return result
    if len(frame) > X.MAX_CELLS:
        result.reason = _("The query has {n} cells, more than the {max} a page shows: choose fewer dimensions, "
                          "years or indicators, or add a filter.").format(n=len(frame), max=X.MAX_CELLS)
        return result
    result.frame = frame
    result.rows = X.shown_rows(frame, state.by, figures.context(state.years, state.where))
    result.chart = X.chart(result)
    return result
