from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import api, views
from .schema_view import SchemaView

# The admin logs in through allauth, so two-factor authentication applies there too.
admin.site.login = login_required(admin.site.login)
admin.site.site_header = "Project Marathon — programme office"

router = DefaultRouter()
router.register("universities", api.UniversityViewSet, basename="university")
router.register("organisations", api.OrganisationViewSet, basename="organisation")
router.register("areas", api.ScientificAreaViewSet, basename="area")
router.register("editions", api.EditionViewSet, basename="edition")

api_v1 = [
    path("auth/token/", api.TokenView.as_view(), name="token"),
    path("me/", api.MeView.as_view(), name="me"),
    path("", include("projects.api_urls")),
    path("", include("teams.api_urls")),
    path("evaluation/", include("evaluation.api_urls")),
    path("", include("mobility.api_urls")),
    path("", include("projects.outcomes.api_urls")),
    path("", include("industry.api_urls")),
    path("", include("reports.api_urls")),
    path("", include("workspace.api_urls")),
    path("", include("certificates.api_urls")),
    path("", include(router.urls)),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("profile/", views.profile, name="profile"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_mark_read, name="inbox_mark_read"),
    path("editions/", views.edition_list, name="edition_list"),
    path("editions/<int:pk>/dates/", views.edition_dates, name="edition_dates"),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("projects/", include("projects.urls")),
    path("teams/", include("teams.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("mobility/", include("mobility.urls")),
    path("outcomes/", include("projects.outcomes.urls")),
    path("industry/", include("industry.urls")),
    path("reports/", include("reports.urls")),
    path("workspace/", include("workspace.urls")),
    path("", include("certificates.urls")),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SchemaView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]

