from django.urls import path

from lumbung.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("my/", views.my_enterprises, name="my_enterprises"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<int:pk>.json", views.enterprise_json, name="enterprise_json"),
]
