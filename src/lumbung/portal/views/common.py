"""What the public pages share: the year selector, the message when no analytics tables exist,
and the cache headers keyed by the analytics build version."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import translate_url
from django.utils.translation import get_language_from_path, get_language_from_request
from django.utils.translation import gettext as _

from lumbung.indicators.engine import AnalyticsMissing
from lumbung.portal import figures


def chosen_year(request, years: list[int]) -> int | None:
    """The ``year`` of the query string when the registry has it, else the latest year."""
    text = request.GET.get("year", "")
    if text.isdigit() and int(text) in years:
        return int(text)
    return years[-1] if years else None


def no_data(request, title: str):
    """The page shown before the first `lumbung analytics build`: says why, never a bare header."""
    message = _("No figures yet. The registry is empty, or its analytics tables have not been built: an "
                "administrator builds them with `lumbung analytics build` (imports keep them current afterwards).")
    return render(request, "portal/no_data.html", {"title": title, "message": message}, status=200)


def preferred_language_redirect(request):
    """Unprefixed URLs are Bahasa Indonesia; a visitor whose choice (the language cookie set by the
    switch) or, without a choice, whose browser (Accept-Language) prefers English goes to /en/."""
    if request.method != "GET" or get_language_from_path(request.path_info):
        return None
    wanted = get_language_from_request(request)
    if wanted == settings.LANGUAGE_CODE:
        return None
    target = translate_url(request.get_full_path(), wanted)
    return redirect(target) if target != request.get_full_path() else None


def public(view):
    """A public page: goes to the visitor's language, turns AnalyticsMissing into the no-data
    page, adds the build version as ETag."""

    def wrapped(request, *args, **kwargs):
        moved = preferred_language_redirect(request)
        if moved is not None:
            return moved
        try:
            response = view(request, *args, **kwargs)
        except AnalyticsMissing:
            return no_data(request, _("Overview"))
        response.setdefault("ETag", f'W/"{figures.version()}"')
        return response

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped
