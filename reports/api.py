"""Statistics and export API."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from marathon.api_support import ErrorSerializer

from . import serializers, services
from .caching import cached_statistics
from .models import ExportJob, ExportStatus


class StatsView(APIView):
    """The yearly statistics for a year range (public aggregates, no personal data)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[serializers.YearRangeQuerySerializer],
                   responses={200: serializers.StatsSerializer, 400: ErrorSerializer})
    def get(self, request):
        query = serializers.YearRangeQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        stats = cached_statistics(year_from=query.validated_data["from"],
                                   year_to=query.validated_data["to"])
        return Response(stats.summary())


class ExportCreateView(APIView):
    """Start an export (CSV, XLSX or PDF); poll `GET /api/v1/exports/{id}/`. Office only."""

    permission_classes = [permissions.IsAdminUser]

    @extend_schema(request=serializers.ExportInputSerializer,
                   responses={202: serializers.ExportStartedSerializer, 400: ErrorSerializer,
                              403: ErrorSerializer})
    def post(self, request):
        data = serializers.ExportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = services.start_export(actor=request.user, year_from=data.validated_data["from"],
                                    year_to=data.validated_data["to"],
                                    format=data.validated_data["format"])
        return Response({"id": job.pk, "status": job.status, "progress": job.progress},
                        status=status.HTTP_202_ACCEPTED)


class ExportDetailView(APIView):
    permission_classes = [permissions.IsAdminUser]

    @extend_schema(responses={200: serializers.ExportStateSerializer, 404: ErrorSerializer})
    def get(self, request, pk: int):
        job = get_object_or_404(ExportJob, pk=pk)
        url = None
        if job.status == ExportStatus.DONE:
            url = request.build_absolute_uri(reverse("reports:export_download", args=[job.pk]))
        return Response({"status": job.status, "progress": job.progress, "download_url": url})
