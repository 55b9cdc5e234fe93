from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from lumbung.api import errors, imports, public, views

app_name = "api"

router = SimpleRouter()
router.register("enterprises", views.EnterpriseViewSet, basename="enterprise")
router.register("reports", views.ReportViewSet, basename="report")
router.register("tokens", views.TokenViewSet, basename="token")
router.register("imports", imports.ImportViewSet, basename="import")

urlpatterns = [
    path("openapi.json", views.SchemaView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("token/", views.TokenObtainView.as_view(), name="token"),
    path("indicators/", public.IndicatorsView.as_view(), name="indicators"),
    path("catalogue/", public.CatalogueListView.as_view(), name="catalogue"),
    path("catalogue/<str:indicator_id>/", public.CatalogueDetailView.as_view(), name="catalogue-detail"),
    path("regions/", public.RegionListView.as_view(), name="regions"),
    re_path(r"^regions/(?P<code>[0-9.]+)/$", public.RegionDetailView.as_view(), name="region-detail"),
    path("kbli/", public.KbliListView.as_view(), name="kbli"),
    path("kbli/<str:code>/", public.KbliDetailView.as_view(), name="kbli-detail"),
    path("regimes/", public.RegimeListView.as_view(), name="regimes"),
    path("regimes/<str:regime_id>/", public.RegimeDetailView.as_view(), name="regime-detail"),
    path("classify/", public.ClassifyView.as_view(), name="classify"),
    path("published/", public.PublishedView.as_view(), name="published"),
    *router.urls,
    path("", include("lumbung.linkages.api.urls")),  # /api/linkages/, memberships, sentra, cooperatives
    re_path(r"^.*$", errors.not_found),
]
