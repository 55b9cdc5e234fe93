"""Who may see which enterprise, decided by data rows, not by role names in code.

Roles are Django groups (created by migration 0002) holding ordinary permissions. Visibility of
enterprise records is the union of four grants, each stored as data (the NetBox pattern of
permissions with constraints):

- the permission ``registry.view_all_enterprises`` (admin group): every enterprise;
- ``RegionScope`` rows (officers of a Dinas): enterprises in that region or any region below it;
- ``AnalystGrant`` rows with ``records`` true (analysts): enterprises in that region or below it,
  to view only (a grant never lets anyone add, change or delete);
- ``EnterpriseOwner`` rows (owners): their own enterprises.

An ``AnalystGrant`` without ``records`` shows no record: only the region's indicators without
disclosure control (:func:`analyst_regions`, used by the analysts' explorer).

The rules are applied on the queryset, as NetBox's ``RestrictedQuerySet.restrict(user, action)``
does: ``Enterprise.objects.visible_to(user)`` and ``AnnualReport.objects.visible_to(user)`` (which
follows the report's enterprise) call :func:`restrict`. This module imports no model: the grants
are read through the user's own relations (``user.region_scopes``, ``user.analyst_grants``, ``user.owner_links``), so the
models can import it at their top.
"""

from __future__ import annotations

import re

from django.db.models import Lookup, Q

from lumbung.registry.validators import region_prefixes

#: Actions of Django's model permissions. "view" is granted by the three grants above; any other
#: action also needs the model permission itself (``registry.change_enterprise`` ...).
ACTIONS = ("view", "add", "change", "delete")
SEE_ALL = "registry.view_all_enterprises"


#: Region levels stored in columns of their own (registry.models.LEVEL_LENGTHS), each indexed
#: with the name: a province's or a regency's enterprises are one equality, in name order.
LEVEL_COLUMNS = ((re.compile(r"^\d{2}$"), "province_code"), (re.compile(r"^\d{2}\.\d{2}$"), "regency_code"))


class Prefix(Lookup):
    """``column__prefix="32.04."``: the values that start with these characters, in byte order.
    SQLite: the range [prefix, prefix with its last character's successor), which the column's
    index answers (its collation is BINARY); Django's ``startswith`` is a LIKE there (case blind,
    with ESCAPE), which no index answers. Elsewhere: LIKE 'prefix%', which PostgreSQL answers from a
    varchar_pattern_ops index whatever the database's collation (a plain range would follow the
    collation's order, not the bytes'). Registered on region_code, kbli and nib (registry.models);
    those hold ASCII digits and dots, where a byte prefix and a case-blind one are the same."""

    lookup_name = "prefix"

    def _sides(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return lhs, list(lhs_params), str(self.rhs)

    def as_sql(self, compiler, connection):
        lhs, params, prefix = self._sides(compiler, connection)
        return f"{lhs} LIKE %s", [*params, connection.ops.prep_for_like_query(prefix) + "%"]

    def as_sqlite(self, compiler, connection):
        lhs, params, prefix = self._sides(compiler, connection)
        if not prefix or ord(prefix[-1]) >= 0xD7FF:  # no simple successor: the LIKE (scans)
            return f"{lhs} LIKE %s ESCAPE '\\'", [*params, connection.ops.prep_for_like_query(prefix) + "%"]
        after = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        return f"({lhs} >= %s AND {lhs} < %s)", [*params, prefix, *params, after]


def region_filter(codes, via: str = "", levels: bool = True) -> Q:
    """Q for region_code equal to one of ``codes`` or below it ("32.04" covers "32.04.01.2001",
    not "32.041"). ``via`` is the path to the enterprise ("enterprise__" from a report). An empty
    list gives a Q that matches nothing. A province or regency code is one equality on its level
    column (the same rows: a stored code is dotted, so what starts with "32.04" is "32.04" or
    below it); a deeper code is an equality or a prefix (:class:`Prefix`) on region_code.
    ``levels=False`` for another model with a region_code of its own (sentra, cooperatives), which
    has neither level columns nor the lookup: the equality and ``startswith``."""
    q = Q(pk__in=[])
    if not levels:
        for code in codes:
            q |= Q(**{via + "region_code": code}) | Q(**{via + "region_code__startswith": code + "."})
        return q
    for code in codes:
        column = next((name for pattern, name in LEVEL_COLUMNS if pattern.match(code)), None)
        if column:
            q |= Q(**{via + column: code})
        else:
            q |= Q(**{via + "region_code": code}) | Q(**{via + "region_code__prefix": code + "."})
    return q


def region_codes_of(user) -> list[str]:
    return list(user.region_scopes.values_list("region_code", flat=True))


def analyst_regions(user, records: bool = False) -> list[str]:
    """The region codes of ``user``'s analyst grants (those with record-level lists when
    ``records``), sorted; none for an anonymous or inactive user."""
    if not _active(user):
        return []
    grants = user.analyst_grants.all()
    if records:
        grants = grants.filter(records=True)
    return sorted(set(grants.values_list("region_code", flat=True)))


def covers(codes, code: str) -> bool:
    """Whether one of the region ``codes`` is ``code`` or a region above it."""
    wanted = set(codes)
    return any(prefix in wanted for prefix in region_prefixes(code))


def _active(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def restrict(queryset, user, action: str = "view", via: str = ""):
    """``queryset`` narrowed to the rows ``user`` may ``action``; ``via`` leads from the queryset's
    model to the enterprise ("" for enterprises, "enterprise__" for reports)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}; one of {', '.join(ACTIONS)}")
    if not _active(user):
        return queryset.none()
    meta = queryset.model._meta
    if action != "view" and not user.has_perm(f"{meta.app_label}.{action}_{meta.model_name}"):
        return queryset.none()
    if user.has_perm(SEE_ALL):
        return queryset
    # Read now, not as a subquery: an officer owns nothing, and "region OR id IN (subquery)" would
    # keep the database from reading the region's list in name order from its index.
    owned = list(user.owner_links.values_list("enterprise_id", flat=True))
    codes = region_codes_of(user)
    if action == "view":
        codes += analyst_regions(user, records=True)
    return queryset.filter(region_filter(codes, via) | Q(**{via + "pk__in": owned}))


def enterprises_visible_to(user, queryset):
    """The enterprises of ``queryset`` that ``user`` may see as records (aggregates are public)."""
    return restrict(queryset, user, "view")


def can_see_region(user, code: str) -> bool:
    """Whether ``user``'s region scopes cover ``code`` (for forms that pick a region; analyst
    grants do not: they are for reading)."""
    if user.has_perm(SEE_ALL):
        return True
    return covers(region_codes_of(user), code)
