from django.urls import path

from lumbung.programs import views

app_name = "programs"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("enterprises/<int:pk>/", views.for_enterprise, name="for_enterprise"),
    path("enrolments/new/", views.enrolment_new, name="enrolment_new"),
    path("banks/", views.banks, name="banks"),
    path("banks/new/", views.bank_report_new, name="bank_report_new"),
    path("banks/<str:bank>/", views.bank_detail, name="bank_detail"),
    path("<slug:slug>/", views.program_detail, name="program"),
    path("<slug:slug>/reach/", views.reach, name="reach"),
]
