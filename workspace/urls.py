from django.urls import path

from . import views

app_name = "workspace"
urlpatterns = [
    path("", views.index, name="index"),
    path("supervision/", views.supervision, name="supervision"),
    path("preferences/", views.preferences, name="preferences"),
    path("teams/<int:pk>/", views.team_workspace, name="team"),
    path("teams/<int:pk>/milestones/new/", views.milestone_create, name="milestone_create"),
    path("teams/<int:pk>/journal/", views.journal, name="journal"),
    path("teams/<int:pk>/journal/new/", views.entry_create, name="entry_create"),
    path("teams/<int:pk>/journal.eln", views.export_eln, name="export_eln"),
    path("teams/<int:pk>/reports/", views.reports, name="reports"),
    path("teams/<int:pk>/reports/start/", views.report_start, name="report_start"),
    path("teams/<int:pk>/results-draft/", views.results_draft, name="results_draft"),
    path("teams/<int:pk>/export/pdf/", views.export_pdf, name="export_pdf"),
    path("teams/<int:pk>/customer-access/", views.customer_access, name="customer_access"),
    path("milestones/<int:pk>/", views.milestone_detail, name="milestone"),
    path("milestones/<int:pk>/evidence/", views.milestone_evidence, name="milestone_evidence"),
    path("journal/<int:pk>/", views.entry_detail, name="entry"),
    path("journal/<int:pk>/sign/", views.entry_sign, name="entry_sign"),
    path("journal/<int:pk>/new-version/", views.entry_new_version, name="entry_new_version"),
    path("journal/files/<int:pk>/", views.entry_file, name="entry_file"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/review/", views.report_review, name="report_review"),
    path("comments/<str:kind>/<int:pk>/", views.comment_add, name="comment_add"),
    path("exports/<int:pk>/", views.export_progress, name="export_progress"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
]
