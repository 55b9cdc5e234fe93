"""The region filter on the level columns (registry 0006): the same enterprises as "region_code is
the code or starts with the code and a dot", whatever the level, and a province's or a regency's
list in name order comes from its index (the plans: BENCHMARKS.md, officers' workspace)."""

from __future__ import annotations

import pytest
from django.db import connection

from lumbung.registry.access import region_filter
from lumbung.registry.models import Enterprise

pytestmark = pytest.mark.django_db

STORED = ("32", "32.04", "32.04.01", "32.04.01.2001", "32.04.10", "32.05.01", "32.73", "33.04", "31.71.01.1001")
ASKED = ("32", "3", "32.0", "32.04", "32.04.01", "32.04.1", "32.04.01.2001", "32.04.01.200", "32.05", "33", "34",
         "31.71.01", "32.041", "32.04.", "%", "32._4")


@pytest.fixture
def stored(make_enterprise):
    return [make_enterprise(name=f"Usaha {code}", region_code=code) for code in STORED]


@pytest.mark.parametrize("asked", ASKED)
def test_the_filter_keeps_the_prefix_meaning(stored, asked):
    expected = sorted(c for c in STORED if c == asked or c.startswith(asked + "."))
    assert sorted(Enterprise.objects.filter(region_filter([asked])).values_list("region_code", flat=True)) == expected


def test_the_level_columns_follow_save_update_and_bulk_create(make_enterprise):
    enterprise = make_enterprise(region_code="32.04.01")
    assert Enterprise.objects.values_list("province_code", "regency_code").get(pk=enterprise.pk) == ("32", "32.04")
    Enterprise.objects.filter(pk=enterprise.pk).update(region_code="33")
    assert Enterprise.objects.values_list("province_code", "regency_code").get(pk=enterprise.pk) == ("33", None)
    enterprise.refresh_from_db()
    enterprise.region_code = "35.29.01.2001"
    enterprise.save()
    enterprise.refresh_from_db()
    assert (enterprise.province_code, enterprise.regency_code) == ("35", "35.29")
    Enterprise.objects.bulk_create([Enterprise(name="Bulk", region_code="36.01", kbli="10792")])
    assert Enterprise.objects.values_list("province_code", "regency_code").get(name="Bulk") == ("36", "36.01")


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            return "\n".join(str(row[-1]) for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny test table: ask whether the index serves it
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize(("code", "index"), [("32", "enterprise_province_name_idx"),
                                             ("32.04", "enterprise_regency_name_idx")])
def test_a_region_list_in_name_order_is_read_from_its_index(stored, make_user, code, index):
    officer = make_user("dinas", "officer", regions=[code])
    plan = _plan(Enterprise.objects.visible_to(officer).order_by("name")[:51])
    assert index in plan, plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan.split(index)[0], plan
