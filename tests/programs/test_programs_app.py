"""The programs app: the seed, the importer's guarantees (every row stored or explained, idempotent,
audited), one rule set on every write path (import, model/admin/forms, API), the pages (owners see
why not, officers see who is not yet reached, scoped by visible_to) and the bank credit monitor."""

from __future__ import annotations

import csv
import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from lumbung.programs.importer import import_bank_reports, import_enrolments
from lumbung.programs.models import BankCreditReport, Enrolment, Program
from lumbung.programs.services import eligibility_counts, reach, seed
from lumbung.registry.models import AuditEntry

pytestmark = pytest.mark.django_db


def write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# ---------------------------------------------------------------- seed

def test_seed_is_idempotent_and_audited(catalogue):
    assert len(catalogue) == 8 and catalogue["kur"].type == "credit" and catalogue["kur"].ohno_step == 5
    again = seed()
    assert again.created == [] and again.updated == [] and len(again.unchanged) == 8
    assert AuditEntry.objects.filter(model="program", action="create").count() == 8
    Program.objects.filter(slug="kur").update(max_amount=1)
    assert seed().updated == ["kur"]


def test_program_rule_refused_by_the_model():
    program = Program(slug="x", name="X", eligibility="__import__('os')", source="s")
    with pytest.raises(ValidationError) as caught:
        program.full_clean()
    assert "eligibility" in caught.value.message_dict


# ---------------------------------------------------------------- import guarantees

def test_enrolment_import_stores_or_explains_every_row(catalogue, firm, tmp_path):
    a, b = firm(sales=100_000_000, nib="1234567890123"), firm(sales=100_000_000)
    path = write_csv(tmp_path / "e.csv", [
        ["program", "enterprise_id", "nib", "year", "date", "amount", "status"],
        ["kur", a.pk, "", 2023, "2023-03-01", 50_000_000, "enrolled"],  # stored
        ["kur", "", "1234567890123", 2022, "", "", ""],  # by NIB, status defaults to enrolled
        ["kur", b.pk, "", 2023, "", 600_000_000, ""],  # above KUR's Rp500 million
        ["kur", b.pk, "", 2005, "", "", ""],  # before KUR began (2007)
        ["nope", b.pk, "", 2023, "", "", ""],
        ["kur", 999_999, "", 2023, "", "", ""],
        ["kur", a.pk, "", 2023, "", "", ""],  # same key as line 2
        ["kur", b.pk, "", 2023, "2024-01-01", "", "done"],  # date outside the year; bad status
        ["kik", b.pk, "", 2023, "", "", ""],  # KIK ended in 1990
    ])
    errors = tmp_path / "errors.csv"
    result = import_enrolments(path, errors_path=errors)
    assert result.imported == 2 and result.rejected == 7
    assert result.counts == {"created": 2, "updated": 0, "unchanged": 0}
    reasons = {(e.line, e.column): e.reason for e in result.errors}
    assert "largest amount" in reasons[(4, "amount")]
    assert "first year 2007" in reasons[(5, "year")]
    assert "no such program" in reasons[(6, "program")]
    assert "no enterprise" in reasons[(7, "enterprise_id")]
    assert "line 2" in reasons[(8, "")]
    assert "not in the year enrolled" in reasons[(9, "date")] and "not one of" in reasons[(9, "status")]
    assert "last year 1990" in reasons[(10, "year")]
    lines = {int(row["line"]) for row in csv.DictReader(open(errors, encoding="utf-8"))}
    assert lines == {4, 5, 6, 7, 8, 9, 10}  # with the 2 stored, every one of the 9 rows is accounted for
    assert Enrolment.objects.get(enterprise=a, year=2022).status == "enrolled"
    assert AuditEntry.objects.filter(model="enrolment", action="create", source="import:e.csv").count() == 2

    again = import_enrolments(path)  # idempotent
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 2} and Enrolment.objects.count() == 2

    write_csv(path, [["program", "enterprise_id", "year", "amount"], ["kur", a.pk, 2023, 60_000_000]])
    changed = import_enrolments(path)
    assert changed.counts == {"created": 0, "updated": 1, "unchanged": 0}
    entry = AuditEntry.objects.get(model="enrolment", action="update")
    assert entry.changes["amount"] == [50_000_000, 60_000_000]


def test_enrolment_import_dry_run_writes_nothing(catalogue, firm, tmp_path):
    a = firm()
    path = write_csv(tmp_path / "e.csv", [["program", "enterprise_id", "year"], ["kur", a.pk, 2023]])
    result = import_enrolments(path, dry_run=True)
    assert result.imported == 1 and Enrolment.objects.count() == 0 and not AuditEntry.objects.filter(model="enrolment")


def test_enrolment_import_refuses_an_unusable_file(catalogue, tmp_path):
    from lumbung.imports.results import UnusableFile

    with pytest.raises(UnusableFile, match="required columns missing"):
        import_enrolments(write_csv(tmp_path / "e.csv", [["program", "year"], ["kur", "2023"]]))


def test_bank_report_import(tmp_path):
    path = write_csv(tmp_path / "b.csv", [
        ["bank", "year", "period", "outstanding_credit", "small_business_credit"],
        ["Bank A", 2021, "Y", 1000, 250],
        ["Bank A", 2022, "", 1000, 150],  # period defaults to Y
        ["Bank A", 2022, "Q5", 1000, 150],
        ["Bank B", 2022, "Y", 1000, 1500],  # part larger than the whole
        ["Bank B", 1980, "Y", 1000, 100],  # before the 1990 obligation
        ["Bank A", 2021, "Y", 1000, 250],  # same key as line 2
    ])
    result = import_bank_reports(path)
    assert (result.imported, result.rejected) == (2, 4)
    columns = {(e.line, e.column) for e in result.errors}
    assert columns == {(4, "period"), (5, "small_business_credit"), (6, "year"), (7, "")}
    assert import_bank_reports(path).counts == {"created": 0, "updated": 0, "unchanged": 2}
    assert AuditEntry.objects.filter(model="bankcreditreport", action="create").count() == 2


@pytest.mark.parametrize(("values", "field", "rule"), [
    ({"amount": 600_000_000}, "amount", "enrolment.within_ceiling"),
    ({"year": 2005}, "year", "enrolment.not_before_program"),
    ({"amount": -1}, "amount", "program.money_not_negative"),
    ({"date": "2022-05-01"}, "date", "enrolment.date_in_year"),
])
def test_model_applies_the_same_rules(catalogue, firm, values, field, rule):
    import datetime as dt

    if "date" in values:
        values["date"] = dt.date.fromisoformat(values["date"])
    enrolment = Enrolment(program=catalogue["kur"], enterprise=firm(), **{"year": 2023, **values})
    with pytest.raises(ValidationError) as caught:
        enrolment.full_clean()
    assert [e.code for e in caught.value.error_dict[field]] == [rule]


# ---------------------------------------------------------------- eligibility over the registry

def test_counts_and_reach_scoped_by_region(catalogue, firm, user):
    eligible = firm(sales=1_000_000_000, credit_bank=0)  # micro under PP 7/2021, no bank loan
    enrolled = firm(sales=1_000_000_000, credit_bank=0)
    firm(sales=1_000_000_000, credit_bank=5_000_000)  # has a bank loan
    firm(sales=None, credit_bank=0)  # no sales figure: unknown
    elsewhere = firm(region_code="33.01", sales=1_000_000_000, credit_bank=0)
    Enrolment.objects.create(program=catalogue["kur"], enterprise=enrolled, year=2023)
    assert eligibility_counts(["kur"])["kur"] == {"eligible": 3, "not_eligible": 1, "unknown": 1}
    assert eligibility_counts(["kur"], region="33")["kur"] == {"eligible": 1, "not_eligible": 0, "unknown": 0}
    officer = user("officer1", "officer", regions=["32.04"])
    result = reach(catalogue["kur"], officer)
    assert (result.eligible, result.enrolled_eligible, result.not_reached) == (2, 1, [eligible.pk])
    assert elsewhere.pk not in result.not_reached
    analyst = user("analyst1", "analyst", regions=["32", "33"], records=True)  # granted both provinces
    assert set(reach(catalogue["kur"], analyst).not_reached) == {eligible.pk, elsewhere.pk}


# ---------------------------------------------------------------- pages

def test_catalogue_and_program_pages_are_public(catalogue):
    client = Client()
    page = client.get(reverse("programs:catalogue"))
    assert page.status_code == 200 and "KUPEDES" in page.content.decode()
    detail = client.get(reverse("programs:program", args=["kur"]))
    text = detail.content.decode()
    assert detail.status_code == 200 and "Permenko Perekonomian No. 1 Tahun 2023" in text
    assert "kelas ukuran menurut pp-7-2021 salah satu dari mikro, kecil" in text  # Indonesian by default
    english = client.get("/en/programs/kur/").content.decode()
    assert "size class under pp-7-2021 one of micro, small" in english
    assert client.get(reverse("programs:program", args=["nope"])).status_code == 404


def test_owner_sees_why_not(catalogue, firm, user):
    mine = firm(sales=20_000_000_000, credit_bank=0, workers=30)  # medium under PP 7/2021
    other = firm(region_code="33.01")
    owner = user("owner1", "owner", enterprises=[mine.pk])
    client = client_for(owner)
    page = client.get(reverse("programs:for_enterprise", args=[mine.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Tidak dipenuhi" in text and "Rp20.000.000.000" in text  # the failed clause and the firm's value
    assert client.get(reverse("programs:for_enterprise", args=[other.pk])).status_code == 404
    assert client.get(reverse("programs:reach", args=["kur"])).status_code == 403  # owners have no region
    assert reverse("programs:for_enterprise", args=[mine.pk]) in client.get(reverse("programs:catalogue")).content.decode()


def test_officer_sees_not_yet_reached_in_region(catalogue, firm, user):
    near = firm(sales=1_000_000, credit_bank=0)
    far = firm(region_code="33.01", sales=1_000_000, credit_bank=0)
    officer = user("officer2", "officer", regions=["32"])
    page = client_for(officer).get(reverse("programs:reach", args=["kur"]))
    text = page.content.decode()
    assert page.status_code == 200 and near.name in text and far.name not in text


def test_enrolment_form_applies_rules_and_scope(catalogue, firm, user):
    near, far = firm(), firm(region_code="33.01")
    officer = user("officer3", "officer", regions=["32"])
    client = client_for(officer)
    url = reverse("programs:enrolment_new")
    bad = client.post(url, {"enterprise": near.pk, "program": catalogue["kur"].pk, "year": 2023,
                            "amount": 900_000_000, "status": "enrolled"})
    assert bad.status_code == 200 and Enrolment.objects.count() == 0
    outside = client.post(url, {"enterprise": far.pk, "program": catalogue["kur"].pk, "year": 2023,
                                "status": "enrolled"})
    assert outside.status_code == 200 and Enrolment.objects.count() == 0
    good = client.post(url, {"enterprise": near.pk, "program": catalogue["kur"].pk, "year": 2023,
                             "amount": 10_000_000, "status": "enrolled"})
    assert good.status_code == 302 and Enrolment.objects.get().amount == 10_000_000
    assert AuditEntry.objects.filter(model="enrolment", action="create", actor=officer).exists()
    owner = user("owner3", "owner", enterprises=[near.pk])
    assert client_for(owner).get(url).status_code == 403


def test_bank_monitor(user):
    for bank, year, total, small in [("Bank A", 2021, 1000, 250), ("Bank A", 2022, 1000, 150),
                                     ("Bank B", 2021, 3000, 300), ("Bank B", 2022, 1000, 300)]:
        BankCreditReport.objects.create(bank=bank, year=year, outstanding_credit=total, small_business_credit=small)
    analyst = user("analyst2", "analyst")
    client = client_for(analyst)
    page = client.get("/en" + reverse("programs:banks"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "13.8%" in text  # 2021, all banks: 550 of 4000
    assert "22.5%" in text  # 2022, all banks: 450 of 2000
    spec = json.loads(text.split('id="banks-spec" type="application/json">')[1].split("</script>")[0])
    assert spec["layer"][1]["data"]["values"][0]["target"] == 20.0
    assert {d["bank"] for d in spec["layer"][0]["data"]["values"]} == {"Bank A", "Bank B", "All banks"}
    assert client.get(reverse("programs:bank_detail", args=["Bank A"])).status_code == 200
    assert client.get(reverse("programs:bank_detail", args=["Bank Z"])).status_code == 404
    assert Client().get(reverse("programs:banks")).status_code == 302  # signed in only


# ---------------------------------------------------------------- API

def test_api_scoped_and_rules(catalogue, firm, user):
    near, far = firm(), firm(region_code="33.01")
    Enrolment.objects.create(program=catalogue["kur"], enterprise=near, year=2023)
    Enrolment.objects.create(program=catalogue["kur"], enterprise=far, year=2023)
    officer = user("officer4", "officer", regions=["32"])
    client = client_for(officer)
    listed = client.get("/api/enrolments/").json()
    assert [r["enterprise"] for r in listed["results"]] == [near.pk]
    far_id = Enrolment.objects.get(enterprise=far).pk
    assert client.get(f"/api/enrolments/{far_id}/").status_code == 404
    bad = client.post("/api/enrolments/", {"program": "kur", "enterprise": near.pk, "year": 2024,
                                           "amount": 900_000_000}, content_type="application/json")
    assert bad.status_code == 400 and "amount" in json.dumps(bad.json())
    good = client.post("/api/enrolments/", {"program": "kur", "enterprise": near.pk, "year": 2024,
                                            "amount": 9_000_000}, content_type="application/json")
    assert good.status_code == 201, good.content
    assert Client().get("/api/programs/kur/").json()["eligibility"].startswith('size("pp-7-2021")')
    assert Client().get("/api/enrolments/").status_code in (401, 403)
    schema = Client().get("/api/openapi.json").json()
    assert {"/api/programs/", "/api/enrolments/", "/api/bank-reports/"} <= set(schema["paths"])


# ---------------------------------------------------------------- the role-matrix rows hold
