from django.urls import path

from . import api

urlpatterns = [
    path("teams/<int:pk>/milestones/", api.MilestoneListView.as_view(), name="workspace-milestones"),
    path("teams/<int:pk>/milestones/<int:milestone_id>/", api.MilestoneDetailView.as_view(),
         name="workspace-milestone"),
    path("teams/<int:pk>/journal/", api.JournalListView.as_view(), name="workspace-journal"),
    path("teams/<int:pk>/journal/<int:entry_id>/", api.JournalDetailView.as_view(), name="workspace-entry"),
    path("teams/<int:pk>/journal/<int:entry_id>/sign/", api.JournalSignView.as_view(), name="workspace-entry-sign"),
    path("teams/<int:pk>/journal/<int:entry_id>/new-version/", api.JournalNewVersionView.as_view(),
         name="workspace-entry-new-version"),
    path("teams/<int:pk>/reports/", api.ReportListView.as_view(), name="workspace-reports"),
    path("teams/<int:pk>/reports/<int:report_id>/", api.ReportDetailView.as_view(), name="workspace-report"),
    path("teams/<int:pk>/reports/<int:report_id>/submit/", api.ReportSubmitView.as_view(),
         name="workspace-report-submit"),
    path("teams/<int:pk>/reports/<int:report_id>/approve/", api.ReportApproveView.as_view(),
         name="workspace-report-approve"),
    path("teams/<int:pk>/reports/<int:report_id>/request-changes/", api.ReportRequestChangesView.as_view(),
         name="workspace-report-request-changes"),
]
