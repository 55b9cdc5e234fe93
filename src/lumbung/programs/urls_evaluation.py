"""URL of the evaluation page (namespace ``evaluation``), beside the programs' own pages."""

from django.urls import path

from lumbung.programs import views_evaluation

app_name = "evaluation"
urlpatterns = [
    path("programs/<slug:slug>/evaluation/", views_evaluation.program_evaluation, name="program_evaluation"),
]
