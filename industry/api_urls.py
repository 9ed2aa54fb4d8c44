from django.urls import path

from . import api

urlpatterns = [
    path("tasks/", api.TaskListCreateView.as_view(), name="task-list"),
    path("tasks/<int:pk>/", api.TaskDetailView.as_view(), name="task-detail"),
    path("tasks/<int:pk>/approve/", api.TaskApproveView.as_view(), name="task-approve"),
    path("tasks/<int:pk>/reject/", api.TaskRejectView.as_view(), name="task-reject"),
    path("tasks/<int:pk>/adopt/", api.TaskAdoptView.as_view(), name="task-adopt"),
    path("internships/", api.InternshipListCreateView.as_view(), name="internship-list"),
    path("internships/<int:pk>/", api.InternshipDetailView.as_view(), name="internship-detail"),
    path("internships/<int:pk>/applications/", api.InternshipApplicationsView.as_view(),
         name="internship-applications"),
    path("internship-applications/<int:pk>/", api.ApplicationDetailView.as_view(),
         name="internship-application-detail"),
    path("internship-applications/<int:pk>/shortlist/", api.ApplicationShortlistView.as_view(),
         name="internship-application-shortlist"),
    path("internship-applications/<int:pk>/accept/", api.ApplicationAcceptView.as_view(),
         name="internship-application-accept"),
    path("internship-applications/<int:pk>/decline/", api.ApplicationDeclineView.as_view(),
         name="internship-application-decline"),
    path("implementations/", api.ImplementationListCreateView.as_view(), name="implementation-list"),
    path("implementations/<int:pk>/confirm/", api.ImplementationConfirmView.as_view(),
         name="implementation-confirm"),
]
