"""Network pages: public figures through disclosure, scoped member lists, the region view, the
partner finder with its reasons and contact through the platform without personal data."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils.translation import override
from network_samples import enterprise, network

from lumbung.linkages import finder
from lumbung.linkages.models import ContactRequest, Linkage
from lumbung.registry.accounts import create_user

pytestmark = pytest.mark.django_db
PHONE = "0812-3456-7890"


@pytest.fixture
def world():
    firms = network()
    firms["A"].owner_name = "Siti Secret"
    firms["A"].address = "Jl. Rumah 1"
    firms["A"].save()
    users = {"owner": create_user("owner-a", "owner", enterprises=[firms["A"].pk], password="pw-123456789"),
             "owner_l": create_user("owner-l", "owner", enterprises=[firms["L"].pk], password="pw-123456789"),
             "officer": create_user("off", "officer", regions=["32.04"], password="pw-123456789"),
             "other": create_user("off2", "officer", regions=["33.74"], password="pw-123456789")}
    return firms, users


def _client(user=None, lang="en"):
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    if user:
        client.force_login(user)
    return client


def test_group_pages_hide_small_cells_and_list_members_by_scope(world):
    firms, users = world
    page = _client().get("/en/network/sentra/S1/")
    text = page.content.decode()
    assert page.status_code == 200 and "Ibu Sari, Pak Budi" in text and "UPT Logam" in text
    assert "◆" in text and "100,000,000" not in text.replace(".", ",")  # one member: hidden
    assert "Sentra Tahu" in text and firms["A"].name not in text.split("Members you may see")[0][-200:]
    officer = _client(users["officer"]).get("/en/network/sentra/S1/").content.decode()
    assert "Members you may see" in officer and ">A</a>" in officer
    other = _client(users["other"]).get("/en/network/sentra/S1/").content.decode()
    assert "None of the members is in your scope." in other
    assert _client(lang="id").get("/network/cooperatives/K1/").status_code == 200  # Indonesian default
    assert _client().get("/en/network/sentra/NOPE/").status_code == 404


def test_three_members_show_their_figures(world):
    firms, _users = world
    for name in ("C", "D"):
        firms["sentra"].memberships.create(enterprise=firms[name], start_date="2020-01-01", source="Dinas")
    text = _client().get("/en/network/sentra/S1/").content.decode()
    assert "Members with a report" in text and ">3<" in text.replace(" ", "")


def test_region_view_summarised_for_the_public_and_node_by_node_in_scope(world):
    firms, users = world
    public = _client().get("/en/network/regions/32.04/").content.decode()
    assert "<svg" in public and "grouped by KBLI division" in public and "Siti" not in public
    assert ">A<" not in public  # no enterprise names for the public
    officer = _client(users["officer"]).get("/en/network/regions/32.04/").content.decode()
    assert "Each enterprise is drawn as a node." in officer and ">A<" in officer
    assert _client().get("/en/network/regions/99.99/").status_code == 404


def test_partner_finder_ranks_with_reasons_and_never_shows_personal_data(world):
    firms, users = world
    near = enterprise("Pabrik Roti Besar", region="32.04", kbli="11040", workers=60)  # beverages: buyer of 10
    far = enterprise("Minuman Jauh", region="32.73", kbli="11040", workers=200)      # same province, other city
    enterprise("Kecil Lain", region="32.04", kbli="11040", workers=2)               # smaller: not a buyer
    with override("en"):  # the reasons are worded in the active language; read them in English
        mode, found = finder.find(firms["C"])
    assert mode == "buyers"
    names = [c.enterprise.name for c in found]
    assert names.index("Pabrik Roti Besar") < names.index("Minuman Jauh") and "Kecil Lain" not in names
    assert "L" in names  # a larger firm in the same division (weight 1)
    top = found[0]
    reasons = [str(r) for r in top.reasons]
    assert any("same regency" in r for r in reasons) and any("related sector" in r for r in reasons)
    # a large firm gets candidate IKM suppliers, already-linked ones left out
    mode, suppliers = finder.find(firms["L"])
    assert mode == "suppliers" and "A" not in [c.enterprise.name for c in suppliers]
    assert "C" in [c.enterprise.name for c in suppliers]
    page = _client(users["owner"]).get(f"/en/network/enterprises/{firms['A'].pk}/partners/").content.decode()
    assert "Pabrik Roti Besar" in page and "Score" in page
    assert "Siti" not in page and "Rumah" not in page
    assert near.pk and far.pk


def test_contact_goes_through_the_platform(world):
    firms, users = world
    firms["B"] = enterprise("Pabrik Tahu Besar", workers=60)  # a candidate buyer of A: larger, same division
    users["owner_b"] = create_user("owner-b", "owner", enterprises=[firms["B"].pk], password="pw-123456789")
    owner = _client(users["owner"])
    # L is A's partner already (not a candidate) and not visible to A's owner: no message to it
    assert owner.post(f"/en/network/enterprises/{firms['A'].pk}/partners/{firms['L'].pk}/contact/",
                      {"message": "x"}).status_code == 404
    sent = owner.post(f"/en/network/enterprises/{firms['A'].pk}/partners/{firms['B'].pk}/contact/",
                      {"message": f"We make tofu; call {PHONE}"})
    assert sent.status_code == 302
    request = ContactRequest.objects.get()
    inbox = _client(users["owner_b"]).get("/en/network/contacts/").content.decode()
    assert "We make tofu" in inbox and PHONE not in inbox and "Siti" not in inbox and "Rumah" not in inbox
    # only the receiving side answers
    assert owner.post(f"/en/network/contacts/{request.pk}/answer/", {"decision": "accepted"}).status_code == 404
    _client(users["owner_b"]).post(f"/en/network/contacts/{request.pk}/answer/",
                                   {"decision": "accepted", "reply": "Welcome"})
    request.refresh_from_db()
    assert request.status == "accepted" and request.reply == "Welcome"
    # nor to an enterprise that is neither a candidate nor visible (no name leaks through an id)
    assert owner.post(f"/en/network/enterprises/{firms['A'].pk}/partners/{firms['F'].pk}/contact/",
                      {"message": "x"}).status_code == 404
    # an owner cannot send for an enterprise that is not theirs
    assert owner.post(f"/en/network/enterprises/{firms['L'].pk}/partners/{firms['A'].pk}/contact/",
                      {"message": "x"}).status_code == 404


def test_linkage_form_applies_the_rules(world):
    firms, users = world
    officer = _client(users["officer"])
    url = f"/en/network/enterprises/{firms['C'].pk}/linkages/new/"
    bad = officer.post(url, {"partner": firms["L"].pk, "kind": "buyer", "start_date": "1960-01-01", "source": "x"})
    assert bad.status_code == 200 and "is not a date between 1975-01-01" in bad.content.decode()
    good = officer.post(url, {"partner": firms["L"].pk, "kind": "buyer", "start_date": "2023-01-01", "source": "x"})
    assert good.status_code == 302 and Linkage.objects.filter(ikm=firms["C"]).count() == 1
    assert _client(users["other"]).get(url).status_code == 404
