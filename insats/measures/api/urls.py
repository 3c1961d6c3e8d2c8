from rest_framework.routers import SimpleRouter

from .views import AttendanceViewSet, PlacementViewSet

router = SimpleRouter()
router.register("placements", PlacementViewSet, basename="placement")
router.register("attendance", AttendanceViewSet, basename="attendance")

urlpatterns = router.urls
