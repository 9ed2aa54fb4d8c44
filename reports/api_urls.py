from django.urls import path

from . import api

urlpatterns = [
    path("stats/", api.StatsView.as_view(), name="stats"),
    path("exports/", api.ExportCreateView.as_view(), name="export-list"),
    path("exports/<int:pk>/", api.ExportDetailView.as_view(), name="export-detail"),
    path("exports/<int:pk>/retry/", api.ExportRetryView.as_view(), name="export-retry"),
    path("exports/<int:pk>/download/", api.ExportDownloadView.as_view(), name="export-download"),
]
