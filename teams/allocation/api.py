"""Allocation API: the student's ranking, and the office's runs (start, state, commit)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from marathon.api_support import ErrorSerializer
from marathon.models import Edition

from . import selectors, services
from . import serializers as s
from .models import AllocationRun

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


def _preferences(user, edition) -> dict:
    config = selectors.allocation_settings(edition)
    return {"edition": edition.pk, "max_choices": config.max_choices,
            "deadline": selectors.preferences_deadline(edition, config),
            "open": selectors.preferences_open(edition), "choices": selectors.student_choices(user, edition)}


class PreferencesView(APIView):
    @extend_schema(operation_id="allocation_preferences_read", responses={200: s.PreferencesSerializer, **ERRORS},
                   description="Your ranking of the edition's approved projects.")
    def get(self, request, pk):
        edition = get_object_or_404(Edition, pk=pk)
        return Response(s.PreferencesSerializer(_preferences(request.user, edition)).data)

    @extend_schema(operation_id="allocation_preferences_replace", request=s.PreferencesInputSerializer,
                   responses={200: s.PreferencesSerializer, **ERRORS},
                   description="Replace your ranking (at most K approved projects, no repeats, before the "
                               "deadline).")
    def put(self, request, pk):
        edition = get_object_or_404(Edition, pk=pk)
        data = s.PreferencesInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.save_preferences(student=request.user, edition=edition, actor=request.user,
                                  choices=data.validated_data["choices"])
        return Response(s.PreferencesSerializer(_preferences(request.user, edition)).data)


class RunCreateView(APIView):
    permission_classes = [permissions.IsAdminUser]

    @extend_schema(operation_id="allocation_run_create", request=s.RunInputSerializer,
                   responses={202: s.RunStartedSerializer, **ERRORS},
                   description="Office: start an allocation run in the background; poll the run.")
    def post(self, request, pk):
        edition = get_object_or_404(Edition, pk=pk)
        data = s.RunInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        options = dict(data.validated_data)
        parent = None
        if "parent" in options:
            parent = get_object_or_404(AllocationRun, pk=options.pop("parent"))
        run = services.start_run(edition=edition, actor=request.user, options=options, parent=parent)
        run.refresh_from_db()
        return Response({"id": run.pk, "status": run.status, "progress": run.progress},
                        status=status.HTTP_202_ACCEPTED)


def run_state(run: AllocationRun) -> dict:
    rows = list(selectors.team_results(run))
    for row in rows:
        row.placed = [m["id"] for m in row.members if not m["fixed"]]
    run.team_rows = rows
    return s.RunSerializer(run).data


class RunDetailView(APIView):
    permission_classes = [permissions.IsAdminUser]

    @extend_schema(operation_id="allocation_run_read", responses={200: s.RunSerializer, **ERRORS},
                   description="Status, progress, totals beside the first-come baseline, and the opened teams.")
    def get(self, request, pk):
        run = get_object_or_404(AllocationRun, pk=pk)
        return Response(run_state(run))


class RunCommitView(APIView):
    permission_classes = [permissions.IsAdminUser]

    @extend_schema(operation_id="allocation_run_commit", request=None, responses={200: s.RunSerializer, **ERRORS},
                   description="Office: create the run's memberships; 409 when the inputs changed since the run "
                               "or it was committed already.")
    def post(self, request, pk):
        run = get_object_or_404(AllocationRun, pk=pk)
        run = services.commit_run(run=run, actor=request.user)
        return Response(run_state(run))
