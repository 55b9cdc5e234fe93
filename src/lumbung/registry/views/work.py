"""Upload jobs, data quality and exports of the user's regions."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from lumbung.errors import UserError
from lumbung.jobs.models import Job
from lumbung.registry import quality
from lumbung.registry import uploads as job_imports
from lumbung.registry.access import can_see_region
from lumbung.registry.export import export
from lumbung.registry.forms import ExportForm, UploadForm
from lumbung.registry.views.common import regions_of, workspace_view


@workspace_view
def upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = job_imports.start_import(request.user, form.cleaned_data["file"], form.cleaned_data["format"],
                                           form.cleaned_data["blank"])
        except UserError as error:
            form.add_error("file", str(error))
        else:
            messages.success(request, _("The file was received; the import runs in the background."))
            return redirect("workspace:job_detail", pk=job.pk)
    return render(request, "registry/workspace/upload.html", {
        "form": form, "jobs": Job.objects.filter(user=request.user, kind="import")[:20], "regions": regions_of(request.user)})


def _job(request, pk: int) -> Job:
    return get_object_or_404(Job.objects.filter(user=request.user, kind="import"), pk=pk)  # someone else's job: 404


@workspace_view
def job_detail(request, pk: int):
    job = _job(request, pk)
    return render(request, "registry/workspace/job.html", {"job": job})


@workspace_view
def job_status(request, pk: int):
    job = _job(request, pk)
    return JsonResponse(job_payload(job))


def job_payload(job: Job) -> dict:
    return {"id": job.pk, "kind": job.kind, "status": job.status, "done": job.done, "total": job.total,
            "percent": job.percent, "summary": job.summary, "message": job.message, "rejected": job.rejected,
            "name": job.name, "has_errors_file": bool(job.errors_file),
            "created_at": job.created_at.isoformat(), "finished_at": job.finished_at.isoformat()
            if job.finished_at else None}


def errors_response(job: Job) -> FileResponse:
    path = job_imports.errors_path(job)
    if path is None:
        raise Http404(_("This job has no errors file."))
    stem = Path(job.name).stem or "upload"
    return FileResponse(open(path, "rb"), as_attachment=True, filename=f"{stem}-errors.csv",  # noqa: SIM115 - FileResponse closes it
                        content_type="text/csv; charset=utf-8")


@workspace_view
def job_errors(request, pk: int):
    return errors_response(_job(request, pk))


@workspace_view
def quality_view(request):
    report = quality.report()
    rows, total = quality.violations_for(request.user) if report is not None else ([], 0)
    return render(request, "registry/workspace/quality.html", {
        "report": report, "rows": rows, "total": total, "shown": len(rows)})


@workspace_view
def export_view(request):
    regions = regions_of(request.user)
    form = ExportForm(request.GET or None, regions=regions)
    if request.GET and form.is_valid():
        region = form.cleaned_data["region"]
        if not can_see_region(request.user, region):
            raise Http404
        suffix = "." + form.cleaned_data["format"]
        folder = Path(tempfile.mkdtemp(prefix="export-", dir=job_imports.jobs_folder()))
        path = folder / f"lumbung-{region}{suffix}"
        try:
            export(path, year=form.cleaned_data["year"], region=region)
        except UserError as error:
            form.add_error(None, str(error))
        else:
            response = FileResponse(open(path, "rb"), as_attachment=True, filename=path.name)  # noqa: SIM115 - FileResponse closes it
            path.unlink()  # the open handle keeps the data until the response is sent (POSIX)
            folder.rmdir()
            return response
    return render(request, "registry/workspace/export.html", {"form": form})


