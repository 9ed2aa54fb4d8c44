"""Teams API: read-only lists, and one endpoint per workflow step calling its service."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from marathon.api_support import ErrorSerializer
from projects.models import Membership, Team

from . import selectors, services
from . import serializers as s
from .models import Invitation, JoinRequest

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


class TeamViewSet(viewsets.ReadOnlyModelViewSet):
    """Teams with members (university, country, degree level, role), free places and whether the
    team meets its edition's mix rule (`composition.missing` says what is still needed)."""

    serializer_class = s.TeamSerializer
    filterset_fields = ["edition", "project"]

    def get_queryset(self):
        # No supervisor check here, so no co-supervisors query.
        return selectors.teams_with_members()


class JoinRequestViewSet(viewsets.ReadOnlyModelViewSet):
    """Join requests the user sent, or sent to teams the user supervises (the office: all)."""

    serializer_class = s.JoinRequestSerializer
    filterset_fields = ["status", "team"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return JoinRequest.objects.none()
        return selectors.join_requests_visible_to(self.request.user).order_by("-created_at", "-pk")


class InvitationViewSet(viewsets.ReadOnlyModelViewSet):
    """Invitations the user received, or sent by teams the user supervises (the office: all)."""

    serializer_class = s.TeamInvitationSerializer
    filterset_fields = ["status", "team"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Invitation.objects.none()
        return selectors.invitations_visible_to(self.request.user).order_by("-created_at", "-pk")


def _team(pk) -> Team:
    return get_object_or_404(Team.objects.select_related("project", "edition"), pk=pk)


def _require_team(pk) -> None:
    if not Team.objects.filter(pk=pk).exists():
        raise Http404


class TeamJoinRequestCreateView(APIView):
    @extend_schema(operation_id="teams_join_request_create", request=s.JoinRequestCreateSerializer,
                   responses={201: s.JoinRequestSerializer, **ERRORS},
                   description="Ask to join the team (students; during the team-formation phase).")
    def post(self, request, pk):
        # The service locks and loads the team first thing (its checks before that concern only
        # the people), so the view does not load it too; an unknown team still answers 404
        # whatever else is wrong, as when the view looked it up first.
        data = s.JoinRequestCreateSerializer(data=request.data)
        if not data.is_valid():
            _require_team(pk)
            raise ValidationError(data.errors)
        try:
            join_request = services.send_join_request(team=Team(pk=pk), student=request.user, actor=request.user,
                                                      motivation=data.validated_data["motivation"])
        except (Team.DoesNotExist, PermissionDenied, DjangoValidationError):
            _require_team(pk)
            raise
        return Response(s.JoinRequestSerializer(join_request).data, status=status.HTTP_201_CREATED)


class TeamInvitationCreateView(APIView):
    @extend_schema(operation_id="teams_invitation_create", request=s.TeamInvitationCreateSerializer,
                   responses={201: s.TeamInvitationSerializer, **ERRORS},
                   description="Invite a student (the team's supervisors or the office).")
    def post(self, request, pk):
        team = _team(pk)
        data = s.TeamInvitationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invitation = services.invite_student(team=team, student=data.validated_data["user"],
                                             message=data.validated_data["message"], actor=request.user)
        return Response(s.TeamInvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


class TeamLeaveView(APIView):
    @extend_schema(operation_id="teams_leave", request=None, responses={204: None, **ERRORS},
                   description="Leave the team (student members, until the research phase starts).")
    def post(self, request, pk):
        services.leave_team(team=_team(pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TeamMemberAddView(APIView):
    @extend_schema(operation_id="teams_member_add", request=s.TeamMemberAddSerializer,
                   responses={201: s.TeamMembershipSerializer, **ERRORS},
                   description="Add a member (programme office; capacity and one team per edition hold).")
    def post(self, request, pk):
        team = _team(pk)
        data = s.TeamMemberAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.add_member(team=team, user=data.validated_data["user"],
                                         role=data.validated_data["role"], actor=request.user)
        return Response(s.TeamMembershipSerializer(membership).data, status=status.HTTP_201_CREATED)


class TeamMemberRemoveView(APIView):
    @extend_schema(operation_id="teams_member_remove", request=None, responses={204: None, **ERRORS},
                   parameters=[OpenApiParameter("membership_id", int, OpenApiParameter.PATH)],
                   description="Remove a member (programme office).")
    def delete(self, request, pk, membership_id):
        membership = get_object_or_404(Membership, pk=membership_id, team_id=pk)
        services.remove_member(membership=membership, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TeamLeadAppointView(APIView):
    @extend_schema(operation_id="teams_lead_appoint", request=None,
                   responses={200: s.TeamMembershipSerializer, **ERRORS},
                   parameters=[OpenApiParameter("membership_id", int, OpenApiParameter.PATH)],
                   description="Make a student member the team lead (the team's supervisors or the "
                               "office); a previous lead becomes a student member.")
    def post(self, request, pk, membership_id):
        membership = get_object_or_404(Membership, pk=membership_id, team_id=pk)
        return Response(s.TeamMembershipSerializer(
            services.appoint_team_lead(membership=membership, actor=request.user)).data)


class TeamLeadDemoteView(APIView):
    @extend_schema(operation_id="teams_lead_demote", request=None,
                   responses={200: s.TeamMembershipSerializer, **ERRORS},
                   parameters=[OpenApiParameter("membership_id", int, OpenApiParameter.PATH)],
                   description="The team lead becomes a student member again (the team's supervisors "
                               "or the office).")
    def post(self, request, pk, membership_id):
        membership = get_object_or_404(Membership, pk=membership_id, team_id=pk)
        return Response(s.TeamMembershipSerializer(
            services.demote_team_lead(membership=membership, actor=request.user)).data)


class _JoinRequestAction(APIView):
    def join_request(self, pk) -> JoinRequest:
        return get_object_or_404(JoinRequest, pk=pk)


class JoinRequestAcceptView(_JoinRequestAction):
    @extend_schema(operation_id="join_requests_accept", request=None,
                   responses={200: s.TeamMembershipSerializer, **ERRORS},
                   description="Accept (the team's supervisors or the office). The student's other "
                               "pending requests and invitations of the edition are closed; when the "
                               "team is now full, its other pending requests are declined with "
                               "`decision_reason`.")
    def post(self, request, pk):
        membership = services.accept_join_request(join_request=self.join_request(pk), actor=request.user)
        return Response(s.TeamMembershipSerializer(membership).data)


class JoinRequestDeclineView(_JoinRequestAction):
    @extend_schema(operation_id="join_requests_decline", request=None,
                   responses={200: s.JoinRequestSerializer, **ERRORS})
    def post(self, request, pk):
        join_request = services.decline_join_request(join_request=self.join_request(pk), actor=request.user)
        return Response(s.JoinRequestSerializer(join_request).data)


class JoinRequestWithdrawView(_JoinRequestAction):
    @extend_schema(operation_id="join_requests_withdraw", request=None,
                   responses={200: s.JoinRequestSerializer, **ERRORS})
    def post(self, request, pk):
        join_request = services.withdraw_join_request(join_request=self.join_request(pk), actor=request.user)
        return Response(s.JoinRequestSerializer(join_request).data)


class _InvitationAction(APIView):
    def invitation(self, pk) -> Invitation:
        return get_object_or_404(Invitation, pk=pk)


class InvitationAcceptView(_InvitationAction):
    @extend_schema(operation_id="invitations_accept", request=None,
                   responses={200: s.TeamMembershipSerializer, **ERRORS})
    def post(self, request, pk):
        membership = services.accept_invitation(invitation=self.invitation(pk), actor=request.user)
        return Response(s.TeamMembershipSerializer(membership).data)


class InvitationDeclineView(_InvitationAction):
    @extend_schema(operation_id="invitations_decline", request=None,
                   responses={200: s.TeamInvitationSerializer, **ERRORS})
    def post(self, request, pk):
        invitation = services.decline_invitation(invitation=self.invitation(pk), actor=request.user)
        return Response(s.TeamInvitationSerializer(invitation).data)


class InvitationCancelView(_InvitationAction):
    @extend_schema(operation_id="invitations_cancel", request=None,
                   responses={200: s.TeamInvitationSerializer, **ERRORS})
    def post(self, request, pk):
        invitation = services.cancel_invitation(invitation=self.invitation(pk), actor=request.user)
        return Response(s.TeamInvitationSerializer(invitation).data)
