"""Who may see which enterprise, decided by data rows, not by role names in code.

Roles are Django groups (created by migration 0002) holding ordinary permissions. Visibility of
enterprise records is the union of three grants, each stored as data (the NetBox pattern of
permissions with constraints):

- the permission ``registry.view_all_enterprises`` (analyst and admin groups): every enterprise;
- ``RegionScope`` rows (officers of a Dinas): enterprises in that region or any region below it;
- ``EnterpriseOwner`` rows (owners): their own enterprises.
"""

from __future__ import annotations

from django.db.models import Q

from lumbung.registry.validators import region_prefixes


def region_filter(codes) -> Q:
    """Q for region_code equal to one of ``codes`` or below it ("32.04" covers "32.04.01.2001",
    not "32.041"). An empty list gives a Q that matches nothing."""
    q = Q(pk__in=[])
    for code in codes:
        q |= Q(region_code=code) | Q(region_code__startswith=code + ".")
    return q


def region_codes_of(user) -> list[str]:
    from lumbung.registry.models import RegionScope

    return list(RegionScope.objects.filter(user_id=user.pk).values_list("region_code", flat=True))


def enterprises_visible_to(user, queryset=None):
    """The enterprises ``user`` may see as records (aggregates are public; see the portal)."""
    from lumbung.registry.models import Enterprise, EnterpriseOwner

    queryset = Enterprise.objects.all() if queryset is None else queryset
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    if user.has_perm("registry.view_all_enterprises"):
        return queryset
    owned = EnterpriseOwner.objects.filter(user_id=user.pk).values("enterprise_id")
    return queryset.filter(region_filter(region_codes_of(user)) | Q(pk__in=owned))


def can_see_region(user, code: str) -> bool:
    """Whether ``user``'s region scopes cover ``code`` (for forms that pick a region)."""
    if user.has_perm("registry.view_all_enterprises"):
        return True
    scopes = set(region_codes_of(user))
    return any(prefix in scopes for prefix in region_prefixes(code))
