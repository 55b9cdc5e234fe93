"""The officers' workspace, mounted at /workspace/ (namespace ``workspace``)."""

from django.urls import path

from lumbung.registry.views import claims, records, work

app_name = "workspace"

urlpatterns = [
    path("", records.home, name="home"),
    path("enterprises/", records.enterprise_list, name="enterprise_list"),
    path("enterprises/add/", records.enterprise_add, name="enterprise_add"),
    path("enterprises/<int:pk>/", records.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<int:pk>/edit/", records.enterprise_edit, name="enterprise_edit"),
    path("enterprises/<int:pk>/reports/add/", records.report_add, name="report_add"),
    path("reports/", records.report_list, name="report_list"),
    path("reports/<int:pk>/edit/", records.report_edit, name="report_edit"),
    path("upload/", work.upload, name="upload"),
    path("jobs/<int:pk>/", work.job_detail, name="job_detail"),
    path("jobs/<int:pk>/status/", work.job_status, name="job_status"),
    path("jobs/<int:pk>/errors/", work.job_errors, name="job_errors"),
    path("quality/", work.quality_view, name="quality"),
    path("export/", work.export_view, name="export"),
    path("claims/", claims.claim_list, name="claims"),
    path("claims/<int:pk>/decide/", claims.claim_decide, name="claim_decide"),
]
