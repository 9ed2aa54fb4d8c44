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
from .services import update_profile


class TokenView(APIView):
    """Exchange e-mail and password for an API token (send it as `Authorization: Token ...`)."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(request=serializers.TokenRequestSerializer,
                   responses={200: serializers.TokenResponseSerializer, 400: ErrorSerializer,
                              429: ErrorSerializer},
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
    permission_classes = [permissions.AllowAny]  # public reference data
    queryset = Edition.objects.all()
    serializer_class = serializers.EditionSerializer
    filterset_fields = ["year"]


class MeView(generics.RetrieveUpdateAPIView):
    serializer_class = serializers.MeSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return self.request.user

    def perform_update(self, serializer):
        update_profile(user=serializer.instance, actor=self.request.user,
                       data=serializer.validated_data)
