from django.urls import path

from lumbung.owners import views

app_name = "owners"
urlpatterns = [
    path("", views.home, name="home"),
    path("register/", views.register, name="register"),
    path("claim/", views.claim, name="claim"),
    path("enterprises/new/", views.enterprise_new, name="enterprise_new"),
    path("enterprises/<int:pk>/", views.enterprise, name="enterprise"),
    path("enterprises/<int:pk>/profile/", views.profile, name="profile"),
    path("enterprises/<int:pk>/reports/new/", views.report_new, name="report_new"),
    path("enterprises/<int:pk>/reports/<int:year>/", views.report, name="report"),
    path("enterprises/<int:pk>/reports/<int:year>/edit/", views.report_edit, name="report_edit"),
    path("enterprises/<int:pk>/benchmark/", views.benchmark, name="benchmark"),
]
