"""Registry model rules: missing stays NULL, unique NIB, source_id unique per source, formats."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from lumbung.registry.models import AnnualReport, Enterprise
from lumbung.vocabulary import ENTERPRISE_FIELDS, REPORT_FIELDS


def test_every_vocabulary_field_is_a_model_field():
    enterprise_fields = {f.name for f in Enterprise._meta.get_fields()} | {"owner_nik"}
    report_fields = {f.name for f in AnnualReport._meta.get_fields()}
    assert {f.name for f in ENTERPRISE_FIELDS} <= enterprise_fields
    assert {f.name for f in REPORT_FIELDS} <= report_fields


@pytest.mark.django_db
def test_missing_values_stay_null_not_zero(make_enterprise):
    report = AnnualReport.objects.create(enterprise=make_enterprise(), year=2023, workers=2)
    with connection.cursor() as cursor:
        cursor.execute("SELECT sales, net_assets, workers_paid, trained, workers FROM registry_annualreport "
                       "WHERE id = %s", [report.pk])
        assert cursor.fetchone() == (None, None, None, None, 2)
    report.refresh_from_db()
    assert report.value_added is None
    report.output, report.inputs = 900, 1_000
    assert report.value_added == -100  # a loss is a real value, not missing


@pytest.mark.django_db
def test_nib_is_unique_when_present(make_enterprise):
    make_enterprise(nib="9120001234567")
    make_enterprise(nib=None)
    make_enterprise(nib=None)  # many enterprises have no NIB yet
    with pytest.raises(IntegrityError), transaction.atomic():
        make_enterprise(nib="9120001234567")


@pytest.mark.django_db
def test_source_id_unique_per_source(make_enterprise):
    make_enterprise(source="sidt", source_id="A-1")
    make_enterprise(source="template", source_id="A-1")  # same key in another system is fine
    make_enterprise(source="sidt", source_id=None)
    make_enterprise(source="sidt", source_id=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_enterprise(source="sidt", source_id="A-1")


@pytest.mark.django_db
def test_one_report_per_enterprise_and_year(make_enterprise):
    enterprise = make_enterprise()
    AnnualReport.objects.create(enterprise=enterprise, year=2023)
    with pytest.raises(IntegrityError), transaction.atomic():
        AnnualReport.objects.create(enterprise=enterprise, year=2023)


@pytest.mark.parametrize("field,value,ok", [
    ("nib", "1234567890123", True), ("nib", "123456789012", False), ("nib", "12345678901AB", False),
    ("kbli", "10792", True), ("kbli", "1079", False), ("kbli", "C1079", False),
    ("region_code", "32", True), ("region_code", "32.04", True), ("region_code", "32.04.05", True),
    ("region_code", "32.04.05.2001", True), ("region_code", "3204", True), ("region_code", "32.4", False),
    ("region_code", "32.04.05.201", False), ("region_code", "32.04.01", False),  # no such district
    ("kbli", "10000", False), ("kbli", "99999", False),
])
def test_formats(field, value, ok):
    enterprise = Enterprise(name="X", region_code="32.04", kbli="10792")
    setattr(enterprise, field, value)
    if ok:
        enterprise.full_clean(validate_unique=False, validate_constraints=False)
    else:
        with pytest.raises(ValidationError) as error:
            enterprise.full_clean(validate_unique=False, validate_constraints=False)
        assert field in error.value.message_dict


def test_clean_stores_codes_as_the_importer_does():
    enterprise = Enterprise(name="X", region_code="3204052001", kbli="1111")
    enterprise.full_clean(validate_unique=False, validate_constraints=False)
    assert (enterprise.region_code, enterprise.kbli) == ("32.04.05.2001", "01111")
