"""One rule set for every path a linkage or membership takes (issue 12 on the trust issue's rule):
the same bad cases through lumbung.rules directly, the import (its rule ids), the models'
``full_clean`` (so the admin and the forms), the page's form and the API, each refusing with the
same rule id on the same field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from network_samples import LINK_HEADER, enterprise, write_csv
from rest_framework.test import APIClient

from lumbung import rules
from lumbung.imports.network import check
from lumbung.imports.readers import read_path
from lumbung.linkages.models import Linkage, Sentra
from lumbung.registry.accounts import create_user

pytestmark = pytest.mark.django_db
TOMORROW = (dt.date.today() + dt.timedelta(days=1)).isoformat()
GOOD = {"kind": "buyer", "start_date": "2021-01-01", "end_date": "", "output_share": "", "source": "survey"}
#: (field, value, rule)
CASES = [
    ("kind", "mentor", "linkage.kind"),
    ("start_date", "01/02/2021", "date.format"),
    ("start_date", "2021-02-30", "date.format"),
    ("start_date", "1960-01-01", "date.plausible"),
    ("start_date", TOMORROW, "date.plausible"),
    ("end_date", "2020-12-31", "date.end_after_start"),
    ("output_share", "101", "share.percent"),
    ("source", "", "network.required"),
]


@pytest.fixture
def firms():
    ikm, partner = enterprise("A", nib="1000000000001"), enterprise("L", workers=150)
    officer = create_user("off", "officer", regions=["32.04"], password="pw-123456789")
    return ikm, partner, officer


@pytest.mark.parametrize("field,value,rule", CASES, ids=[f"{c[0]}={c[1]}" for c in CASES])
def test_every_path_refuses_with_the_same_rule(tmp_path, firms, field, value, rule):
    ikm, partner, officer = firms
    values = {**GOOD, field: value}
    # 1. the rules themselves
    scalar = rules.check_network("linkage", {"ikm": ikm.pk, "partner": partner.pk, **values})
    assert [(v.field, v.rule) for v in scalar] == [(field, rule)]
    # 2. the import's check (vectorised form)
    row = {"ikm": "1000000000001", "partner": "template:L", **values}
    checked = check(read_path(write_csv(tmp_path / "l.csv", LINK_HEADER, [row])), "linkages")
    assert checked.rules.select("column", "rule").rows() == [(field, rule)]
    # 3. the model's full_clean (the admin and every ModelForm)
    link = Linkage(ikm=ikm, partner=partner, **{k: (v or None) if k in ("end_date", "output_share") else v
                                                 for k, v in values.items() if k not in ("start_date", "end_date")})
    link.start_date = values["start_date"] if field != "start_date" or rule != "date.format" else None
    link.end_date = values["end_date"] or None
    if rule != "date.format":
        with pytest.raises(ValidationError) as error:
            link.full_clean()
        assert rule in [e.code for e in error.value.error_dict[field]] or rule == "network.required"
    # 4. the page's form and 5. the API
    form = {"partner": partner.pk, **{k: v for k, v in values.items() if v != ""}}
    page = Client()
    page.force_login(officer)
    response = page.post(f"/en/network/enterprises/{ikm.pk}/linkages/new/", form)
    assert response.status_code == 200 and field in response.context["form"].errors
    api = APIClient()
    api.force_authenticate(officer)
    answer = api.post("/api/linkages/", {"ikm": ikm.pk, **form}, format="json")
    assert answer.status_code == 400 and field in answer.json()["errors"]
    assert Linkage.objects.count() == 0


def test_self_link_everywhere(tmp_path, firms):
    ikm, _partner, officer = firms
    assert [v.rule for v in rules.check_network("linkage", {"ikm": ikm.pk, "partner": ikm.pk, **GOOD})] == \
        ["linkage.self"]
    with pytest.raises(ValidationError) as error:
        Linkage(ikm=ikm, partner=ikm, kind="buyer", start_date=dt.date(2021, 1, 1), source="s").full_clean()
    assert [e.code for e in error.value.error_dict["ikm"]] == ["linkage.self"]
    api = APIClient()
    api.force_authenticate(officer)
    answer = api.post("/api/linkages/", {"ikm": ikm.pk, "partner": ikm.pk, **{k: v for k, v in GOOD.items() if v}},
                      format="json")
    assert answer.status_code == 400 and list(answer.json()["errors"]) == ["ikm"]


def test_sentra_rules_in_full_clean():
    with pytest.raises(ValidationError) as error:
        Sentra(code="S", name="S", kind="XYZ", region_code="99.99").full_clean()
    codes = {field: [e.code for e in errors] for field, errors in error.value.error_dict.items()}
    assert "region.exists" in codes["region_code"] and codes["kind"]


def test_docs_list_every_network_rule_with_its_fields_and_source():
    text = (Path(__file__).resolve().parents[2] / "docs" / "network.md").read_text(encoding="utf-8")
    for rule in (*rules.NETWORK_RULES, rules.NETWORK_REQUIRED_RULE):
        row = next((line for line in text.splitlines() if line.startswith(f"| `{rule.id}` |")), None)
        assert row is not None, f"{rule.id} is not in docs/network.md"
        assert all(f"`{name}`" in row for name in rule.fields) and rule.source in row, rule.id
