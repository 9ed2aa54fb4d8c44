"""`/api/v1/teams/{id}/milestones/`, `/journal/`, `/reports/`: list/create/detail, and each
workflow step (sign, new version, submit, approve, request changes) as its own endpoint calling
the same service as the pages. Outsiders get 404; readers get 403 on writes."""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from marathon.api_support import ErrorSerializer, PageNumberPagination

from . import measurements, selectors, services
from . import serializers as s
from .models import JournalEntry, Milestone, ProgressReport, ReportReview

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


def _team(request, pk, write=False):
    team, access = selectors.team_for_workspace(request.user, pk)
    if write and not access.write:
        raise PermissionDenied("Only the team's members and supervisors can change its workspace.")
    return team


def _paginated(request, view, queryset, serializer):
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer(page, many=True).data)


# --- milestones ------------------------------------------------------------------------------
class MilestoneListView(APIView):
    @extend_schema(operation_id="workspace_milestones_list", responses={200: s.MilestoneSerializer(many=True),
                                                                        **ERRORS})
    def get(self, request, pk):
        return _paginated(request, self, selectors.milestones_of(_team(request, pk)), s.MilestoneSerializer)

    @extend_schema(operation_id="workspace_milestones_create", request=s.MilestoneCreateSerializer,
                   responses={201: s.MilestoneSerializer, **ERRORS},
                   description="Add a milestone (members, supervisors).")
    def post(self, request, pk):
        team = _team(request, pk, write=True)
        data = s.MilestoneCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        owners = fields.pop("owners")
        milestone = services.create_milestone(team=team, actor=request.user, data=fields, owners=owners)
        return Response(s.MilestoneSerializer(milestone).data, status=status.HTTP_201_CREATED)


def _milestone(request, pk, milestone_id, write=False):
    team = _team(request, pk, write=write)
    return get_object_or_404(Milestone.objects.prefetch_related("owners").select_related("team"),
                             pk=milestone_id, team=team)


class MilestoneDetailView(APIView):
    @extend_schema(operation_id="workspace_milestones_retrieve", responses={200: s.MilestoneSerializer, **ERRORS})
    def get(self, request, pk, milestone_id):
        return Response(s.MilestoneSerializer(_milestone(request, pk, milestone_id)).data)

    @extend_schema(operation_id="workspace_milestones_update", request=s.MilestoneUpdateSerializer,
                   responses={200: s.MilestoneSerializer, **ERRORS},
                   description="Edit a milestone; `version` must be the current one, else 409.")
    def patch(self, request, pk, milestone_id):
        milestone = _milestone(request, pk, milestone_id, write=True)
        data = s.MilestoneUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        version, owners = fields.pop("version"), fields.pop("owners", None)
        milestone = services.update_milestone(milestone=milestone, actor=request.user, data=fields,
                                              expected_version=version, owners=owners)
        return Response(s.MilestoneSerializer(Milestone.objects.prefetch_related("owners").get(pk=milestone.pk)).data)


# --- journal ---------------------------------------------------------------------------------
class JournalListView(APIView):
    @extend_schema(operation_id="workspace_journal_list",
                   parameters=[OpenApiParameter("q", str, description="Full-text search")],
                   responses={200: s.JournalEntrySerializer(many=True), **ERRORS})
    def get(self, request, pk):
        entries = selectors.search_journal(selectors.journal_of(_team(request, pk)), request.query_params.get("q", ""))
        return _paginated(request, self, entries, s.JournalEntrySerializer)

    @extend_schema(operation_id="workspace_journal_create", request=s.JournalEntryCreateSerializer,
                   responses={201: s.JournalEntrySerializer, **ERRORS}, description="A draft entry by the caller.")
    def post(self, request, pk):
        team = _team(request, pk, write=True)
        data = s.JournalEntryCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        milestones = fields.pop("milestones")
        fields["measurements"] = measurements.parse_text(fields.pop("measurements_csv"))
        entry = services.create_entry(team=team, actor=request.user, data=fields, milestones=milestones)
        return Response(s.JournalEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


def _entry(request, pk, entry_id, write=False):
    team = _team(request, pk, write=write)
    return get_object_or_404(JournalEntry.objects.select_related("author"), pk=entry_id, team=team)


class JournalDetailView(APIView):
    @extend_schema(operation_id="workspace_journal_retrieve", responses={200: s.JournalEntrySerializer, **ERRORS})
    def get(self, request, pk, entry_id):
        return Response(s.JournalEntrySerializer(_entry(request, pk, entry_id)).data)


class JournalSignView(APIView):
    @extend_schema(operation_id="workspace_journal_sign", request=None,
                   responses={200: s.JournalEntrySerializer, **ERRORS},
                   description="The author signs the draft; it joins the hash chain and never changes again.")
    def post(self, request, pk, entry_id):
        entry = services.sign_entry(entry=_entry(request, pk, entry_id, write=True), actor=request.user)
        return Response(s.JournalEntrySerializer(entry).data)


class JournalNewVersionView(APIView):
    @extend_schema(operation_id="workspace_journal_new_version", request=None,
                   responses={201: s.JournalEntrySerializer, **ERRORS},
                   description="A draft correction of a signed entry (the signed version stays).")
    def post(self, request, pk, entry_id):
        entry = services.new_version(entry=_entry(request, pk, entry_id, write=True), actor=request.user)
        return Response(s.JournalEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


# --- reports ---------------------------------------------------------------------------------
def _reports():
    return ProgressReport.objects.prefetch_related(
        Prefetch("reviews", queryset=ReportReview.objects.select_related("reviewer")))


class ReportListView(APIView):
    @extend_schema(operation_id="workspace_reports_list", responses={200: s.ProgressReportSerializer(many=True),
                                                                     **ERRORS})
    def get(self, request, pk):
        return _paginated(request, self, _reports().filter(team=_team(request, pk)), s.ProgressReportSerializer)

    @extend_schema(operation_id="workspace_reports_create", request=s.ReportCreateSerializer,
                   responses={201: s.ProgressReportSerializer, **ERRORS},
                   description="Start the report of a period: a draft generated from its milestones and journal.")
    def post(self, request, pk):
        team = _team(request, pk, write=True)
        data = s.ReportCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.start_report(team=team, actor=request.user, period_start=data.validated_data["period_start"])
        return Response(s.ProgressReportSerializer(_reports().get(pk=report.pk)).data, status=status.HTTP_201_CREATED)


def _report(request, pk, report_id, write=False):
    team = _team(request, pk, write=write)
    return get_object_or_404(_reports(), pk=report_id, team=team)


class ReportDetailView(APIView):
    @extend_schema(operation_id="workspace_reports_retrieve", responses={200: s.ProgressReportSerializer, **ERRORS})
    def get(self, request, pk, report_id):
        return Response(s.ProgressReportSerializer(_report(request, pk, report_id)).data)

    @extend_schema(operation_id="workspace_reports_update", request=s.ReportUpdateSerializer,
                   responses={200: s.ProgressReportSerializer, **ERRORS})
    def patch(self, request, pk, report_id):
        report = _report(request, pk, report_id, write=True)
        data = s.ReportUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.update_report(report=report, actor=request.user, data=data.validated_data)
        return Response(s.ProgressReportSerializer(_reports().get(pk=report.pk)).data)


def _report_action(name, operation, description):
    class ActionView(APIView):
        @extend_schema(operation_id=operation, request=s.ReviewInputSerializer,
                       responses={200: s.ProgressReportSerializer, **ERRORS}, description=description)
        def post(self, request, pk, report_id):
            report = _report(request, pk, report_id)
            data = s.ReviewInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            comment = data.validated_data["comment"]
            if name == "submit":
                services.submit_report(report=report, actor=request.user)
            elif name == "approve":
                services.approve_report(report=report, actor=request.user, comment=comment)
            else:
                services.request_changes(report=report, actor=request.user, comment=comment)
            return Response(s.ProgressReportSerializer(_reports().get(pk=report.pk)).data)

    ActionView.__name__ = f"Report{name.title().replace('_', '')}View"
    return ActionView


ReportSubmitView = _report_action("submit", "workspace_reports_submit",
                                  "Hand the report to the supervisors (also after changes were requested).")
ReportApproveView = _report_action("approve", "workspace_reports_approve", "A supervisor approves the report.")
ReportRequestChangesView = _report_action("request_changes", "workspace_reports_request_changes",
                                          "A supervisor sends the report back; a comment is required.")

