"""The policy lab's pages (/analyst/lab/, issue 12 point 7): an analyst queues a scenario or a
program, the worker runs it through the jobs' queue, the job page shows the progress, then the
charts with their tables and the downloads; sizes beyond the web's bounds are refused with the
reason; a program's run appears on its evaluation page. Both languages."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.urls import reverse
from django.utils.translation import override

from lumbung.jobs.models import Job, TaskRecord
from lumbung.jobs.worker import run_pending
from lumbung.programs import services

SMALL = {"firms": "300", "runs": "2", "years": "1", "seed": "1"}


@pytest.fixture
def analyst(client, make_user, lumbung_home):
    client.force_login(make_user("analis", "analyst", regions=["32"]))
    return client


def test_an_analyst_runs_a_scenario_and_sees_charts_tables_and_downloads(analyst):
    response = analyst.post(reverse("analysts:lab"), {"source": "scenario", "scenario": "training", **SMALL})
    job = Job.objects.get(kind="lab")
    assert response.status_code == 302 and response["Location"] == reverse("analysts:lab_job", kwargs={"pk": job.pk})
    assert TaskRecord.objects.get().task_path == "lumbung.analysts.lab_jobs.run_lab_job"
    queued = analyst.get(response["Location"]).content.decode()
    assert 'data-status="queued"' in queued and 'http-equiv="refresh"' in queued
    assert run_pending() == 1
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.percent) == ("done", 4, 4, 100)
    page = analyst.get(response["Location"]).content.decode()
    assert 'data-status="done"' in page and 'http-equiv="refresh"' not in page
    for spec in ("comparison-spec", "band-workers-spec", "band-value_added-spec", "band-firms-spec"):
        assert f'id="{spec}"' in page
    assert 'id="comparison-table"' in page and "vega-embed" in page
    archive = analyst.get(reverse("analysts:lab_file", kwargs={"pk": job.pk, "name": "outputs.zip"}))
    with zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))) as z:
        assert "report.html" in z.namelist()
    table = analyst.get(reverse("analysts:lab_file", kwargs={"pk": job.pk, "name": "comparison.csv"}))
    assert b"".join(table.streaming_content).startswith(b"scenario,baseline,indicator")


def test_the_chart_specs_are_vega_lite_with_the_table_figures(analyst):
    analyst.post(reverse("analysts:lab"), {"source": "scenario", "scenario": "credit", **SMALL})
    run_pending()
    job = Job.objects.get(kind="lab")
    page = analyst.get(reverse("analysts:lab_job", kwargs={"pk": job.pk})).content.decode()
    start = page.index(">", page.index('id="comparison-spec"')) + 1
    spec = json.loads(page[start:page.index("</script>", start)])
    assert spec["$schema"].endswith("vega-lite/v5.json")
    assert [d["indicator"] for d in spec["data"]["values"]][:2] == ["tenaga kerja", "nilai tambah"]


def test_too_large_a_run_is_refused_with_the_bound(analyst):
    response = analyst.post(reverse("analysts:lab"), {"source": "scenario", "scenario": "credit",
                                                      "firms": "50000", "runs": "20", "years": "1", "seed": "0"})
    assert response.status_code == 400 and not Job.objects.exists()
    assert "1.000.000" in response.content.decode() and "500.000" in response.content.decode()


def test_a_program_is_simulated_and_its_run_shows_on_the_evaluation_page(analyst):
    services.seed()
    lab = analyst.get(reverse("analysts:lab") + "?program=kupedes").content.decode()
    assert 'id="map-kupedes"' in lab and "size_class in" in lab
    late = analyst.post(reverse("analysts:lab"), {"source": "program", "program": "kupedes", **SMALL})
    assert late.status_code == 400 and "triwulan 4" in late.content.decode()  # after a one-year horizon
    two_years = {**SMALL, "years": "2"}
    assert analyst.post(reverse("analysts:lab"), {"source": "program", "program": "kupedes", **two_years}).status_code == 302
    run_pending()
    job = Job.objects.get(kind="lab")
    assert job.status == "done", job.message
    evaluation = analyst.get(reverse("evaluation:program_evaluation", kwargs={"slug": "kupedes"})).content.decode()
    assert 'id="simulated-table"' in evaluation and "Disimulasikan" in evaluation
    assert reverse("analysts:lab_job", kwargs={"pk": job.pk}) in evaluation


def test_a_program_without_an_intervention_is_refused(analyst):
    from lumbung.programs.models import Program

    Program.objects.create(slug="pasar", name="Pemasaran", type="marketing")
    response = analyst.post(reverse("analysts:lab"), {"source": "program", "program": "pasar", **SMALL})
    assert response.status_code == 400 and "tidak dapat disimulasikan" in response.content.decode()


def test_the_lab_page_in_english(analyst):
    indonesian = analyst.get(reverse("analysts:lab")).content.decode()
    assert "Laboratorium kebijakan" in indonesian and "Mulai simulasi" in indonesian
    page = analyst.get("/en" + reverse("analysts:lab")).content.decode()
    assert "Policy lab" in page and "Start the run" in page


def test_a_program_gone_before_the_worker_runs_fails_the_job_with_the_reason(analyst):
    from lumbung.programs.models import Program

    services.seed()
    analyst.post(reverse("analysts:lab"), {"source": "program", "program": "kck", **SMALL, "years": "2"})
    Program.objects.filter(slug="kck").delete()
    run_pending()
    job = Job.objects.get(kind="lab")
    assert job.status == "failed" and "kck" in job.message
    page = analyst.get(reverse("analysts:lab_job", kwargs={"pk": job.pk})).content.decode()
    assert 'data-status="failed"' in page and "Traceback" not in page


def test_the_scenario_choices_are_titled_in_the_page_language(client, make_user, lumbung_home):
    from lumbung.lab import scenarios

    client.force_login(make_user("analis", "analyst", regions=["32"]))
    analyst = client
    credit = scenarios.load("credit")
    with override("id"):  # reverse() follows the active language, which an earlier /en/ request left set
        url = reverse("analysts:lab")
    indonesian = analyst.get(url).content.decode()
    assert credit.title_id in indonesian and credit.title not in indonesian
    english = analyst.get("/en" + reverse("analysts:lab")).content.decode()
    assert credit.title in english
