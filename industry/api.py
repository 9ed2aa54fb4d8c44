"""Industry API: tasks, internships and applications, implementations; one endpoint per
workflow step, each calling the same service as the pages."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from marathon.api_support import ErrorSerializer
from marathon.models import Edition

from . import selectors, services
from . import serializers as s
from .models import ResearchTask

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


def _task(request, pk) -> ResearchTask:
    return selectors.task_detail(request.user, pk)


def _task_response(request, pk, code=status.HTTP_200_OK):
    return Response(s.TaskDetailSerializer(_task(request, pk)).data, status=code)


class TaskListCreateView(generics.ListAPIView):
    """Research tasks the caller may see: the catalogue of approved tasks (confidential ones only
    for professors of the edition's universities), the customer's own tasks, all for the office.
    `search` is full-text on PostgreSQL; `status`, `area`, `edition`, `organisation` filter."""

    serializer_class = s.TaskListSerializer

    @extend_schema(parameters=[OpenApiParameter("search", str), OpenApiParameter("status", str),
                               OpenApiParameter("area", int), OpenApiParameter("edition", int),
                               OpenApiParameter("organisation", int)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        tasks = selectors.with_task_list_data(selectors.tasks_visible_to(self.request.user))
        for name, lookup in (("status", "status"), ("area", "area_id"), ("edition", "desired_edition_id"),
                             ("organisation", "organisation_id")):
            value = params.get(name)
            if value:
                if lookup != "status" and not value.isdigit():
                    return tasks.none()
                tasks = tasks.filter(**{lookup: value})
        return selectors.search_tasks(tasks, params.get("search", ""))

    @extend_schema(summary="Submit a research task for review (a customer representative)",
                   request=s.TaskCreateSerializer, responses={201: s.TaskDetailSerializer, **ERRORS})
    def post(self, request):
        serializer = s.TaskCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        task = services.submit_task(actor=request.user, organisation=data.pop("organisation"), data=data)
        return _task_response(request, task.pk, status.HTTP_201_CREATED)


class TaskDetailView(APIView):
    @extend_schema(summary="A research task", responses={200: s.TaskDetailSerializer, 404: ErrorSerializer})
    def get(self, request, pk):
        return _task_response(request, pk)


class TaskApproveView(APIView):
    @extend_schema(summary="Approve a task into the catalogue (the office)", request=s.EmptySerializer,
                   responses={200: s.TaskDetailSerializer, **ERRORS})
    def post(self, request, pk):
        services.approve_task(task=_task(request, pk), actor=request.user)
        return _task_response(request, pk)


class TaskRejectView(APIView):
    @extend_schema(summary="Reject a task with a reason (the office)", request=s.TaskRejectSerializer,
                   responses={200: s.TaskDetailSerializer, **ERRORS})
    def post(self, request, pk):
        serializer = s.TaskRejectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.reject_task(task=_task(request, pk), actor=request.user, reason=serializer.validated_data["reason"])
        return _task_response(request, pk)


class TaskAdoptView(APIView):
    @extend_schema(summary="Adopt a task into a project proposal (a professor); the draft is prefilled "
                           "from the task, the body may override its fields",
                   request=s.TaskAdoptSerializer, responses={201: s.AdoptionSerializer, **ERRORS})
    def post(self, request, pk):
        task = _task(request, pk)
        serializer = s.TaskAdoptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = {**services.project_data_from_task(task), **serializer.validated_data}
        if "edition" in serializer.validated_data:
            data["edition"] = get_object_or_404(Edition, pk=serializer.validated_data["edition"])
        data.setdefault("team_size_min", data["edition"].team_size_min if data.get("edition") else 1)
        data.setdefault("team_size_max", data["edition"].team_size_max if data.get("edition") else 1)
        adoption = services.adopt_task(task=task, actor=request.user, project_data=data)
        return Response(s.AdoptionSerializer(adoption).data, status=status.HTTP_201_CREATED)


# --- internships ----------------------------------------------------------------------------
class InternshipListCreateView(generics.ListAPIView):
    """Internship offers (every signed-in user), with their applicant counts."""

    serializer_class = s.InternshipListSerializer

    def get_queryset(self):
        return selectors.with_internship_list_data(selectors.internships_visible_to(self.request.user))

    @extend_schema(summary="Offer internship places (a customer representative)",
                   request=s.InternshipCreateSerializer, responses={201: s.InternshipDetailSerializer, **ERRORS})
    def post(self, request):
        serializer = s.InternshipCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        internship = services.create_internship(actor=request.user, organisation=data.pop("organisation"), data=data)
        return Response(s.InternshipDetailSerializer(internship).data, status=status.HTTP_201_CREATED)


class InternshipDetailView(APIView):
    @extend_schema(summary="An internship offer", responses={200: s.InternshipDetailSerializer, 404: ErrorSerializer})
    def get(self, request, pk):
        internship = get_object_or_404(selectors.with_internship_list_data(
            selectors.internships_visible_to(request.user)), pk=pk)
        return Response(s.InternshipDetailSerializer(internship).data)


class InternshipApplicationsView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(summary="Applications for the internship the caller may see (the customer, the office: all; "
                           "a student: their own)",
                   responses={200: s.ApplicationSerializer(many=True), 404: ErrorSerializer})
    def get(self, request, pk):
        internship = get_object_or_404(selectors.internships_visible_to(request.user), pk=pk)
        applications = (selectors.applications_visible_to(request.user).filter(internship=internship)
                        .select_related("student").order_by("created_at", "pk"))
        return Response(s.ApplicationSerializer(applications, many=True).data)

    @extend_schema(summary="Apply (a student; multipart: motivation, cv as PDF at most 5 MB)",
                   request={"multipart/form-data": s.ApplicationCreateSerializer},
                   responses={201: s.ApplicationSerializer, **ERRORS})
    def post(self, request, pk):
        internship = get_object_or_404(selectors.internships_visible_to(request.user), pk=pk)
        serializer = s.ApplicationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application = services.apply_for_internship(internship=internship, actor=request.user,
                                                    **serializer.validated_data)
        return Response(s.ApplicationSerializer(application).data, status=status.HTTP_201_CREATED)


def _application(request, pk):
    return get_object_or_404(selectors.applications_visible_to(request.user).select_related(
        "student", "internship"), pk=pk)


class ApplicationDetailView(APIView):
    @extend_schema(summary="An application (the student, the customer, the office; 404 for anyone else)",
                   responses={200: s.ApplicationSerializer, 404: ErrorSerializer})
    def get(self, request, pk):
        return Response(s.ApplicationSerializer(_application(request, pk)).data)


def _decision_view(service, summary):
    class DecisionView(APIView):
        parser_classes = [JSONParser, FormParser]

        @extend_schema(summary=summary, request=s.EmptySerializer, responses={200: s.ApplicationSerializer, **ERRORS})
        def post(self, request, pk):
            application = service(application=_application(request, pk), actor=request.user)
            return Response(s.ApplicationSerializer(application).data)

    DecisionView.__name__ = f"Application{service.__name__.split('_')[0].title()}View"
    return DecisionView


ApplicationShortlistView = _decision_view(services.shortlist_application, "Shortlist an application (the customer)")
ApplicationAcceptView = _decision_view(services.accept_application,
                                       "Accept an applicant (the customer; never beyond the places)")
ApplicationDeclineView = _decision_view(services.decline_application, "Decline an application (the customer)")


# --- implementations ------------------------------------------------------------------------
class ImplementationListCreateView(generics.ListAPIView):
    """Implementations of results the caller takes part in (the customer, the project's
    supervisors; all for the office)."""

    serializer_class = s.ImplementationSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        return selectors.implementations_visible_to(self.request.user).order_by("-implemented_on", "-pk")

    @extend_schema(summary="Record an implementation (a supervisor or the customer); the other side confirms",
                   request={"multipart/form-data": s.ImplementationCreateSerializer,
                            "application/json": s.ImplementationCreateSerializer},
                   responses={201: s.ImplementationSerializer, **ERRORS})
    def post(self, request):
        serializer = s.ImplementationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        project = selectors.followed_project(request.user, data.pop("project"))
        implementation = services.record_implementation(project=project, actor=request.user, data=data,
                                                        evidence=data.pop("evidence_file", None))
        return Response(s.ImplementationSerializer(implementation).data, status=status.HTTP_201_CREATED)


class ImplementationConfirmView(APIView):
    @extend_schema(summary="Confirm an implementation (the other side)", request=s.EmptySerializer,
                   responses={200: s.ImplementationSerializer, **ERRORS})
    def post(self, request, pk):
        implementation = get_object_or_404(selectors.implementations_visible_to(request.user), pk=pk)
        implementation = services.confirm_implementation(implementation=implementation, actor=request.user)
        return Response(s.ImplementationSerializer(implementation).data)


