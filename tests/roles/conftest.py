"""Fixtures of the role matrix: the ``world`` (see role_world.py for what it holds)."""

from __future__ import annotations

import pytest
from role_world import World


@pytest.fixture
def world(db):
    from lumbung.analysts.models import SavedView
    from lumbung.api import tokens
    from lumbung.registry.accounts import create_user
    from lumbung.registry.models import AnnualReport, Enterprise

    e1 = Enterprise.objects.create(name="Matrix Satu", region_code="32.04.01", kbli="10792")
    e2 = Enterprise.objects.create(name="Matrix Dua", region_code="35.29.01", kbli="13111")
    r1 = AnnualReport.objects.create(enterprise=e1, year=2023, workers=4, sales=50_000_000)
    r2 = AnnualReport.objects.create(enterprise=e2, year=2023, workers=6, sales=70_000_000)
    w = World(e1, e2, r1, r2)
    w.users = {
        "owner": create_user("m-owner", "owner", enterprises=[e1.pk]),
        "other_owner": create_user("m-other-owner", "owner", enterprises=[e2.pk]),
        "officer": create_user("m-officer", "officer", regions=["32"]),
        "other_officer": create_user("m-other-officer", "officer", regions=["35"]),
        "analyst": create_user("m-analyst", "analyst", regions=["32"], records=True),
        "admin": create_user("m-admin", "admin"),
    }
    for role, user in w.users.items():
        w.tokens[role], w.keys[role] = tokens.issue(user, "matrix")
        w.views[role] = SavedView.objects.create(user=user, name=f"view of {role}", query="indicator=firms")
    _network(w)
    _programs(w)
    _jobs(w)
    _claims(w)
    return w


def _network(w: World) -> None:
    """A sentra and a cooperative in E1's province (E1 a member of the sentra), a linkage of E1 with
    a larger firm of the same province, and a pending contact request from E2 to E1."""
    import datetime as dt

    from lumbung.linkages.models import ContactRequest, Cooperative, Linkage, Membership, Sentra
    from lumbung.registry.models import Enterprise

    partner = Enterprise.objects.create(name="Matrix Mitra", region_code="32.04.01", kbli="10792")
    start = dt.date(2022, 1, 1)
    sentra = Sentra.objects.create(code="S-32-1", name="Sentra Matrix", kind="PIK", region_code="32.04")
    w.extra["sentra1"] = sentra
    w.extra["coop1"] = Cooperative.objects.create(code="K-32-1", name="Koperasi Matrix", kind="KUB",
                                                  region_code="32.04")
    w.extra["membership_e1"] = Membership.objects.create(enterprise=w.e1, sentra=sentra, start_date=start,
                                                         source="matrix")
    w.extra["link_e1"] = Linkage.objects.create(ikm=w.e1, partner=partner, kind="subcontracting", start_date=start,
                                                source="matrix")
    w.extra["contact_to_e1"] = ContactRequest.objects.create(sender=w.users["other_owner"], from_enterprise=w.e2,
                                                             to_enterprise=w.e1, message="Halo")


def _programs(w: World) -> None:
    """The seeded catalogue, one enrolment of E1 in KUR and one bank's credit report."""
    from lumbung.programs import services
    from lumbung.programs.models import BankCreditReport, Enrolment, Program

    services.seed()
    w.extra["enrolment_e1"] = Enrolment.objects.create(program=Program.objects.get(slug="kur"), enterprise=w.e1,
                                                       year=2023)
    w.extra["bank_report"] = BankCreditReport.objects.create(bank="Bank A", year=2023, outstanding_credit=1000,
                                                             small_business_credit=250)


def _jobs(w: World) -> None:
    """An import job of each officer; the officer's with an errors file."""
    from lumbung.jobs.models import Job
    from lumbung.registry.uploads import jobs_folder

    errors = jobs_folder() / "matrix-errors.csv"
    errors.write_text("line,column,value,reason\n2,kbli,1,bad\n", encoding="utf-8")
    w.extra["job1"] = Job.objects.create(kind="import", user=w.users["officer"], status="done", name="a.csv",
                                         errors_file=errors.name)
    w.extra["job2"] = Job.objects.create(kind="import", user=w.users["other_officer"], status="done", name="b.csv")
    # lab runs: the analyst's of program KUR, finished, with its comparison table; the administrator's
    params = {"program": "kur", "firms": 100, "runs": 2, "years": 1, "seed": 0}
    w.extra["lab1"] = Job.objects.create(kind="lab", user=w.users["analyst"], status="done", name="KUR", params=params)
    w.extra["lab2"] = Job.objects.create(kind="lab", user=w.users["admin"], status="done", name="KUR", params=params)
    folder = w.extra["lab1"].lab_folder
    folder.mkdir(parents=True)
    (folder / "comparison.csv").write_text(
        "scenario,baseline,indicator,baseline_median,scenario_median,difference_median,difference_p05,"
        "difference_p95,runs\nprogram-kur,baseline,jobs,100,110,10,5,15,2\n", encoding="utf-8")


def _claims(w: World) -> None:
    """A pending claim on E1 by a claimant who owns nothing yet."""
    from lumbung.registry.accounts import create_user
    from lumbung.registry.models import Claim

    claimant = create_user("m-claimant", "owner")
    w.extra["claim1"] = Claim.objects.create(user=claimant, enterprise=w.e1, claimed_as="NIB")
