"""Search of enterprises by name (contains, case blind) and NIB (starts with), answered from
indexes at a million enterprises (docs/workspace.md, "Lists at a million enterprises").

The meaning is the list's, on both databases: a name matches when it contains the words typed,
as typed (Django's ``icontains``: SQLite's LIKE, case blind for ASCII letters; PostgreSQL's
UPPER(name) LIKE UPPER(...)). The indexes only find candidates faster:

- SQLite: the FTS5 table ``registry_enterprise_name_fts`` (trigram tokenizer, kept by triggers;
  migration registry 0006) gives the ids of names containing the text; at most ``CANDIDATES`` of
  them are read first (it reads them one by one, so a common text costs CANDIDATES reads). When there are that few, the list is those ids (each checked again by the
  LIKE, so the FTS table's own case folding cannot widen the result); when there are more, the
  text is common and the list walks its region's name index with the LIKE, which soon finds a
  page. Text shorter than three characters has no trigram: the LIKE alone.
- PostgreSQL: a pg_trgm GIN index on UPPER(name) serves Django's ``icontains`` as it is, and the
  planner chooses between it and the region's name index; without the extension, the LIKE scans.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Q

#: How many candidate ids a name search reads from the FTS table before it calls the text common.
CANDIDATES = 2000
#: The FTS5 table over registry_enterprise.name (registry/migrations/0006_region_prefix_columns.py).
FTS_TABLE = "registry_enterprise_name_fts"
#: Shortest text with a trigram (FTS5's trigram tokenizer indexes three characters at a time).
TRIGRAM = 3


def name_q(value: str, via: str = "") -> Q:
    """Q for enterprises (``via`` from reports: "enterprise__") whose name contains ``value``."""
    contains = Q(**{via + "name__icontains": value})
    ids = _name_candidates(value)
    return contains if ids is None else Q(**{via + "pk__in": ids}) & contains


def nib_or_name_q(value: str, digits: str, via: str = "") -> Q:
    """A search of digits: the NIB starts with them or the name contains ``value``. On SQLite,
    when both halves have few candidates, the list is read from those ids (the NIB's from its
    unique index): without them SQLite walks the region's name index, having no estimate of how
    few NIBs a prefix holds."""
    matches = Q(**{via + "nib__prefix": digits}) | Q(**{via + "name__icontains": value})
    names = _name_candidates(value)
    nibs = _nib_candidates(digits) if names is not None else None
    if nibs is None:
        return matches
    return Q(**{via + "pk__in": sorted(set(names) | set(nibs))}) & matches


def _nib_candidates(digits: str) -> list[int] | None:
    from lumbung.registry.models import Enterprise  # noqa: PLC0415 - the models import registry.access, not this

    ids = list(Enterprise.objects.filter(nib__prefix=digits).values_list("pk", flat=True)[:CANDIDATES + 1])
    return ids if len(ids) <= CANDIDATES else None


def _name_candidates(value: str) -> list[int] | None:
    """The ids of names containing ``value`` by the FTS table (a phrase of trigrams, case blind:
    at least the rows the LIKE keeps), when there are at most CANDIDATES; None when there are
    more, when ``value`` is too short or holds a LIKE wildcard, or off SQLite."""
    if (connection.vendor != "sqlite" or len(value) < TRIGRAM or "%" in value or "_" in value
            or not fts_ready()):
        return None
    phrase = '"' + value.replace('"', '""') + '"'
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s LIMIT %s", [phrase, CANDIDATES + 1])
        ids = [row[0] for row in cursor.fetchall()]
    return ids if len(ids) <= CANDIDATES else None


def fts_ready() -> bool:
    """Whether the FTS table exists (SQLite built without FTS5 has none: the LIKE alone)."""
    cached = getattr(connection, "_lumbung_fts", None)
    if cached is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = %s", [FTS_TABLE])
            cached = connection._lumbung_fts = cursor.fetchone()[0] == 1
    return cached
