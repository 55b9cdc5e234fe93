"""One rule set for every way data enters the registry (issue 8, point 2): the same bad cases run
through ``lumbung.rules`` directly, the importer (a small CSV through ``import_file``), the models'
``full_clean`` and the admin's add forms (logged in as an administrator), and each path refuses
with the same rule id (the importer's reason is the rule's message, which names one rule)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from lumbung import rules
from lumbung.imports.readers import LINE
from lumbung.imports.validate import validate
from lumbung.registry.accounts import create_user
from lumbung.registry.importer import import_file
from lumbung.registry.models import AnnualReport, Enterprise
from lumbung.registry.validators import validate_owner_nik
from lumbung.vocabulary import TEMPLATE_COLUMNS

NEXT_YEAR = dt.date.today().year + 1
GOOD_ENTERPRISE = {"source_id": "A1", "nib": "1234567890123", "name": "Tahu Bu Sari", "owner_nik": "3204015507900001",
                   "founded_year": "2010", "region_code": "32.04", "kbli": "10792"}
GOOD_REPORT = {"year": "2023", "workers": "3", "workers_paid": "1", "workers_female": "2", "sales": "120000000"}

#: (field, value, rule): an enterprise's cell.
ENTERPRISE_CASES = [
    ("region_code", "99.99", "region.exists"),  # a province "99" appeared on the public page
    ("region_code", "32.04.99.9999", "region.exists"),  # no district 32.04.99, so no such village
    ("region_code", "32.04.01", "region.exists"),  # well formed, not in the 2025 code list
    ("region_code", "Bandung", "region.format"),
    ("kbli", "99999", "kbli.subclass"),
    ("kbli", "10000", "kbli.subclass"),
    ("nib", "123456789012", "nib.format"),  # 12 digits
    ("nib", "12345678901AB", "nib.format"),
    ("owner_nik", "320401550790000", "nik.format"),  # 15 digits
    ("owner_nik", "3204011234560001", "nik.structure"),  # month 34
    ("owner_nik", "9904015507900001", "nik.structure"),  # no province 99
    ("founded_year", "1700", "year.founded"),
    ("founded_year", str(NEXT_YEAR), "year.founded"),
]
#: (cells of the report, founded_year of its enterprise, field, rule).
REPORT_CASES = [
    ({"workers": "0", "workers_paid": "5"}, "2010", "workers", "count.workers_min"),
    ({"workers": "3", "workers_paid": "5"}, "2010", "workers_paid", "count.paid_within_workers"),
    ({"workers": "3", "workers_female": "4"}, "2010", "workers_female", "count.female_within_workers"),
    ({"workers": "2000000"}, "2010", "workers", "count.max"),
    ({"sales": "-100"}, "2010", "sales", "money.not_negative"),
    ({"year": "1800"}, "2010", "year", "year.report"),
    ({"year": str(NEXT_YEAR)}, "2010", "year", "year.report"),
    ({"year": "2023"}, "2024", "founded_year", "year.founded_before_report"),
]
INTS = {"founded_year", "year", "workers", "workers_paid", "workers_female", "sales"}


def _typed(values: dict) -> dict:
    return {k: int(v) if k in INTS and v.lstrip("-").isdigit() else v for k, v in values.items()}


# -- rules directly ---------------------------------------------------------------------------------

@pytest.mark.parametrize("field,value,rule", ENTERPRISE_CASES)
def test_rules_refuse_the_enterprise_cell(field, value, rule):
    for values in ({**GOOD_ENTERPRISE, field: value}, _typed({**GOOD_ENTERPRISE, field: value})):
        assert [(v.field, v.rule) for v in rules.check_enterprise(values)] == [(field, rule)]


@pytest.mark.parametrize("cells,founded,field,rule", REPORT_CASES)
def test_rules_refuse_the_report(cells, founded, field, rule):
    for convert in (dict, _typed):
        found = rules.check_report(convert({**GOOD_REPORT, **cells}), convert({"founded_year": founded}))
        assert [(v.field, v.rule) for v in found] == [(field, rule)]


def test_good_values_pass_every_rule():
    assert rules.check_enterprise(GOOD_ENTERPRISE) == [] and rules.check_report(GOOD_REPORT, GOOD_ENTERPRISE) == []


def test_each_fields_rules_have_distinct_messages():
    """The importer's reason is the rule's message: within a field it names exactly one rule."""
    for name in TEMPLATE_COLUMNS:
        templates = [rule.message for rule in rules.rules_for(name)]
        assert len(templates) == len(set(templates)), name


def test_every_rule_names_its_source_and_fields():
    # the programs' records name their fields with their prefix (rules.PROGRAM_FIELDS ...)
    known = {*TEMPLATE_COLUMNS, *rules.PROGRAM_FIELDS, *rules.ENROLMENT_FIELDS, *rules.BANK_FIELDS}
    for rule in rules.RULES:
        assert rule.source and rule.fields and set(rule.fields) <= known, rule.id


# -- the importer -------------------------------------------------------------------------------------

def _import(tmp_path, cells: dict) -> list:
    path = tmp_path / "one.csv"
    row = {**GOOD_ENTERPRISE, **GOOD_REPORT, **cells}
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(TEMPLATE_COLUMNS)
        writer.writerow([row.get(c, "") for c in TEMPLATE_COLUMNS])
    result = import_file(path)
    assert result.imported == 0 and result.rejected == 1
    return [(e.column, e.reason) for e in result.errors if not e.note]


@pytest.mark.django_db
@pytest.mark.parametrize("field,value,rule", ENTERPRISE_CASES)
def test_importer_refuses_the_enterprise_cell(tmp_path, field, value, rule):
    expected = rules.check_enterprise({field: value})[0]
    assert expected.rule == rule
    assert _import(tmp_path, {field: value}) == [(field, expected.message)]


@pytest.mark.django_db
@pytest.mark.parametrize("cells,founded,field,rule", REPORT_CASES)
def test_importer_refuses_the_report(tmp_path, cells, founded, field, rule):
    expected = rules.check_report({**GOOD_REPORT, **cells}, {"founded_year": founded})[0]
    assert expected.rule == rule
    assert _import(tmp_path, {**cells, "founded_year": founded}) == [(field, expected.message)]


def test_vectorised_checks_carry_the_rule_ids():
    rows = [{**GOOD_ENTERPRISE, **GOOD_REPORT, field: value} for field, value, _rule in ENTERPRISE_CASES]
    rows += [{**GOOD_ENTERPRISE, **GOOD_REPORT, **cells, "founded_year": founded}
             for cells, founded, _f, _r in REPORT_CASES]
    frame = pl.DataFrame([{LINE: i + 2, **r} for i, r in enumerate(rows)]).with_columns(pl.col(LINE).cast(pl.Int64))
    found = validate(frame).rules.sort("line").select("column", "rule").rows()
    expected = [(f, r) for f, _v, r in ENTERPRISE_CASES] + [(f, r) for _c, _y, f, r in REPORT_CASES]
    assert found == expected


# -- the models' full_clean -----------------------------------------------------------------------------

def _codes(error) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}


@pytest.mark.django_db
@pytest.mark.parametrize("field,value,rule", ENTERPRISE_CASES)
def test_model_refuses_the_enterprise_cell(field, value, rule):
    if field == "owner_nik":  # no model field holds the NIK in clear: forms and the API validate it
        with pytest.raises(ValidationError) as error:
            validate_owner_nik(value)
        assert error.value.code == rule
        return
    values = {k: v for k, v in _typed({**GOOD_ENTERPRISE, field: value}).items() if k != "owner_nik"}
    with pytest.raises(ValidationError) as error:
        Enterprise(**values).full_clean()
    assert _codes(error.value) == {field: [rule]}


@pytest.mark.django_db
@pytest.mark.parametrize("cells,founded,field,rule", REPORT_CASES)
def test_model_refuses_the_report(cells, founded, field, rule):
    enterprise = Enterprise.objects.create(name="X", region_code="32.04", kbli="10792", founded_year=int(founded))
    report = AnnualReport(enterprise=enterprise, **_typed({**GOOD_REPORT, **cells}))
    with pytest.raises(ValidationError) as error:
        report.full_clean()
    shown = "year" if field == "founded_year" else field  # the founding year is the enterprise's
    assert _codes(error.value) == {shown: [rule]}


# -- the admin's add forms ---------------------------------------------------------------------------------

@pytest.fixture
def admin_client(db):
    client = Client()
    client.force_login(create_user("admin-rules", "admin", password="pw-test-123"))
    return client


def _form_codes(response) -> dict[str, list[str]]:
    assert response.status_code == 200, "the form was accepted"
    form = response.context["adminform"].form
    return {field: [e.code for e in errors] for field, errors in form.errors.as_data().items()}


@pytest.mark.parametrize("field,value,rule", ENTERPRISE_CASES)
def test_admin_refuses_the_enterprise_cell(admin_client, field, value, rule):

    data = {**GOOD_ENTERPRISE, "source": "manual", "kbli_version": "2020", "owner_name": "", "address": "",
            "main_products": "", "reports-TOTAL_FORMS": "0", "reports-INITIAL_FORMS": "0",
            "owner_links-TOTAL_FORMS": "0", "owner_links-INITIAL_FORMS": "0"}
    data.pop("owner_nik")
    form_field = "new_owner_nik" if field == "owner_nik" else field
    data[form_field] = value
    response = admin_client.post("/admin/registry/enterprise/add/", data)
    assert _form_codes(response) == {form_field: [rule]}
    assert not Enterprise.objects.exists()


@pytest.mark.parametrize("cells,founded,field,rule", REPORT_CASES)
def test_admin_refuses_the_report(admin_client, cells, founded, field, rule):
    enterprise = Enterprise.objects.create(name="X", region_code="32.04", kbli="10792", founded_year=int(founded))
    data = {"enterprise": str(enterprise.pk), **GOOD_REPORT, **cells}
    response = admin_client.post("/admin/registry/annualreport/add/", data)
    shown = "year" if field == "founded_year" else field
    assert _form_codes(response) == {shown: [rule]}
    assert not AnnualReport.objects.exists()


def test_admin_saves_a_good_report(admin_client):
    enterprise = Enterprise.objects.create(name="X", region_code="32.04", kbli="10792", founded_year=2010)
    response = admin_client.post("/admin/registry/annualreport/add/", {"enterprise": str(enterprise.pk),
                                                                      **GOOD_REPORT})
    assert response.status_code == 302 and AnnualReport.objects.get().workers == 3


def test_docs_list_every_rule_with_its_fields_and_source():
    text = (Path(__file__).resolve().parents[1] / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule in (*rules.RULES, rules.REQUIRED):
        row = next((line for line in text.splitlines() if line.startswith(f"| `{rule.id}` |")), None)
        assert row is not None, f"{rule.id} is not in docs/rules.md"
        assert all(f"`{name}`" in row for name in rule.fields) and rule.source in row, rule.id
