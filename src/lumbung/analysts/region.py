"""The officers' "Indicators of my region" (``/workspace/indicators/``, issue 11 point 7): the
analysts' explorer (its views' context and downloads, :mod:`lumbung.analysts.views`) inside the
officer's ``RegionScope`` regions instead of analyst grants, without suppression there.

Entering needs the workspace permission (``registry.use_workspace``, as every workspace page;
else 403); an officer without a region gets 403 with one sentence. A region filter outside the
officer's regions is refused and a query without one is narrowed, as on /analyst/.
"""

from __future__ import annotations

from functools import wraps

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from lumbung.analysts import explorer as A
from lumbung.analysts import views
from lumbung.registry.views.common import regions_of, workspace_view


def officer_page(view):
    """A workspace page (signed in, workspace permission) of a user with regions; passes the scope."""

    @workspace_view
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        scope = A.scope_of(request.user, "officer")
        if not scope.any:
            return render(request, "analysts/refused.html", {"title": _("Indicators of my region"), "message": _(
                "You have no region. An administrator gives officers their regions (Region scopes in the "
                "administration).")}, status=403)
        return view(request, scope, *args, **kwargs)

    return wrapped


@officer_page
def explorer(request, scope):
    context = {"scope": scope, "regions": regions_of(request.user),
               "csv_url": reverse("region_indicators:csv"), "xlsx_url": reverse("region_indicators:xlsx")}
    return render(request, "analysts/region_explorer.html", {**context, **views.explorer_context(request, scope)})


@officer_page
def download_csv(request, scope):
    return views.download(request, scope, "csv", "lumbung-wilayah-")


@officer_page
def download_xlsx(request, scope):
    return views.download(request, scope, "xlsx", "lumbung-wilayah-")
