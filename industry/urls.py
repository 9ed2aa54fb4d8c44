from django.urls import path

from . import views

app_name = "industry"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("claim/", views.claim, name="claim"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("representatives/", views.representatives, name="representatives"),
    path("representatives/<int:pk>/<str:action>/", views.representative_decide, name="representative_decide"),
    path("tasks/", views.task_catalogue, name="task_catalogue"),
    path("tasks/new/", views.task_new, name="task_new"),
    path("tasks/review/", views.task_review, name="task_review"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/approve/", views.task_approve, name="task_approve"),
    path("tasks/<int:pk>/reject/", views.task_reject, name="task_reject"),
    path("tasks/<int:pk>/adopt/", views.task_adopt, name="task_adopt"),
    path("internships/", views.internship_list, name="internship_list"),
    path("internships/new/", views.internship_new, name="internship_new"),
    path("internships/<int:pk>/", views.internship_detail, name="internship_detail"),
    path("applications/", views.my_applications, name="my_applications"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/cv/", views.application_cv, name="application_cv"),
    path("applications/<int:pk>/mobility/", views.application_link_mobility, name="application_link_mobility"),
    path("applications/<int:pk>/<str:action>/", views.application_decide, name="application_decide"),
    path("projects/<int:pk>/", views.project_follow, name="project_follow"),
    path("implementations/", views.implementation_list, name="implementation_list"),
    path("implementations/<int:pk>/confirm/", views.implementation_confirm, name="implementation_confirm"),
    path("implementations/<int:pk>/evidence/", views.implementation_evidence, name="implementation_evidence"),
]
