from django.urls import path

from . import api

urlpatterns = [
    path("editions/<int:pk>/preferences/", api.PreferencesView.as_view(), name="allocation-preferences"),
    path("editions/<int:pk>/allocation-runs/", api.RunCreateView.as_view(), name="allocation-run-create"),
    path("allocation-runs/<int:pk>/", api.RunDetailView.as_view(), name="allocation-run-detail"),
    path("allocation-runs/<int:pk>/commit/", api.RunCommitView.as_view(), name="allocation-run-commit"),
]
