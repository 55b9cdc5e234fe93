from django.urls import path, re_path

from lumbung.portal.views import catalogue, explorer, maps, overview, records, reference

app_name = "portal"
urlpatterns = [
    path("", overview.home, name="home"),
    path("map/", maps.province_map, name="map"),
    re_path(r"^provinces/(?P<code>\d{2})/$", overview.province, name="province"),
    path("explorer/", explorer.explorer, name="explorer"),
    path("explorer/download.csv", explorer.download_csv, name="explorer_csv"),
    path("explorer/download.xlsx", explorer.download_xlsx, name="explorer_xlsx"),
    path("indicators/", catalogue.catalogue_list, name="catalogue"),
    path("indicators/<slug:ident>/", catalogue.indicator_detail, name="indicator"),
    path("reference/regions/", reference.regions, name="regions"),
    re_path(r"^reference/regions/(?P<code>[0-9.]+)/$", reference.regions, name="region"),
    path("reference/kbli/", reference.kbli, name="kbli"),
    re_path(r"^reference/kbli/(?P<code>[A-Z]|\d{2,5})/$", reference.kbli, name="kbli_code"),
    path("reference/size-classes/", reference.size_classes, name="size_classes"),
    path("reference/classify/", reference.classify, name="classify"),
    path("my/", records.my_enterprises, name="my_enterprises"),
    path("enterprises/<int:pk>/", records.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<int:pk>.json", records.enterprise_json, name="enterprise_json"),
]
