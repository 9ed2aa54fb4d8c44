from django.urls import path

from . import api

urlpatterns = [
    path("projects/", api.ProjectListCreateView.as_view(), name="project-list"),
    path("projects/<int:pk>/", api.ProjectDetailView.as_view(), name="project-detail"),
    path("projects/<int:pk>/submit/", api.ProjectSubmitView.as_view(), name="project-submit"),
    path("projects/<int:pk>/approve/", api.ProjectApproveView.as_view(), name="project-approve"),
    path("projects/<int:pk>/reject/", api.ProjectRejectView.as_view(), name="project-reject"),
    path("projects/<int:pk>/attachments/", api.ProjectAttachmentsView.as_view(),
         name="project-attachments"),
    path("projects/<int:pk>/attachments/<int:attachment_id>/", api.ProjectAttachmentDownloadView.as_view(),
         name="project-attachment-download"),
]
