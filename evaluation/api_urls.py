from django.urls import path

from . import api

# Mounted under /api/v1/evaluation/ by marathon/urls.py.
urlpatterns = [
    path("criteria/", api.CriterionList.as_view(), name="evaluation-criteria"),
    path("assignments/", api.AssignmentListCreate.as_view(), name="evaluation-assignments"),
    path("assignments/<int:pk>/", api.AssignmentDetail.as_view(), name="evaluation-assignment"),
    path("auto-assign/", api.AutoAssign.as_view(), name="evaluation-auto-assign"),
    path("sheets/", api.ScoreSheetList.as_view(), name="evaluation-sheets"),
    path("sheets/<int:pk>/", api.ScoreSheetDetail.as_view(), name="evaluation-sheet"),
    path("sheets/<int:pk>/submit/", api.ScoreSheetSubmit.as_view(), name="evaluation-sheet-submit"),
    path("conflicts/", api.ConflictCreate.as_view(), name="evaluation-conflicts"),
    path("results/", api.Results.as_view(), name="evaluation-results"),
    path("results/publish/", api.Publish.as_view(), name="evaluation-publish"),
    path("ranking-method/", api.RankingMethod.as_view(), name="evaluation-ranking-method"),
]
