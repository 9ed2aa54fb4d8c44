from django.urls import path

from . import api

urlpatterns = [
    path("certificates/", api.CertificateListView.as_view(), name="certificate-list"),
    path("certificates/keys/", api.KeysView.as_view(), name="certificate-keys"),
    path("certificates/verify/<str:code>/", api.VerifyView.as_view(), name="certificate-verify"),
    path("certificates/issue/", api.IssueView.as_view(), name="certificate-issue"),
    path("certificates/runs/", api.RunCreateView.as_view(), name="certificate-run-list"),
    path("certificates/runs/<int:pk>/", api.RunDetailView.as_view(), name="certificate-run-detail"),
    path("certificates/<int:pk>/credential/", api.CredentialView.as_view(), name="certificate-credential"),
    path("certificates/<int:pk>/revoke/", api.RevokeView.as_view(), name="certificate-revoke"),
]
