"""A population from the registry database: each enterprise's latest report, mapped as from rows."""

from __future__ import annotations

import pytest

from lumbung.lab import model, population
from lumbung.lab.population import DIVISIONS, FORMALITY

pytestmark = pytest.mark.django_db


def _enterprise(name, kbli, region, **fields):
    from lumbung.registry.models import Enterprise

    return Enterprise.objects.create(name=name, kbli=kbli, region_code=region, **fields)


def test_from_registry_takes_each_latest_report():
    from lumbung.registry.models import AnnualReport

    tempe = _enterprise("Tempe Bu Sri", "10792", "33.74", legal_status="notary_deed")
    AnnualReport.objects.create(enterprise=tempe, year=2022, workers=2, net_assets=10_000_000)
    AnnualReport.objects.create(enterprise=tempe, year=2023, workers=3, net_assets=12_000_000,
                                output=80_000_000, inputs=50_000_000, credit_kur=5_000_000)
    mebel = _enterprise("Mebel Jepara", "31001", "33.20", legal_status="legal_entity")
    AnnualReport.objects.create(enterprise=mebel, year=2023, workers=40, net_assets=900_000_000)
    pop = population.from_registry(seed=1)
    assert len(pop) == 2
    by_division = {DIVISIONS[d]: i for i, d in enumerate(pop.division)}
    tempe_i, mebel_i = by_division["10"], by_division["31"]
    assert pop.workers[tempe_i] == 3 and pop.capital[tempe_i] == pytest.approx(12e6)
    assert pop.debt_kur[tempe_i] == pytest.approx(5e6)
    assert FORMALITY[pop.formality[mebel_i]] == "legal_entity"
    assert pop.technique[mebel_i] == 1
    older = population.from_registry(year=2022, seed=1)
    assert len(older) == 1 and older.workers[0] == 2
    result = model.simulate("baseline", pop, seed=1, years=1)
    assert result.summary["firms"][result.summary["period"] == 0].sum() >= 1


def test_from_registry_refuses_an_empty_registry():
    with pytest.raises(ValueError, match="no annual reports"):
        population.from_registry()
