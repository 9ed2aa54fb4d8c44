from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("publications", api.PublicationViewSet, basename="publication")
router.register("grant-applications", api.GrantApplicationViewSet, basename="grant-application")
router.register("conferences", api.ConferenceViewSet, basename="conference")

urlpatterns = router.urls
