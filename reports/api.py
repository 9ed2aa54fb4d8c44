"""Statistics and export API."""

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from marathon.api_support import ErrorSerializer

from . import serializers, services
from .caching import cached_statistics
from .exports import CONTENT_TYPES
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
                   responses={202: serializers.ExportStateSerializer, 400: ErrorSerializer,
                              403: ErrorSerializer})
    def post(self, request):
        data = serializers.ExportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = services.start_export(actor=request.user, year_from=data.validated_data["from"],
                                    year_to=data.validated_data["to"],
                                    format=data.validated_data["format"])
        return Response(export_state(request, job), status=status.HTTP_202_ACCEPTED)


def export_state(request, job: ExportJob) -> dict:
    url = None
    if job.status == ExportStatus.DONE:
        url = request.build_absolute_uri(reverse("api:export-download", args=[job.pk]))
    return {"id": job.pk, "status": job.status, "progress": job.progress, "error": job.error,
            "download_url": url}


class ExportDetailView(APIView):
    """An export's state; `download_url` (when done) works with the same token or session."""

    permission_classes = [permissions.IsAdminUser]

    @extend_schema(responses={200: serializers.ExportStateSerializer, 404: ErrorSerializer})
    def get(self, request, pk: int):
        return Response(export_state(request, get_object_or_404(ExportJob, pk=pk)))


class ExportRetryView(APIView):
    """Start a failed export again. Office only; 409 unless the export failed."""

    permission_classes = [permissions.IsAdminUser]

    @extend_schema(request=None, responses={202: serializers.ExportStateSerializer, 404: ErrorSerializer,
                                            409: ErrorSerializer})
    def post(self, request, pk: int):
        job = services.retry_export(job=get_object_or_404(ExportJob, pk=pk), actor=request.user)
        job.refresh_from_db()
        return Response(export_state(request, job), status=status.HTTP_202_ACCEPTED)


class ExportDownloadView(APIView):
    """The generated file (office only; token or session authentication)."""

    permission_classes = [permissions.IsAdminUser]

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: ErrorSerializer})
    def get(self, request, pk: int):
        job = get_object_or_404(ExportJob, pk=pk, status=ExportStatus.DONE)
        if not job.file_available():
            raise NotFound(_("The file has expired; please export again."))
        return FileResponse(job.open_file(), as_attachment=True, filename=job.download_name,
                            content_type=CONTENT_TYPES[job.format])
