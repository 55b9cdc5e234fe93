"""The officers' "Indicators of my region", mounted at /workspace/indicators/ (namespace
``region_indicators``; lumbung.analysts.region)."""

from django.urls import path

from lumbung.analysts import region

app_name = "region_indicators"
urlpatterns = [
    path("", region.explorer, name="explorer"),
    path("download.csv", region.download_csv, name="csv"),
    path("download.xlsx", region.download_xlsx, name="xlsx"),
]
