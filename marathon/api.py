"""Core API: token login, reference data, the current user's profile."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from . import serializers
from .api_support import ErrorSerializer
from .models import Edition, Organisation, ScientificArea, University
from .services import update_edition_dates, update_profile


class TokenView(APIView):
    """Exchange e-mail and password for an API token (send it as `Authorization: Token ...`)."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(request=serializers.TokenRequestSerializer,
                   responses={200: serializers.TokenResponseSerializer, 400: ErrorSerializer,
                              403: ErrorSerializer, 429: ErrorSerializer},
                   description="Exchange e-mail and password for an API token. Failed attempts count "
                               "towards the login page's limits (per account and per client address); "
                               "a locked account gets 429, even with the right password.")
    def post(self, request):
        serializer = serializers.TokenRequestSerializer(data=request.data,
                                                        context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key}, status=status.HTTP_200_OK)


class UniversityViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [permissions.AllowAny]  # public reference data
    queryset = University.objects.all()
    serializer_class = serializers.UniversitySerializer
    filterset_fields = ["country", "is_host"]


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [permissions.AllowAny]  # public reference data
    queryset = Organisation.objects.all()
    serializer_class = serializers.OrganisationSerializer
    filterset_fields = ["kind", "country"]


class ScientificAreaViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [permissions.AllowAny]  # public reference data
    queryset = ScientificArea.objects.all()
    serializer_class = serializers.ScientificAreaSerializer


class EditionViewSet(viewsets.ReadOnlyModelViewSet):
    """Editions are public reference data; the programme office moves their phase dates
    (`PATCH`, e.g. to reopen the proposal window), validated and audited."""

    queryset = Edition.objects.all()
    serializer_class = serializers.EditionSerializer
    filterset_fields = ["year"]

    def get_permissions(self):
        if self.action == "partial_update":
            return [permissions.IsAdminUser()]
        return [permissions.AllowAny()]

    @extend_schema(request=serializers.EditionDatesSerializer,
                   responses={200: serializers.EditionSerializer, 400: ErrorSerializer, 401: ErrorSerializer,
                              403: ErrorSerializer, 404: ErrorSerializer})
    def partial_update(self, request, pk=None):
        edition = self.get_object()
        data = serializers.EditionDatesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        edition = update_edition_dates(edition=edition, actor=request.user, dates=data.validated_data)
        return Response(serializers.EditionSerializer(edition).data)


class MeView(generics.RetrieveUpdateAPIView):
    serializer_class = serializers.MeSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return self.request.user

    def perform_update(self, serializer):
        update_profile(user=serializer.instance, actor=self.request.user,
                       data=serializer.validated_data)
