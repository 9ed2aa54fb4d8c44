from django.urls import path

from . import views

app_name = "mobility"
urlpatterns = [
    path("", views.mobility_list, name="list"),
    path("apply/", views.mobility_apply, name="apply"),
    path("estimate/", views.mobility_estimate, name="estimate"),
    path("queue/", views.mobility_queue, name="queue"),
    path("universities/", views.university_flows, name="flows"),
    path("calendar/", views.who_is_where, name="calendar"),
    path("grants/", views.grant_summary, name="grants"),
    path("grants/export.<str:fmt>", views.grant_summary_export, name="grants_export"),
    path("<int:pk>/", views.mobility_detail, name="detail"),
    path("<int:pk>/edit/", views.mobility_edit, name="edit"),
    path("<int:pk>/delete/", views.mobility_delete, name="delete"),
    path("<int:pk>/submit/", views.mobility_submit, name="submit"),
    path("<int:pk>/approve/", views.mobility_approve, name="approve"),
    path("<int:pk>/reject/", views.mobility_reject, name="reject"),
    path("<int:pk>/start/", views.mobility_start, name="start"),
    path("<int:pk>/complete/", views.mobility_complete, name="complete"),
    path("<int:pk>/cancel/", views.mobility_cancel, name="cancel"),
    path("<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("<int:pk>/documents/<int:document_pk>/", views.document_download,
         name="document_download"),
]
