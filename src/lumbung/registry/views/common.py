"""What every workspace view shares: who may enter, the user's regions, the page size."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from lumbung import geography
from lumbung.registry.access import SEE_ALL, region_codes_of

PERMISSION = "registry.use_workspace"
PER_PAGE = 50


def workspace_view(view):
    """Signed in (else the login page) with the workspace permission (else 403)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def regions_of(user) -> list[tuple[str, str]]:
    """(code, "code name") of the user's regions; every province for who sees every enterprise."""
    if user.has_perm(SEE_ALL):
        return [(code, f"{code} {name}") for code, name in geography.provinces()]
    out = []
    for code in sorted(region_codes_of(user)):
        try:
            name = geography.name(code) or ""
        except ValueError:
            name = ""
        out.append((code, f"{code} {name}".strip()))
    return out
