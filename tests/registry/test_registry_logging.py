"""No log line carries a plain NIK: not the SQL the database layer logs, not an error message."""

from __future__ import annotations

import logging

import pytest
from django.db import connection
from registry_samples import NIK, NIK_MIDDLE

from lumbung.registry import nik as nik_protection


@pytest.mark.django_db
def test_sql_and_app_logs_never_hold_the_plain_nik(make_enterprise, make_user, client, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django.db.backends")
    connection.force_debug_cursor = True  # log every SQL statement with its parameters
    try:
        enterprise = make_enterprise(nik=NIK)
        enterprise.set_owner_nik("3204011203850009")
        enterprise.save()
        list(type(enterprise).objects.with_nik(NIK))
        owner = make_user("pemilik", "owner", enterprises=[enterprise.pk])
        client.force_login(owner)
        client.get(f"/enterprises/{enterprise.pk}/")
        client.get("/enterprises/999999/")  # a 404 is logged as a warning
        enterprise.delete()
    finally:
        connection.force_debug_cursor = False
    text = "\n".join(record.getMessage() + repr(getattr(record, "params", "")) for record in caplog.records)
    assert "registry_enterprise" in text  # the SQL really was captured
    for secret in (NIK, NIK_MIDDLE, "3204011203850009"):
        assert secret not in text


def test_errors_do_not_echo_a_malformed_nik():
    with pytest.raises(nik_protection.NIKError) as error:
        nik_protection.protect("32040112038500019")
    assert "32040112038500019" not in str(error.value) and NIK_MIDDLE not in str(error.value)
