"""The programs app's API routes, mounted under /api/ before lumbung.api's own (whose last route
answers every other path with a JSON 404)."""

from rest_framework.routers import SimpleRouter

from lumbung.programs import api

app_name = "programs_api"

router = SimpleRouter()
router.register("programs", api.ProgramViewSet, basename="program")
router.register("enrolments", api.EnrolmentViewSet, basename="enrolment")
router.register("bank-reports", api.BankCreditReportViewSet, basename="bank-report")

urlpatterns = router.urls
