"""The import as a job over the API (issue 11 point 10): ``POST /api/imports/`` uploads a file
(multipart: ``file``, ``format``, ``blank``) and answers 202 with the job; ``GET /api/imports/``
and ``/api/imports/<id>/`` give the caller's own jobs (someone else's is a 404);
``/api/imports/<id>/errors/`` is the errors file (CSV: line, column, value, reason). The upload
needs the workspace permission (officers and administrators); rows outside the uploader's
regions are rejected by the import, as on the workspace page."""

from __future__ import annotations

from pathlib import Path

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from lumbung.api import errors
from lumbung.api.public import ERROR
from lumbung.errors import UserError
from lumbung.imports.pipeline import FORMATS
from lumbung.jobs.models import Job
from lumbung.registry import uploads

WORKSPACE = "registry.use_workspace"


class JobSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)
    has_errors_file = serializers.SerializerMethodField()
    errors_url = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = ["id", "kind", "status", "name", "done", "total", "percent", "summary", "message", "rejected",
                  "has_errors_file", "errors_url", "created_at", "finished_at"]
        read_only_fields = fields

    def get_has_errors_file(self, job) -> bool:
        return bool(job.errors_file)

    def get_errors_url(self, job) -> str | None:
        return reverse("api:import-errors", kwargs={"pk": job.pk}) if job.errors_file else None


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A .csv, .xlsx or .parquet file in the import template's columns.")
    format = serializers.ChoiceField(choices=list(FORMATS), default="template")
    blank = serializers.ChoiceField(choices=["keeps", "clears"], default="keeps")


class CanUpload(permissions.BasePermission):
    message = "Uploading needs the workspace permission (an officer or an administrator)."

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return request.user.has_perm(WORKSPACE)


@extend_schema_view(
    list=extend_schema(responses={200: JobSerializer(many=True), 401: ERROR, 403: ERROR}),
    retrieve=extend_schema(responses={200: JobSerializer, 401: ERROR, 404: ERROR}),
    create=extend_schema(request={"multipart/form-data": UploadSerializer},
                         responses={202: JobSerializer, 400: ERROR, 401: ERROR, 403: ERROR}),
)
class ImportViewSet(errors.ApiConventions, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's imports, run in the background by ``lumbung worker``."""

    serializer_class = JobSerializer
    permission_classes = [permissions.IsAuthenticated, CanUpload]
    parser_classes = [MultiPartParser, FormParser]
    queryset = Job.objects.none()
    filter_backends: list = []

    def get_queryset(self):
        return Job.objects.filter(user_id=self.request.user.pk, kind="import")

    def create(self, request, *args, **kwargs):
        upload = UploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        try:
            job = uploads.start_import(request.user, data["file"], data["format"], data["blank"])
        except UserError as error:
            raise exceptions.ValidationError({"file": [str(error)]}) from None
        body = JobSerializer(job, context={"request": request}).data
        return Response(body, status=status.HTTP_202_ACCEPTED,
                        headers={"Location": reverse("api:import-detail", kwargs={"pk": job.pk})})

    @extend_schema(responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="the errors file"),
                              401: ERROR, 404: ERROR})
    @action(detail=True, methods=["get"], url_path="errors", url_name="errors")
    def errors_file(self, request, pk=None):
        job = get_object_or_404(self.get_queryset(), pk=pk)
        path = uploads.errors_path(job)
        if path is None:
            raise exceptions.NotFound("This job has no errors file.")
        stem = Path(job.name).stem or "upload"
        return FileResponse(open(path, "rb"), as_attachment=True, filename=f"{stem}-errors.csv",  # noqa: SIM115 - FileResponse closes it
                            content_type="text/csv; charset=utf-8")
