"""The network in the officers' workspace, mounted at /workspace/network/ (namespace
``network_workspace``; lumbung.linkages.workspace)."""

from django.urls import path

from lumbung.linkages import workspace

app_name = "network_workspace"

urlpatterns = [
    path("", workspace.groups, name="groups"),
    path("sentra/add/", workspace.sentra_add, name="sentra_add"),
    path("sentra/<int:pk>/", workspace.sentra_edit, name="sentra_edit"),
    path("sentra/<int:pk>/members/add/", workspace.sentra_member_add, name="sentra_member_add"),
    path("cooperatives/add/", workspace.cooperative_add, name="cooperative_add"),
    path("cooperatives/<int:pk>/", workspace.cooperative_edit, name="cooperative_edit"),
    path("cooperatives/<int:pk>/members/add/", workspace.cooperative_member_add, name="cooperative_member_add"),
    path("memberships/<int:pk>/", workspace.membership_edit, name="membership_edit"),
]
