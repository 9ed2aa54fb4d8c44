from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.statistics, name="statistics"),
    path("summary/", views.public_summary, name="public_summary"),
    path("exports/", views.export_create, name="export_create"),
    path("exports/<int:pk>/", views.export_detail, name="export_detail"),
    path("exports/<int:pk>/status/", views.export_status, name="export_status"),
    path("exports/<int:pk>/retry/", views.export_retry, name="export_retry"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
]
