from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("teams", api.TeamViewSet, basename="team")
router.register("join-requests", api.JoinRequestViewSet, basename="join-request")
router.register("invitations", api.InvitationViewSet, basename="invitation")

urlpatterns = [
    path("teams/<int:pk>/join-requests/", api.TeamJoinRequestCreateView.as_view(), name="team-join-request"),
    path("teams/<int:pk>/invitations/", api.TeamInvitationCreateView.as_view(), name="team-invitation"),
    path("teams/<int:pk>/leave/", api.TeamLeaveView.as_view(), name="team-leave"),
    path("teams/<int:pk>/members/", api.TeamMemberAddView.as_view(), name="team-member-add"),
    path("teams/<int:pk>/members/<int:membership_id>/", api.TeamMemberRemoveView.as_view(),
         name="team-member-remove"),
    path("teams/<int:pk>/members/<int:membership_id>/appoint-lead/", api.TeamLeadAppointView.as_view(),
         name="team-lead-appoint"),
    path("teams/<int:pk>/members/<int:membership_id>/demote-lead/", api.TeamLeadDemoteView.as_view(),
         name="team-lead-demote"),
    path("join-requests/<int:pk>/accept/", api.JoinRequestAcceptView.as_view(), name="join-request-accept"),
    path("join-requests/<int:pk>/decline/", api.JoinRequestDeclineView.as_view(), name="join-request-decline"),
    path("join-requests/<int:pk>/withdraw/", api.JoinRequestWithdrawView.as_view(),
         name="join-request-withdraw"),
    path("invitations/<int:pk>/accept/", api.InvitationAcceptView.as_view(), name="invitation-accept"),
    path("invitations/<int:pk>/decline/", api.InvitationDeclineView.as_view(), name="invitation-decline"),
    path("invitations/<int:pk>/cancel/", api.InvitationCancelView.as_view(), name="invitation-cancel"),
    path("", include("teams.allocation.api_urls")),
    path("", include(router.urls)),
]
