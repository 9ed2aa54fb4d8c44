from django.urls import path

from . import views

app_name = "outcomes"
urlpatterns = [
    path("publications/", views.publication_list, name="publication_list"),
    path("grant-applications/", views.grant_application_list, name="grant_list"),
    path("conferences/", views.conference_list, name="conference_list"),
    path("projects/<int:project_id>/", views.project_outcomes, name="project"),
    path("projects/<int:project_id>/publications/add/", views.publication_add, name="publication_add"),
    path("projects/<int:project_id>/grant-applications/add/", views.grant_application_add,
         name="grant_add"),
    path("publications/<int:pk>/edit/", views.publication_edit, name="publication_edit"),
    path("grant-applications/<int:pk>/edit/", views.grant_application_edit, name="grant_edit"),
    path("conferences/<int:pk>/edit/", views.conference_edit, name="conference_edit"),
    path("<slug:kind>/<int:pk>/delete/", views.outcome_delete, name="delete"),
    path("projects/<int:project_id>/conferences/add/", views.conference_add, name="conference_add"),
]
