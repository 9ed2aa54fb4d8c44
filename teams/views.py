"""Team pages. Thin: parse, call one service, redirect with a message (rule errors included)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marathon.models import Edition
from projects.composition import STUDENT_ROLES, team_composition
from projects.models import Membership

from . import selectors, services
from .forms import AddMemberForm, InviteForm, JoinRequestForm
from .models import Invitation, InvitationStatus, JoinRequest, RequestStatus


def get_team(pk: int):
    """The one lookup of a team for pages: everything the page and the mix rule need."""
    return get_object_or_404(selectors.teams_with_composition(), pk=pk)


@login_required
def team_list(request):
    editions = Edition.objects.order_by("-year")
    edition_id = request.GET.get("edition", "")
    teams = selectors.teams_with_composition()
    if edition_id.isdigit():
        teams = teams.filter(edition_id=int(edition_id))
    page = Paginator(teams, 20).get_page(request.GET.get("page"))
    rows = [{"team": team, "composition": team_composition(team)} for team in page]
    return render(request, "teams/team_list.html", {
        "page": page, "rows": rows, "editions": editions, "edition_id": edition_id,
        "querystring": f"edition={edition_id}" if edition_id.isdigit() else "",
    })


@login_required
def team_detail(request, pk):
    team = get_team(pk)
    user = request.user
    members = list(team.memberships.all())
    is_manager = selectors.can_manage_team(user, team)
    mine = next((m for m in members if m.user_id == user.pk and m.role in STUDENT_ROLES), None)
    elsewhere = None if mine or not user.is_student else selectors.student_membership(user, team.edition_id)
    pending_mine = None
    if user.is_student and not mine:
        pending_mine = JoinRequest.objects.filter(team=team, student=user,
                                                  status=RequestStatus.PENDING).first()
    composition = team_composition(team)
    context = {
        "team": team, "members": members, "composition": composition, "is_manager": is_manager,
        "my_membership": mine, "elsewhere": elsewhere, "my_pending_request": pending_mine,
        "formation_open": team.edition.is_team_formation_open(),
        "can_request": (user.is_student and not mine and not elsewhere and not pending_mine
                        and not composition.is_full),
        "join_form": JoinRequestForm(),
    }
    if is_manager:
        query = request.GET.get("q", "")
        context.update({
            "pending_requests": selectors.pending_join_requests(team),
            "pending_invitations": selectors.pending_invitations(team),
            "q": query, "candidates": selectors.invitable_students(team, query),
            "add_form": AddMemberForm() if user.is_staff else None,
        })
    return render(request, "teams/team_detail.html", context)


@login_required
def student_search(request, pk):
    """htmx partial of the invite search (the team page renders the same list without JS)."""
    team = get_team(pk)
    if not selectors.can_manage_team(request.user, team):
        return render(request, "teams/_student_results.html", {"team": team, "candidates": []}, status=403)
    query = request.GET.get("q", "")
    return render(request, "teams/_student_results.html", {
        "team": team, "q": query, "candidates": selectors.invitable_students(team, query)})


@login_required
def my_team(request):
    memberships = (Membership.objects.filter(user=request.user)
                   .select_related("team__project", "edition").order_by("-edition__year", "pk"))
    return render(request, "teams/membership_list.html", {"memberships": memberships})


@login_required
def my_requests(request):
    user = request.user
    visible = selectors.join_requests_visible_to(user).order_by("-created_at", "-pk")
    invitations = selectors.invitations_visible_to(user).order_by("-created_at", "-pk")
    team_requests = [{"request": r, "effect": selectors.acceptance_effect(r)}
                     for r in selectors.pending_requests_for_decision(user)]
    return render(request, "teams/request_list.html", {
        "my_requests": visible.filter(student=user),
        "my_invitations": invitations.filter(student=user),
        "team_requests": team_requests,
        "team_invitations": invitations.exclude(student=user).filter(status=InvitationStatus.PENDING),
    })


# --- workflow steps (POST) -------------------------------------------------------------------
@login_required
@require_POST
def join(request, pk):
    team = get_team(pk)
    form = JoinRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please write a short motivation."))
        return redirect(team)
    return _run(request, team.get_absolute_url(), _("Your request has been sent to the supervisors."),
                services.send_join_request, team=team, student=request.user,
                motivation=form.cleaned_data["motivation"], actor=request.user)


@login_required
@require_POST
def leave(request, pk):
    team = get_team(pk)
    return _run(request, team.get_absolute_url(), _("You left the team."),
                services.leave_team, team=team, actor=request.user)


@login_required
@require_POST
def invite(request, pk):
    team = get_team(pk)
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a student to invite."))
        return redirect(team)
    return _run(request, team.get_absolute_url(), _("The invitation has been sent."),
                services.invite_student, team=team, student=form.cleaned_data["user"],
                message=form.cleaned_data["message"], actor=request.user)


@login_required
@require_POST
def member_add(request, pk):
    team = get_team(pk)
    form = AddMemberForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(team)
    return _run(request, team.get_absolute_url(), _("The member has been added."),
                services.add_member, team=team, user=form.cleaned_data["user"],
                role=form.cleaned_data["role"], actor=request.user)


@login_required
@require_POST
def member_remove(request, pk):
    membership = get_object_or_404(Membership.objects.select_related("team"), pk=pk)
    return _run(request, membership.team.get_absolute_url(), _("The member has been removed."),
                services.remove_member, membership=membership, actor=request.user)


@login_required
@require_POST
def lead_appoint(request, pk):
    membership = get_object_or_404(Membership.objects.select_related("team"), pk=pk)
    return _run(request, membership.team.get_absolute_url(), _("The team lead has been appointed."),
                services.appoint_team_lead, membership=membership, actor=request.user)


@login_required
@require_POST
def lead_demote(request, pk):
    membership = get_object_or_404(Membership.objects.select_related("team"), pk=pk)
    return _run(request, membership.team.get_absolute_url(), _("The team lead is a student member again."),
                services.demote_team_lead, membership=membership, actor=request.user)


@login_required
@require_POST
def request_accept(request, pk):
    join_request = get_object_or_404(JoinRequest.objects.select_related("team"), pk=pk)
    return _run(request, join_request.team.get_absolute_url(), _("The student has joined the team."),
                services.accept_join_request, join_request=join_request, actor=request.user)


@login_required
@require_POST
def request_decline(request, pk):
    join_request = get_object_or_404(JoinRequest.objects.select_related("team"), pk=pk)
    return _run(request, join_request.team.get_absolute_url(), _("The request has been declined."),
                services.decline_join_request, join_request=join_request, actor=request.user)


@login_required
@require_POST
def request_withdraw(request, pk):
    join_request = get_object_or_404(JoinRequest, pk=pk)
    return _run(request, "teams:my_requests", _("Your request has been withdrawn."),
                services.withdraw_join_request, join_request=join_request, actor=request.user)


@login_required
@require_POST
def invitation_accept(request, pk):
    invitation = get_object_or_404(Invitation.objects.select_related("team"), pk=pk)
    return _run(request, invitation.team.get_absolute_url(), _("Welcome to the team!"),
                services.accept_invitation, invitation=invitation, actor=request.user)


@login_required
@require_POST
def invitation_decline(request, pk):
    invitation = get_object_or_404(Invitation, pk=pk)
    return _run(request, "teams:my_requests", _("You declined the invitation."),
                services.decline_invitation, invitation=invitation, actor=request.user)


@login_required
@require_POST
def invitation_cancel(request, pk):
    invitation = get_object_or_404(Invitation.objects.select_related("team"), pk=pk)
    return _run(request, invitation.team.get_absolute_url(), _("The invitation has been cancelled."),
                services.cancel_invitation, invitation=invitation, actor=request.user)


def _run(request, default_next: str, success: str, service, **kwargs):
    """Call one service; a broken rule becomes an error message (PermissionDenied → 403)."""
    try:
        service(**kwargs)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = default_next
    return redirect(target)
