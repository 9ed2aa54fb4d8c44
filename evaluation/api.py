"""Evaluation API: thin views; every workflow action is its own endpoint calling the service."""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from marathon.api_support import ErrorSerializer
from marathon.models import Edition

from . import selectors, serializers, services
from .models import Assignment, Commission, CommissionMember, Criterion, Score, ScoreSheet

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}
EDITION_PARAM = OpenApiParameter("edition", int, required=True, description="Edition id.")


def _commission(edition: Edition) -> Commission:
    commission = Commission.objects.select_related("edition").filter(edition=edition).first()
    if commission is None:
        raise NotFound(_("This edition has no commission."))
    return commission


def _edition_from_query(request) -> Edition:
    value = request.query_params.get("edition", "")
    if not value.isdigit():
        raise ValidationError({"edition": [_("Give the edition id.")]})
    return get_object_or_404(Edition, pk=int(value))


class CriterionList(generics.ListAPIView):
    """The criteria of an edition (`?edition=` id), in display order."""

    serializer_class = serializers.CriterionSerializer

    @extend_schema(parameters=[EDITION_PARAM], responses={200: serializers.CriterionSerializer(many=True), **ERRORS})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Criterion.objects.none()
        return selectors.criteria_of(_edition_from_query(self.request))


class AssignmentListCreate(generics.ListAPIView):
    """Experts see their own assignments, chairs every assignment of their commissions.
    POST (chair): assign an expert to a project by hand."""

    serializer_class = serializers.AssignmentSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Assignment.objects.none()
        return selectors.assignment_rows(selectors.assignments_visible_to(self.request.user))

    @extend_schema(request=serializers.AssignmentCreateSerializer,
                   responses={201: serializers.AssignmentSerializer, **ERRORS})
    def post(self, request):
        data = serializers.AssignmentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project, user = data.validated_data["project"], data.validated_data["expert"]
        member = CommissionMember.objects.filter(commission__edition_id=project.edition_id, user=user).first()
        if member is None:
            raise ValidationError({"expert": [_("This person is not a member of the edition's commission.")]})
        assignment = services.assign_expert(member=member, project=project, actor=request.user)
        row = selectors.assignment_rows(Assignment.objects.filter(pk=assignment.pk)).get()
        return Response(serializers.AssignmentSerializer(row).data, status=status.HTTP_201_CREATED)


class AssignmentDetail(APIView):
    """DELETE (chair or office): withdraw the expert; 409 when the sheet is submitted and the
    expert has no conflict of interest with the project."""

    @extend_schema(request=None, responses={204: None, **ERRORS})
    def delete(self, request, pk):
        assignment = get_object_or_404(selectors.assignments_visible_to(request.user)
                                       .select_related("member__commission__edition", "project"), pk=pk)
        services.remove_assignment(assignment=assignment, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AutoAssign(APIView):
    """Complete the assignment automatically (chair); 409 names the projects that cannot be served."""

    @extend_schema(request=serializers.AutoAssignSerializer,
                   responses={201: serializers.AutoAssignResultSerializer, **ERRORS})
    def post(self, request):
        data = serializers.AutoAssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        commission = _commission(data.validated_data["edition"])
        created = services.auto_assign(commission=commission, per_project=data.validated_data["per_project"],
                                       actor=request.user)
        created = list(selectors.assignment_rows(Assignment.objects.filter(pk__in=[a.pk for a in created])))
        return Response({"created": len(created),
                         "assignments": serializers.AssignmentSerializer(created, many=True).data},
                        status=status.HTTP_201_CREATED)


def _scores():
    return Prefetch("scores", queryset=Score.objects.order_by("criterion_id"))


def _sheets(user):
    return (selectors.sheets_visible_to(user).select_related("assignment__member")
            .prefetch_related(_scores()).order_by("id"))


def _visible_sheet(request, pk) -> ScoreSheet:
    """A reference to the sheet if the user may see it (author or chair; one query): the write
    endpoints hand it to the service, which locks, loads and returns it."""
    if not selectors.sheet_visible_to(request.user, pk):
        raise Http404
    return ScoreSheet(pk=pk)


def _sheet_out(sheet: ScoreSheet) -> dict:
    """The service's locked sheet (assignment and member already joined) with its scores (the
    service leaves them prefetched)."""
    prefetch_related_objects([sheet], _scores())
    return serializers.ScoreSheetSerializer(sheet).data


class ScoreSheetList(generics.ListAPIView):
    """Own score sheets, and every sheet of the commissions the user chairs."""

    serializer_class = serializers.ScoreSheetSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ScoreSheet.objects.none()
        return _sheets(self.request.user)


class ScoreSheetDetail(APIView):
    """GET a sheet (author or chair); PUT replaces its values (author, before the deadline,
    without a conflict). A submitted sheet stays submitted and must keep required criteria."""

    def _get(self, request, pk) -> ScoreSheet:
        return get_object_or_404(_sheets(request.user), pk=pk)

    @extend_schema(responses={200: serializers.ScoreSheetSerializer, **ERRORS})
    def get(self, request, pk):
        return Response(serializers.ScoreSheetSerializer(self._get(request, pk)).data)

    @extend_schema(request=serializers.ScoreSheetUpdateSerializer,
                   responses={200: serializers.ScoreSheetSerializer, **ERRORS})
    def put(self, request, pk):
        # The service locks the sheet and refuses anyone but its author before it writes, so the
        # visibility check (404 for outsiders, as the other endpoints answer) runs only when the
        # body or the author is refused: the busiest write saves a query. A plain body is read
        # and the answer written without building the serializers (same data, same JSON).
        validated = serializers.plain_sheet_update(request.data)
        if validated is None:
            data = serializers.ScoreSheetUpdateSerializer(data=request.data)
            if not data.is_valid():
                _visible_sheet(request, pk)
                raise ValidationError(data.errors)
            validated = data.validated_data
        try:
            sheet = services.save_score_sheet(sheet=ScoreSheet(pk=pk), actor=request.user, **validated)
        except (PermissionDenied, ScoreSheet.DoesNotExist):
            _visible_sheet(request, pk)
            raise
        return Response(serializers.score_sheet_data(sheet))


class ScoreSheetSubmit(APIView):
    @extend_schema(request=None, responses={200: serializers.ScoreSheetSerializer, **ERRORS})
    def post(self, request, pk):
        sheet = services.submit_score_sheet(sheet=_visible_sheet(request, pk), actor=request.user)
        return Response(_sheet_out(sheet))


class ConflictCreate(APIView):
    """An expert declares a conflict of interest with a project of their commission's edition."""

    @extend_schema(request=serializers.ConflictCreateSerializer,
                   responses={201: serializers.ConflictSerializer, **ERRORS})
    def post(self, request):
        data = serializers.ConflictCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = data.validated_data["project"]
        member = CommissionMember.objects.filter(commission__edition_id=project.edition_id,
                                                 user=request.user).select_related("commission").first()
        if member is None:
            raise PermissionDenied(_("You are not a member of this edition's commission."))
        conflict = services.declare_conflict(member=member, project=project, reason=data.validated_data["reason"],
                                             actor=request.user)
        return Response(serializers.ConflictSerializer(conflict).data, status=status.HTTP_201_CREATED)


class Results(APIView):
    """Chair: `live` results of every method plus `published`. Others: the published ranking
    (with their own team's per-criterion means and feedback), 404 before publishing."""

    @extend_schema(parameters=[EDITION_PARAM], responses={200: serializers.ResultsSerializer, **ERRORS})
    def get(self, request):
        commission = _commission(_edition_from_query(request))
        snapshot = selectors.published_snapshot(commission)
        if selectors.is_chair(request.user, commission):
            return self.chair_results(request, commission, snapshot)
        if snapshot is None:
            raise NotFound(_("The results of this edition are not published yet."))
        return Response({"edition": commission.edition.year,
                         "published": selectors.public_results(snapshot, request.user)})

    def chair_results(self, request, commission, snapshot):
        """The live document of every project, rendered once per results version and language:
        a repeated request (a chair's tool polling on the deadline day) costs the version's key
        query and one cache read instead of serialising 1,500 projects' results again. Only the
        body is stored: the document itself (~0.8 MB pickled, ~12 ms of CPU to store at 1,500
        projects) would be read back by nothing but the results export, which computes it when
        missing. Formats other than JSON (the browsable API) render as usual."""
        def document(keep: bool = True):
            return {"edition": commission.edition.year, "published": snapshot.data if snapshot else None,
                    "live": selectors.live_results(commission, key, keep=keep)}

        key = selectors.results_cache_key(commission)
        renderer = request.accepted_renderer
        if renderer.format != "json":
            return Response(document())
        body_key = f"{key}:api:{snapshot.pk if snapshot else 0}:{translation.get_language()}"
        store = selectors.results_cache()
        body = store.get(body_key)
        if body is None:
            body = renderer.render(document(keep=False), request.accepted_media_type, self.get_renderer_context())
            store.set(body_key, body, selectors.LIVE_RESULTS_TTL)
        return HttpResponse(body, content_type=renderer.media_type)


class Publish(APIView):
    """Freeze and publish the results (chair, once, from the start of the evaluation phase).
    409 lists what is missing (unsubmitted sheets per expert, projects short of sheets, teams
    without results) unless `confirm_missing` is true and a `reason` is given."""

    @extend_schema(request=serializers.PublishSerializer, responses={201: serializers.ResultsSerializer, **ERRORS})
    def post(self, request):
        data = serializers.PublishSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        commission = _commission(data.validated_data["edition"])
        snapshot = services.publish_results(commission=commission, actor=request.user,
                                            confirm_missing=data.validated_data["confirm_missing"],
                                            reason=data.validated_data["reason"])
        return Response({"edition": commission.edition.year, "published": snapshot.data},
                        status=status.HTTP_201_CREATED)


class RankingMethod(APIView):
    """The chair chooses the official ranking method until the results are published (audited)."""

    @extend_schema(request=serializers.RankingMethodSerializer,
                   responses={200: serializers.RankingMethodResultSerializer, **ERRORS})
    def post(self, request):
        data = serializers.RankingMethodSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        commission = services.set_ranking_method(commission=_commission(data.validated_data["edition"]),
                                                 method=data.validated_data["method"], actor=request.user)
        return Response({"edition": commission.edition.year, "ranking_method": commission.ranking_method})
