from django.urls import path

from lumbung.analysts import lab, views

app_name = "analysts"
urlpatterns = [
    path("", views.explorer, name="explorer"),
    path("download.csv", views.download_csv, name="explorer_csv"),
    path("download.xlsx", views.download_xlsx, name="explorer_xlsx"),
    path("views/", views.views_list, name="views"),
    path("views/<int:pk>/", views.view_open, name="view_open"),
    path("views/<int:pk>/rename/", views.view_rename, name="view_rename"),
    path("views/<int:pk>/delete/", views.view_delete, name="view_delete"),
    path("records/", views.records, name="records"),
    path("lab/", lab.lab_home, name="lab"),
    path("lab/jobs/<int:pk>/", lab.lab_job, name="lab_job"),
    path("lab/jobs/<int:pk>/files/<str:name>", lab.lab_file, name="lab_file"),
]
