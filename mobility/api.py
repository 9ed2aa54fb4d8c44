"""Mobility API: list/create, draft detail, one endpoint per workflow step, the estimate."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from marathon.api_support import ErrorSerializer

from . import selectors, services
from .grants import estimate_grant
from .serializers import (
    DateActionSerializer,
    DocumentSerializer,
    DocumentUploadSerializer,
    EstimateQuerySerializer,
    EstimateSerializer,
    MobilityInputSerializer,
    MobilityRejectSerializer,
    MobilitySerializer,
)

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


def _visible(user, pk):
    return get_object_or_404(selectors.mobilities_visible_to(user), pk=pk)


def _output(mobility, code=status.HTTP_200_OK):
    mobility = selectors.mobilities_with_related().get(pk=mobility.pk)
    return Response(MobilitySerializer(mobility).data, status=code)


class MobilityListCreateView(generics.ListAPIView):
    """Your mobilities (all of them for coordinators); POST creates a draft of your own."""

    serializer_class = MobilitySerializer
    filterset_fields = ["status", "funding_source", "kind", "edition"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return selectors.mobilities_with_related().none()
        return selectors.mobilities_visible_to(self.request.user)

    @extend_schema(request=MobilityInputSerializer, responses={201: MobilitySerializer, **ERRORS})
    def post(self, request):
        serializer = MobilityInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        mobility = services.create_mobility(actor=request.user, data=serializer.validated_data)
        return _output(mobility, status.HTTP_201_CREATED)


class MobilityDetailView(APIView):
    """One mobility; PATCH and DELETE only for the participant's drafts."""

    @extend_schema(responses={200: MobilitySerializer, **ERRORS})
    def get(self, request, pk):
        return Response(MobilitySerializer(_visible(request.user, pk)).data)

    @extend_schema(request=MobilityInputSerializer, responses={200: MobilitySerializer, **ERRORS})
    def patch(self, request, pk):
        mobility = _visible(request.user, pk)
        serializer = MobilityInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.update_mobility(mobility=mobility, actor=request.user,
                                 data=serializer.validated_data)
        return _output(mobility)

    @extend_schema(request=None, responses={204: OpenApiResponse(description="Deleted"), **ERRORS})
    def delete(self, request, pk):
        services.delete_mobility(mobility=_visible(request.user, pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _workflow_endpoint(name: str, service, summary: str, input_serializer=None):
    """One POST endpoint for one workflow step, calling that step's service."""

    @extend_schema(summary=summary, request=input_serializer,
                   responses={200: MobilitySerializer, **ERRORS}, operation_id=f"mobilities_{name}")
    def post(self, request, pk):
        mobility = _visible(request.user, pk)
        arguments = {}
        if input_serializer is not None:
            serializer = input_serializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            arguments = serializer.validated_data
        return _output(service(mobility=mobility, actor=request.user, **arguments))

    return type(f"Mobility{name.title()}View", (APIView,), {"post": post, "__doc__": summary})


MobilitySubmitView = _workflow_endpoint(
    "submit", services.submit_mobility, "Submit a draft to the coordinators (participant).")
MobilityApproveView = _workflow_endpoint(
    "approve", services.approve_mobility, "Approve a submitted mobility (coordinator).")
MobilityRejectView = _workflow_endpoint(
    "reject", services.reject_mobility, "Reject a submitted mobility with a reason (coordinator).",
    MobilityRejectSerializer)
MobilityStartView = _workflow_endpoint(
    "start", services.start_mobility, "Mark an approved mobility as started.", DateActionSerializer)
MobilityCompleteView = _workflow_endpoint(
    "complete", services.complete_mobility,
    "Complete a mobility in progress (needs the certificate of attendance).", DateActionSerializer)
MobilityCancelView = _workflow_endpoint(
    "cancel", services.cancel_mobility, "Cancel a mobility.")


class MobilityDocumentView(APIView):
    """Upload an agreement or the certificate of attendance (multipart; type and size checked)."""

    parser_classes = [MultiPartParser]

    @extend_schema(request={"multipart/form-data": DocumentUploadSerializer},
                   responses={201: DocumentSerializer, **ERRORS})
    def post(self, request, pk):
        mobility = _visible(request.user, pk)
        serializer = DocumentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = services.upload_document(mobility=mobility, actor=request.user,
                                            kind=serializer.validated_data["kind"],
                                            upload=serializer.validated_data["file"])
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class MobilityEstimateView(APIView):
    """The ERASMUS+ grant for a planned mobility, with its breakdown (nothing is stored)."""

    @extend_schema(parameters=[EstimateQuerySerializer],
                   responses={200: EstimateSerializer, 400: ErrorSerializer})
    def get(self, request):
        query = EstimateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        estimate = estimate_grant(home=data["home"], host=data["host"], kind=data["kind"],
                                  start=data["start"], end=data["end"], green=data["green"],
                                  call_year=data.get("call_year"))
        return Response(EstimateSerializer(estimate).data)
