from rest_framework.routers import SimpleRouter

from lumbung.linkages.api import views

router = SimpleRouter()
router.register("linkages", views.LinkageViewSet, basename="linkage")
router.register("memberships", views.MembershipViewSet, basename="membership")
router.register("sentra", views.SentraViewSet, basename="sentra")
router.register("cooperatives", views.CooperativeViewSet, basename="cooperative")

urlpatterns = router.urls
