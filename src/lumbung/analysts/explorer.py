"""The analysts' explorer: the public explorer's state and table (lumbung.portal.explorer), answered
without disclosure control but only inside the analyst's grants (lumbung.registry.grants.fit).

Administrators (``registry.view_all_enterprises``) are not narrowed. Every other user is answered
only through their ``AnalystGrant`` rows: region filters outside them are refused and dropped, a
query without a region filter is narrowed to the grants, and the page says which.
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
from lumbung.registry.access import SEE_ALL, analyst_regions


@dataclass
class Scope:
    """What a user may explore: every region (administrators) or their grant codes."""

    everything: bool
    codes: list[str] = field(default_factory=list)  # all grants
    record_codes: list[str] = field(default_factory=list)  # grants with record-level lists

    @property
    def any(self) -> bool:
        return self.everything or bool(self.codes)

    @property
    def records(self) -> bool:
        return self.everything or bool(self.record_codes)


def scope_of(user) -> Scope:
    if user.is_authenticated and user.is_active and user.has_perm(SEE_ALL):
        return Scope(True)
    return Scope(False, analyst_regions(user), analyst_regions(user, records=True))


def region_label(code: str) -> str:
    return f"{code} {geography.name(code) or ''}".strip()


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
    fitted = grants.fit(scope.codes, state.where)
    if fitted is None:
        return Fit(state, [_("None of your grants is a province, regency or district: there are no figures to show.")],
                   allowed=False)
    kept = X.State(indicators=list(state.indicators), by=list(state.by), years=list(state.years),
                   regime=state.regime, where=fitted.where, problems=list(state.problems))
    notes = []
    if fitted.refused:
        notes.append(_("Refused, outside your grants: {filters}.").format(
            filters=", ".join(_dim_value(d, v) for d, v in fitted.refused)))
    if fitted.narrowed:
        notes.append(_("Narrowed to your grants: {regions}.").format(
            regions=", ".join(_dim_value(d, v) for d, v in fitted.narrowed)))
    if fitted.left_out:
        notes.append(_("Your other grants are at another level; filter on them to see them: {regions}.").format(
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


def answer(state: X.State) -> X.Answer:
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
        result.reason = _("No enterprise matches this query in your grants.")
        return result
    if len(frame) > X.MAX_CELLS:
        result.reason = _("The query has {n} cells, more than the {max} a page shows: choose fewer dimensions, "
                          "years or indicators, or add a filter.").format(n=len(frame), max=X.MAX_CELLS)
        return result
    result.frame = frame
    result.rows = X.shown_rows(frame, state.by, figures.context(state.years, state.where))
    result.chart = X.chart(result)
    return result
