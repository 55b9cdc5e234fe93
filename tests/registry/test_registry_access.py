"""Who sees which enterprise: decided by permission, RegionScope, AnalystGrant and EnterpriseOwner rows."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission, User

from lumbung.registry.models import AnalystGrant, Enterprise, RegionScope

pytestmark = pytest.mark.django_db


@pytest.fixture
def firms(make_enterprise):
    codes = {"bandung_village": "32.04.01.2001", "bandung": "32.04", "garut": "32.05.01",
             "jakarta": "31.71.01", "bandung_city": "32.73"}
    return {key: make_enterprise(name=key, region_code=code) for key, code in codes.items()}


def _names(user):
    return sorted(Enterprise.objects.visible_to(user).values_list("name", flat=True))


def test_roles_exist_as_groups_with_permissions():
    assert set(Group.objects.values_list("name", flat=True)) >= {"owner", "officer", "analyst", "admin"}
    analyst = Group.objects.get(name="analyst").permissions.values_list("codename", flat=True)
    assert "view_all_enterprises" not in analyst and "change_enterprise" not in analyst
    admin = Group.objects.get(name="admin").permissions.values_list("codename", flat=True)
    assert {"view_all_enterprises", "add_analystgrant", "change_analystgrant"} <= set(admin)
    officer = Group.objects.get(name="officer").permissions.values_list("codename", flat=True)
    assert "view_all_enterprises" not in officer and "change_enterprise" in officer


def test_officer_sees_own_region_and_below(firms, make_user):
    officer = make_user("dinas_bandung", "officer", regions=["32.04"])
    assert _names(officer) == ["bandung", "bandung_village"]


def test_province_scope_covers_its_regencies(firms, make_user):
    officer = make_user("dinas_jabar", "officer", regions=["32"])
    assert _names(officer) == ["bandung", "bandung_city", "bandung_village", "garut"]


def test_several_scopes_add_up(firms, make_user):
    officer = make_user("dinas_dua", "officer", regions=["32.05", "31.71.01"])
    assert _names(officer) == ["garut", "jakarta"]


def test_scope_is_data_a_new_row_widens_it(firms, make_user):
    officer = make_user("dinas", "officer", regions=["32.05"])
    RegionScope.objects.create(user=officer, region_code="32.73")
    assert _names(officer) == ["bandung_city", "garut"]


def test_analyst_sees_records_only_through_grants_with_records(firms, make_user):
    assert _names(make_user("analis", "analyst")) == []  # no grant: no record
    figures_only = make_user("analis_angka", "analyst", regions=["32"])
    assert _names(figures_only) == []  # a grant without records: indicators, no record
    records = make_user("analis_rekaman", "analyst", regions=["32.04", "31.71"], records=True)
    assert _names(records) == ["bandung", "bandung_village", "jakarta"]
    AnalystGrant.objects.create(user=figures_only, region_code="32.05", records=True)
    assert _names(figures_only) == ["garut"]  # the grant is data: a new row widens it
    assert Enterprise.objects.restrict(records, "change").count() == 0


def test_grant_gives_nothing_to_change_even_to_an_officer(firms, make_user):
    officer = make_user("dinas_bdg", "officer", regions=["32.04"])
    AnalystGrant.objects.create(user=officer, region_code="31.71", records=True)
    assert _names(officer) == ["bandung", "bandung_village", "jakarta"]
    changeable = sorted(Enterprise.objects.restrict(officer, "change").values_list("name", flat=True))
    assert changeable == ["bandung", "bandung_village"]


def test_analyst_regions(firms, make_user):
    from lumbung.registry.access import analyst_regions, covers

    analyst = make_user("analis_dua", "analyst", regions=["32", "31.71"])
    AnalystGrant.objects.create(user=analyst, region_code="35.29", records=True)
    assert analyst_regions(analyst) == ["31.71", "32", "35.29"]
    assert analyst_regions(analyst, records=True) == ["35.29"]
    assert covers(["32"], "32.04.01") and not covers(["32.04"], "32.041") and not covers(["32.04"], "32")


def test_admin_sees_all_owner_sees_own(firms, make_user):
    assert len(_names(make_user("pengelola", "admin"))) == 5
    owner = make_user("pemilik", "owner", enterprises=[firms["garut"].pk])
    assert _names(owner) == ["garut"]


def test_permission_not_role_name_decides(firms):
    user = User.objects.create_user("tanpa_peran", password="x")
    assert _names(user) == []
    user.user_permissions.add(Permission.objects.get(codename="view_all_enterprises"))
    user = User.objects.get(pk=user.pk)  # drop the permission cache
    assert len(_names(user)) == 5


def test_anonymous_and_inactive_see_nothing(firms, make_user):
    from django.contrib.auth.models import AnonymousUser

    assert _names(AnonymousUser()) == [] and _names(None) == []
    analyst = make_user("nonaktif", "analyst", regions=["32"], records=True)
    assert _names(analyst) != []
    analyst.is_active = False
    analyst.save()
    assert _names(analyst) == []
