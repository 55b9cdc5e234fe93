from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("lumbung.programs.api_urls")),  # before lumbung.api's catch-all 404
    path("api/", include("lumbung.api.urls")),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("lumbung.programs.urls_evaluation")),
    path("network/", include("lumbung.linkages.urls")),
    path("workspace/indicators/", include("lumbung.analysts.urls_region")),  # officers' explorer (analysts app)
    path("workspace/network/", include("lumbung.linkages.workspace_urls")),
    path("workspace/", include("lumbung.registry.urls")),
    path("programs/", include("lumbung.programs.urls")),
    path("owner/", include("lumbung.owners.urls")),
    path("analyst/", include("lumbung.analysts.urls")),
    path("", include("lumbung.portal.urls")),
    prefix_default_language=False,
)
