from rest_framework.routers import SimpleRouter

from .views import EnrolmentViewSet

router = SimpleRouter()
router.register("enrolments", EnrolmentViewSet, basename="enrolment")

urlpatterns = router.urls
