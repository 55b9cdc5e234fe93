"""The name and NIB search of the workspace lists (registry.search): the same enterprises as
Django's ``icontains`` / NIB prefix whichever way the candidates are found (the FTS table on
SQLite, few or many candidates, short text, wildcard characters), and the FTS table follows
every change of a name (its triggers)."""

from __future__ import annotations

import pytest
from django.db import connection

from lumbung.registry import search
from lumbung.registry.filtersets import EnterpriseFilterSet
from lumbung.registry.models import Enterprise

pytestmark = pytest.mark.django_db

NAMES = ("Tahu Sumedang Bu Sari", "Kerupuk SARI Rasa", "Batik Indah", "Mebel Jati Indah", "Roti 100% Enak",
         "Kopi_Tubruk", "Dodol Garut", "Keripik Sari-Sari", "Tenun Ikat 3204")
ASKED = ("sari", "SARI", "Sari Rasa", "indah", "ri", "100%", "_Tub", "o_i", "garut dodol", "3204", "zzz", "ikat 32")


@pytest.fixture
def stored(make_enterprise):
    return [make_enterprise(name=name, nib=f"32041{n:08d}") for n, name in enumerate(NAMES)]


def _found(value):
    filterset = EnterpriseFilterSet({"q": value}, queryset=Enterprise.objects.all())
    return sorted(filterset.qs.values_list("name", flat=True))


def _expected(value):
    digits = value.replace(".", "").replace(" ", "")
    contains = Enterprise.objects.filter(name__icontains=value)
    if digits.isdigit():
        contains = contains | Enterprise.objects.filter(nib__startswith=digits)
    return sorted(contains.values_list("name", flat=True))


@pytest.mark.parametrize("candidates", [2000, 1])
@pytest.mark.parametrize("value", ASKED)
def test_the_search_keeps_the_meaning_of_contains(stored, monkeypatch, candidates, value):
    monkeypatch.setattr(search, "CANDIDATES", candidates)  # 1: the text is "common", the LIKE walks
    assert _found(value) == _expected(value)


def test_a_nib_prefix_finds_its_enterprises(stored):
    assert _found("3204100000003") == ["Mebel Jati Indah"]
    assert len(_found("32041")) == len(NAMES)


def test_the_fts_table_follows_inserts_changes_and_deletes(stored):
    batik = Enterprise.objects.get(name="Batik Indah")
    batik.name = "Batik Tulis Lasem"
    batik.save()
    Enterprise.objects.filter(name="Dodol Garut").update(name="Dodol Picnic")
    Enterprise.objects.filter(name="Mebel Jati Indah").delete()
    Enterprise.objects.create(name="Anyaman Indah", region_code="32.04", kbli="10792")
    assert _found("indah") == ["Anyaman Indah"]
    assert _found("lasem") == ["Batik Tulis Lasem"]
    assert _found("picnic") == ["Dodol Picnic"] and _found("garut") == []
    if connection.vendor == "sqlite":
        assert search.fts_ready()
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {search.FTS_TABLE} ({search.FTS_TABLE}) VALUES ('integrity-check')")
