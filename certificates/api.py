"""Certificates API: public verification and keys; the holder's list and credential; the
office's issue, bulk run and revoke endpoints (each calls one service)."""

from cryptography.hazmat.primitives import serialization
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from marathon.api_support import ErrorSerializer
from marathon.models import Edition, User

from . import badges, selectors, serializers, services, signing
from .models import Certificate, IssueRun


class VerifyView(APIView):
    """Status (valid / revoked), the signed data and the signature of a certificate. No login."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []

    @extend_schema(responses={200: serializers.VerificationSerializer, 404: ErrorSerializer})
    def get(self, request, code: str):
        result = selectors.verification(selectors.certificate_by_code(code))
        if result["status"] == "unknown":
            return Response({"detail": "unknown", "errors": {"code": ["No certificate has this code."]}},
                            status=status.HTTP_404_NOT_FOUND)
        return Response(result)


class KeysView(APIView):
    """The programme's public keys (current and earlier ones), to check signatures offline."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []

    @extend_schema(responses={200: serializers.PublicKeySerializer(many=True)})
    def get(self, request):
        ring = signing.keyring()
        return Response([{
            "key_id": key_id, "type": "Ed25519",
            "public_key_pem": key.public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo).decode(),
            "public_key_multibase": signing.public_multibase(key), "controller": signing.did_key(key),
            "current": key_id == ring.signing_id} for key_id, key in ring.public.items()])


class CertificateListView(generics.ListAPIView):
    """Your certificates (the office: everyone's)."""

    serializer_class = serializers.CertificateSerializer
    queryset = Certificate.objects.none()  # for the schema; get_queryset scopes it to the user

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        if self.request.user.is_staff:
            return selectors.certificates_for_office()
        return selectors.certificates_of(self.request.user).select_related("person")


class CredentialView(APIView):
    """The certificate as an Open Badges 3.0 credential with an eddsa-jcs-2022 proof."""

    @extend_schema(responses={200: dict, 404: ErrorSerializer})
    def get(self, request, pk: int):
        certificate = selectors.certificate_visible_to(request.user, pk)
        if certificate is None:
            return Response({"detail": "Not found.", "errors": {}}, status=status.HTTP_404_NOT_FOUND)
        return Response(badges.signed_credential(certificate))


class IssueView(APIView):
    """Issue one person's certificate for an edition. Office only."""

    permission_classes = [permissions.IsAdminUser]

    @extend_schema(request=serializers.IssueInputSerializer,
                   responses={201: serializers.CertificateSerializer, 400: ErrorSerializer, 409: ErrorSerializer})
    def post(self, request):
        data = serializers.IssueInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        edition = get_object_or_404(Edition, year=data.validated_data["edition"])
        person = get_object_or_404(User, pk=data.validated_data["person"])
        certificate = services.issue_certificate(person=person, edition=edition, actor=request.user)
        return Response(serializers.CertificateSerializer(certificate).data, status=status.HTTP_201_CREATED)


class RunCreateView(APIView):
    """Start issuing an edition's certificates in bulk; poll the run. Office only."""

    permission_classes = [permissions.IsAdminUser]

    @extend_schema(request=serializers.IssueRunInputSerializer,
                   responses={202: serializers.IssueRunSerializer, 400: ErrorSerializer, 409: ErrorSerializer})
    def post(self, request):
        data = serializers.IssueRunInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        edition = get_object_or_404(Edition, year=data.validated_data["edition"])
        run = services.start_bulk_issue(edition=edition, actor=request.user)
        run.refresh_from_db()
        return Response(serializers.IssueRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class RunDetailView(APIView):
    permission_classes = [permissions.IsAdminUser]

    @extend_schema(responses={200: serializers.IssueRunSerializer, 404: ErrorSerializer})
    def get(self, request, pk: int):
        run = get_object_or_404(IssueRun.objects.select_related("edition"), pk=pk)
        return Response(serializers.IssueRunSerializer(run).data)


class RevokeView(APIView):
    """Revoke a certificate with a reason. Office only."""

    permission_classes = [permissions.IsAdminUser]

    @extend_schema(request=serializers.RevokeInputSerializer,
                   responses={200: serializers.CertificateSerializer, 400: ErrorSerializer, 409: ErrorSerializer})
    def post(self, request, pk: int):
        data = serializers.RevokeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        certificate = get_object_or_404(Certificate.objects.select_related("edition", "person"), pk=pk)
        certificate = services.revoke_certificate(certificate=certificate, actor=request.user,
                                                  reason=data.validated_data["reason"])
        return Response(serializers.CertificateSerializer(certificate).data)
