from django.urls import path

from . import api

urlpatterns = [
    path("mobilities/", api.MobilityListCreateView.as_view(), name="mobility-list"),
    path("mobilities/estimate/", api.MobilityEstimateView.as_view(), name="mobility-estimate"),
    path("mobilities/<int:pk>/", api.MobilityDetailView.as_view(), name="mobility-detail"),
    path("mobilities/<int:pk>/submit/", api.MobilitySubmitView.as_view(), name="mobility-submit"),
    path("mobilities/<int:pk>/approve/", api.MobilityApproveView.as_view(), name="mobility-approve"),
    path("mobilities/<int:pk>/reject/", api.MobilityRejectView.as_view(), name="mobility-reject"),
    path("mobilities/<int:pk>/start/", api.MobilityStartView.as_view(), name="mobility-start"),
    path("mobilities/<int:pk>/complete/", api.MobilityCompleteView.as_view(),
         name="mobility-complete"),
    path("mobilities/<int:pk>/documents/", api.MobilityDocumentView.as_view(),
         name="mobility-documents"),
    path("mobilities/<int:pk>/cancel/", api.MobilityCancelView.as_view(), name="mobility-cancel"),
]
