from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    path("", views.my_sheets, name="my_sheets"),
    path("sheets/<int:pk>/", views.sheet_detail, name="sheet"),
    path("sheets/<int:pk>/autosave/", views.sheet_autosave, name="sheet_autosave"),
    path("sheets/<int:pk>/submit/", views.sheet_submit, name="sheet_submit"),
    path("submissions/<int:pk>/<str:kind>/", views.submission_file, name="submission_file"),
    path("conflicts/declare/", views.declare_conflict, name="declare_conflict"),
    path("commission/<int:year>/", views.dashboard, name="dashboard"),
    path("commission/<int:year>/projects/<int:project_pk>/", views.project_sheets, name="project_sheets"),
    path("commission/<int:year>/members/", views.members, name="members"),
    path("commission/<int:year>/criteria/", views.criteria, name="criteria"),
    path("commission/<int:year>/criteria/<int:pk>/", views.criteria, name="criterion"),
    path("commission/<int:year>/members/<int:pk>/remove/", views.remove_member, name="remove_member"),
    path("commission/<int:year>/assign/", views.assign, name="assign"),
    path("commission/<int:year>/assign/form/", views.assign_form, name="assign_form"),
    path("commission/<int:year>/assignments/<int:pk>/remove/", views.remove_assignment, name="remove_assignment"),
    path("commission/<int:year>/auto-assign/", views.auto_assign, name="auto_assign"),
    path("commission/<int:year>/remind/", views.remind, name="remind"),
    path("commission/", views.commission_home, name="commission_home"),
    path("commission/<int:year>/publish/", views.publish, name="publish"),
    path("commission/<int:year>/ranking-method/", views.ranking_method, name="ranking_method"),
    path("commission/<int:year>/publish/progress/", views.publish_progress, name="publish_progress"),
    path("commission/<int:year>/export.<str:fmt>", views.export, name="export"),
    path("results/", views.results_index, name="results_index"),
    path("results/<int:year>/", views.results, name="results"),
    path("teams/<int:team_pk>/results/", views.submit_results, name="submit_results"),
]
