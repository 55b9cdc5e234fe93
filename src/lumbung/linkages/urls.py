from django.urls import path, re_path

from lumbung.linkages import views

app_name = "network"
urlpatterns = [
    path("", views.home, name="home"),
    path("sentra/<str:code>/", views.sentra, name="sentra"),
    path("cooperatives/<str:code>/", views.cooperative, name="cooperative"),
    re_path(r"^regions/(?P<code>[0-9.]+)/$", views.region, name="region"),
    path("enterprises/<int:pk>/", views.enterprise, name="enterprise"),
    path("enterprises/<int:pk>/linkages/new/", views.link_add, name="link_add"),
    path("enterprises/<int:pk>/memberships/new/", views.membership_add, name="membership_add"),
    path("enterprises/<int:pk>/partners/", views.partners, name="partners"),
    path("enterprises/<int:pk>/partners/<int:to>/contact/", views.contact, name="contact"),
    path("contacts/", views.contacts, name="contacts"),
    path("contacts/<int:pk>/answer/", views.answer, name="answer"),
]
