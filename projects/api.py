"""Projects API: list/create, read/update/delete drafts, and one endpoint per workflow step."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from marathon.api_support import CountFromFirstPagePagination, ErrorSerializer
from marathon.uploads import serve_file

from . import catalogue_choices, permissions, selectors, services
from .filters import ProjectFilter
from .serializers import (
    ApproveSerializer,
    AttachmentSerializer,
    AttachmentUploadSerializer,
    ProjectCreateSerializer,
    ProjectDetailSerializer,
    ProjectListSerializer,
    ProjectUpdateSerializer,
    RejectSerializer,
    SubmitSerializer,
    catalogue_names_wanted,
    catalogue_representation,
)

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


def _detail_response(request, pk, code=status.HTTP_200_OK):
    project = selectors.project_detail(request.user, pk)
    return Response(ProjectDetailSerializer(project).data, status=code)


def _visible(request, pk):
    return generics.get_object_or_404(selectors.projects_visible_to(request.user), pk=pk)


class ProjectListCreateView(generics.ListAPIView):
    """Projects the caller may see: published ones, plus own drafts (all for the office).
    `search` is full-text on PostgreSQL, ranked by relevance."""

    serializer_class = ProjectListSerializer
    filterset_class = ProjectFilter
    pagination_class = CountFromFirstPagePagination

    def get_queryset(self):
        return selectors.projects_visible_to(self.request.user)

    def list(self, request, *args, **kwargs):
        """Rows, not model instances (the 1,500-project edition's list cost 16 ms of CPU): the
        page of project and edition columns (`selectors.catalogue_page`), then its people and
        teams (`selectors.catalogue_people`), named from the cached reference lists and shaped
        by `catalogue_representation`; the output is `ProjectListSerializer`'s, which documents
        it (the class docstring is the API's description)."""
        projects = self.filter_queryset(self.get_queryset())
        rows = selectors.catalogue_people(self.paginate_queryset(selectors.catalogue_page(projects)))
        names = catalogue_choices.options_with(catalogue_names_wanted(rows))
        return self.get_paginated_response(catalogue_representation(rows, names))

    @extend_schema(summary="Propose a project (creates a draft)", request=ProjectCreateSerializer,
                   responses={201: ProjectDetailSerializer, **ERRORS})
    def post(self, request):
        serializer = ProjectCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        project = services.create_project(actor=request.user, data=serializer.validated_data)
        return _detail_response(request, project.pk, status.HTTP_201_CREATED)


class ProjectDetailView(APIView):
    @extend_schema(summary="A project", responses={200: ProjectDetailSerializer, 404: ErrorSerializer})
    def get(self, request, pk):
        return _detail_response(request, pk)

    @extend_schema(summary="Change a draft (the proposer only)", request=ProjectUpdateSerializer,
                   responses={200: ProjectDetailSerializer, **ERRORS})
    def patch(self, request, pk):
        project = _visible(request, pk)
        serializer = ProjectUpdateSerializer(instance=project, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.update_project(project=project, actor=request.user, data=serializer.validated_data)
        return _detail_response(request, pk)

    @extend_schema(summary="Delete a draft (the proposer only)",
                   responses={204: OpenApiResponse(description="Deleted."), **ERRORS})
    def delete(self, request, pk):
        services.delete_project(project=_visible(request, pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProjectSubmitView(APIView):
    @extend_schema(summary="Submit a draft to the programme office (the proposer)",
                   request=SubmitSerializer, responses={200: ProjectDetailSerializer, **ERRORS})
    def post(self, request, pk):
        SubmitSerializer(data=request.data).is_valid(raise_exception=True)
        services.submit_project(project=_visible(request, pk), actor=request.user)
        return _detail_response(request, pk)


class ProjectApproveView(APIView):
    @extend_schema(summary="Approve a submitted project and create its team (the office)",
                   request=ApproveSerializer, responses={200: ProjectDetailSerializer, **ERRORS})
    def post(self, request, pk):
        ApproveSerializer(data=request.data).is_valid(raise_exception=True)
        services.approve_project(project=_visible(request, pk), actor=request.user)
        return _detail_response(request, pk)


class ProjectRejectView(APIView):
    @extend_schema(summary="Reject a submitted project with a reason (the office)",
                   request=RejectSerializer, responses={200: ProjectDetailSerializer, **ERRORS})
    def post(self, request, pk):
        serializer = RejectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.reject_project(project=_visible(request, pk), actor=request.user,
                                reason=serializer.validated_data["reason"])
        return _detail_response(request, pk)


class ProjectAttachmentsView(APIView):
    """A project's files: the list shows only those the caller may download; uploading follows
    the project page (the office or the project's supervisors, kinds allowed per state)."""

    parser_classes = [MultiPartParser]

    @extend_schema(summary="The project's files the caller may download",
                   responses={200: AttachmentSerializer(many=True), 404: ErrorSerializer})
    def get(self, request, pk):
        project = selectors.project_with_files(request.user, pk)
        files = [a for a in project.attachments.all() if _may_download(request.user, a, project)]
        return Response(AttachmentSerializer(files, many=True).data)

    @extend_schema(summary="Add a file (multipart: kind, file; type and size are checked)",
                   request={"multipart/form-data": AttachmentUploadSerializer},
                   responses={201: AttachmentSerializer, **ERRORS})
    def post(self, request, pk):
        project = selectors.project_with_files(request.user, pk)
        serializer = AttachmentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attachment = services.upload_attachment(project=project, actor=request.user,
                                                kind=serializer.validated_data["kind"],
                                                upload=serializer.validated_data["file"])
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


class ProjectAttachmentDownloadView(APIView):
    @extend_schema(summary="Download a file (404 unless the caller may read it)",
                   parameters=[OpenApiParameter("attachment_id", int, OpenApiParameter.PATH)],
                   responses={(200, "application/octet-stream"): OpenApiTypes.BINARY,
                              404: ErrorSerializer})
    def get(self, request, pk, attachment_id):
        project = selectors.project_with_files(request.user, pk)
        attachment = next((a for a in project.attachments.all() if a.pk == attachment_id), None)
        # Not allowed looks like missing: a file's existence is not disclosed.
        if attachment is None or not _may_download(request.user, attachment, project):
            raise Http404
        return serve_file(attachment.file, filename=attachment.original_name,
                          content_type=attachment.content_type)


def _may_download(user, attachment, project):
    attachment.project = project  # loaded with its supervisors and team members
    return permissions.can_download(user, attachment)
