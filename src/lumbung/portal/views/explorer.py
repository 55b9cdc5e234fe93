"""The indicator explorer and its downloads (the rows the page shows, as CSV and XLSX)."""

from __future__ import annotations

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from lumbung.indicators.dimensions import DIMENSIONS
from lumbung.indicators.schema import REGIME_IDS
from lumbung.portal import catalogue_groups, figures, labels, pagecache
from lumbung.portal import explorer as X
from lumbung.portal.views.common import no_data, public
from lumbung.sizeclass import get_regime


@public
def explorer(request):
    years = figures.years()
    if not years:
        return no_data(request, _("Indicator explorer"))

    def context() -> dict:
        body = pagecache.cached("explorer", pagecache.params_of(request.GET), lambda: _body(request, years))
        return {"body": mark_safe(body)}  # rendered by _body

    return pagecache.page(request, "explorer", "portal/explorer.html", context)


def _body(request, years: list[int]) -> str:
    state = X.parse(request.GET)
    result = X.answer(state) if request.GET else X.Answer(state, reason=_("Choose indicators, then Show."))
    groups = catalogue_groups.groups()
    chosen = {slug for slug, _title, items in groups if any(i.id in state.indicators for i in items)}
    context = {
        "open_groups": chosen or {groups[0][0]},
        "state": state, "answer": result, "years": years, "groups": groups,
        "dimensions": [(d, labels.dimension(d)) for d in DIMENSIONS],
        "regimes": [(r, get_regime(r).name(labels.lang())) for r in REGIME_IDS],
        "filters": X.filters(state),
        "query": state.query_string(), "dim_headers": [labels.dimension(d) for d in state.by],
    }
    return render_to_string("portal/_explorer_body.html", context, request)


def _file(request, kind: str) -> tuple[str, str | bytes]:
    """(file name, content) of the download, or ("", the reason there is nothing to download)."""
    state = X.parse(request.GET)
    result = X.answer(state)
    if not result.rows:
        return "", result.reason or _("Nothing to download.")
    name = "lumbung-" + "-".join(state.indicators[:3])
    return name, X.to_csv(result) if kind == "csv" else X.to_xlsx(result)


def _download(request, kind: str):
    name, content = pagecache.cached("explorer." + kind, pagecache.params_of(request.GET), lambda: _file(request, kind))
    if not name:
        return HttpResponse(content, status=400, content_type="text/plain; charset=utf-8")
    if kind == "csv":
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(content,
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


@public
def download_csv(request):
    return _download(request, "csv")


@public
def download_xlsx(request):
    return _download(request, "xlsx")
