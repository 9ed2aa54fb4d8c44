from django.urls import path

from . import views

urlpatterns = [
    path("ranking/", views.ranking, name="allocation_ranking"),
    path("allocation/supervise/", views.supervise, name="allocation_supervise"),
    path("allocation/decide/", views.decide, name="allocation_decide"),
    path("allocation/", views.runs, name="allocation_runs"),
    path("allocation/runs/<int:pk>/", views.review, name="allocation_review"),
    path("allocation/runs/<int:pk>/status/", views.run_status, name="allocation_run_status"),
    path("allocation/runs/<int:pk>/rerun/", views.rerun, name="allocation_rerun"),
    path("allocation/runs/<int:pk>/commit/", views.commit, name="allocation_commit"),
    path("allocation/placements/<int:pk>/lock/", views.lock, name="allocation_lock"),
]
