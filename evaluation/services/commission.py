"""Commission membership, conflicts of interest and assignment of experts to projects."""

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from marathon.exceptions import RuleViolation
from marathon.models import Organisation, User
from marathon.roles import COMMISSION_CHAIRS, COMMISSION_MEMBERS
from marathon.services import notify, record_audit
from projects.models import Project

from .. import selectors
from ..assignment import plan_assignment
from ..models import (
    Assignment,
    Commission,
    CommissionMember,
    ConflictOfInterest,
    ConflictSource,
    Criterion,
    ResultSnapshot,
    Score,
    ScoreSheet,
)
from .aggregates import refresh_sheet_scores, results_changed


def require_chair(actor: User, commission: Commission) -> None:
    """Steps that reveal or freeze scores (publishing) belong to the chair alone."""
    if not selectors.is_chair(actor, commission):
        raise PermissionDenied(_("Only the commission's chair can do this."))


def require_manager(actor: User, commission: Commission) -> None:
    """Running the commission (assignment, reminders): the chair or the programme office."""
    if not selectors.can_manage(actor, commission):
        raise PermissionDenied(_("Only the programme office or the chair can do this."))


# --- members -------------------------------------------------------------------------------
def sync_commission_groups(user: User) -> None:
    """Keep the navbar role groups equal to the user's commission seats."""
    seats = CommissionMember.objects.filter(user=user)
    for name, wanted in ((COMMISSION_MEMBERS, seats.exists()),
                         (COMMISSION_CHAIRS, seats.filter(is_chair=True).exists())):
        group, _created = Group.objects.get_or_create(name=name)
        if wanted:
            user.groups.add(group)
        else:
            user.groups.remove(group)


def add_commission_member(*, commission: Commission, user: User, group: str, actor: User,
                          is_chair: bool = False, organisation: Organisation | None = None) -> CommissionMember:
    """Seat (or update) `user` on the commission; syncs the role groups; audited."""
    require_manager(actor, commission)
    with transaction.atomic():
        member, created = CommissionMember.objects.update_or_create(
            commission=commission, user=user,
            defaults={"group": group, "is_chair": is_chair, "organisation": organisation})
        member.full_clean()
        sync_commission_groups(user)
        record_audit(actor=actor, action="evaluation.member_added" if created else "evaluation.member_changed",
                     target=member, changes={"group": group, "is_chair": is_chair})
        results_changed(commission.pk)  # the group-balanced mean follows the seat's group
    return member


def remove_commission_member(*, member: CommissionMember, actor: User) -> None:
    """Remove a member who has no submitted sheet; syncs the role groups; audited."""
    require_manager(actor, member.commission)
    with transaction.atomic():
        if ScoreSheet.objects.filter(assignment__member=member, status="submitted").exists():
            raise RuleViolation(_("This expert has submitted score sheets and cannot be removed."))
        record_audit(actor=actor, action="evaluation.member_removed", target=member.commission,
                     changes={"user": member.user.email})
        user = member.user
        member.delete()
        sync_commission_groups(user)
        results_changed(member.commission_id)


# --- criteria ------------------------------------------------------------------------------
CRITERION_FIELDS = ("name", "guidance", "weight", "scale_min", "scale_max", "level_labels", "required", "position")


def save_criterion(*, commission: Commission, actor: User, values: dict,
                   criterion: Criterion | None = None) -> Criterion:
    """Add a criterion to the commission's edition or change one (chair or office); audited.

    Refused once the results are published (the edition's scoring is frozen). A criterion that
    already has scores keeps its scale: each score is stored with the scale it was given on.
    Weights, names, guidance, labels and the required flag may change until publishing; the
    live results follow at once."""
    require_manager(actor, commission)
    with transaction.atomic():
        Commission.objects.select_for_update().filter(pk=commission.pk).first()
        if ResultSnapshot.objects.filter(commission=commission).exists():
            raise RuleViolation(_("The results are published; the criteria can no longer change."))
        if criterion is None:
            criterion = Criterion(edition=commission.edition)
        else:
            # Compare against the stored row, never the caller's (possibly edited) instance.
            criterion = Criterion.objects.select_for_update().get(pk=criterion.pk)
            if criterion.edition_id != commission.edition_id:
                raise PermissionDenied(_("This criterion belongs to another edition."))
        before = {name: getattr(criterion, name) for name in ("scale_min", "scale_max")}
        old_weight = criterion.weight
        for name in CRITERION_FIELDS:
            if name in values:
                setattr(criterion, name, values[name])
        scale_changed = any(getattr(criterion, n) != v for n, v in before.items())
        if criterion.pk and scale_changed and Score.objects.filter(criterion=criterion).exists():
            raise RuleViolation({"scale_max": [_("Experts have scored this criterion; its scale cannot change.")]})
        criterion.full_clean()
        created = criterion.pk is None
        criterion.save()
        if not created and criterion.weight != old_weight:
            # Every sheet's stored score depends on the weights (a chair's rare step: seconds at most).
            refresh_sheet_scores(commission=commission)
        record_audit(actor=actor, action="evaluation.criterion_added" if created else "evaluation.criterion_changed",
                     target=criterion, changes={n: str(getattr(criterion, n)) for n in CRITERION_FIELDS})
        results_changed(commission.pk)  # names, order and weights are in the results
    return criterion


# --- conflicts -----------------------------------------------------------------------------
def declare_conflict(*, member: CommissionMember, project: Project, reason: str, actor: User) -> ConflictOfInterest:
    """The expert declares a conflict with `project`. From then on the expert cannot be assigned
    to it nor score it, and an existing sheet no longer counts. Notifies the chairs."""
    if actor.pk != member.user_id:
        raise PermissionDenied(_("Experts declare their own conflicts."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give a reason for the conflict.")]})
    if project.edition_id != member.commission.edition_id:
        raise ValidationError({"project": [_("The project is not in this commission's edition.")]})
    with transaction.atomic():
        # Serialised with scoring and assignment of this expert (they lock the same row).
        CommissionMember.objects.select_for_update().filter(pk=member.pk).first()
        conflict, created = ConflictOfInterest.objects.get_or_create(
            member=member, project=project,
            defaults={"source": ConflictSource.DECLARED, "reason": reason[:500]})
        if not created:
            raise RuleViolation(_("A conflict with this project is already recorded."))
        record_audit(actor=actor, action="evaluation.conflict_declared", target=conflict,
                     changes={"project": project.pk, "reason": conflict.reason})
        for chair in member.commission.members.filter(is_chair=True).select_related("user"):
            notify(recipient=chair.user, template="evaluation_conflict_declared",
                   context={"expert": member.user, "project": project, "reason": conflict.reason},
                   url=member.commission.get_absolute_url())
        results_changed(member.commission_id)  # the expert's sheet of the project no longer counts
    return conflict


def record_detected_conflicts(commission: Commission) -> int:
    """Store the conflicts found in the data (idempotent); returns how many were new."""
    members = list(commission.members.select_related("user"))
    projects = list(selectors.projects_to_evaluate(commission.edition))
    found = selectors.detected_conflicts(members, projects)
    existing = selectors.conflict_pairs(commission)
    rows = [ConflictOfInterest(member_id=m, project_id=p, source=ConflictSource.DETECTED, reason=reason)
            for (m, p), reason in found.items() if (m, p) not in existing]
    ConflictOfInterest.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def ensure_no_conflict(member: CommissionMember, project: Project) -> None:
    reason = selectors.conflict_reason(member, project)
    if reason:
        raise_conflict(member, reason)


def raise_conflict(member: CommissionMember, reason: str) -> None:
    raise PermissionDenied(_("%(expert)s has a conflict of interest with this project: %(reason)s")
                           % {"expert": member.user, "reason": reason})


# --- assignment ----------------------------------------------------------------------------
def assign_expert(*, member: CommissionMember, project: Project, actor: User) -> Assignment:
    """Assign one expert to one project by hand (chair). Creates the empty score sheet,
    notifies the expert, audited. Refused when the expert has a conflict."""
    commission = member.commission
    require_manager(actor, commission)
    if project.edition_id != commission.edition_id or project.status not in selectors.EVALUATED_STATUSES:
        raise ValidationError({"project": [_("Only approved projects of this edition can be evaluated.")]})
    with transaction.atomic():
        # The member row lock serialises this with the expert declaring a conflict or scoring.
        member = CommissionMember.objects.select_for_update().select_related("user", "commission").get(pk=member.pk)
        ensure_no_conflict(member, project)
        if Assignment.objects.filter(member=member, project=project).exists():
            raise RuleViolation(_("This expert is already assigned to this project."))
        assignment = Assignment.objects.create(member=member, project=project, created_by=actor)
        ScoreSheet.objects.create(assignment=assignment)
        record_audit(actor=actor, action="evaluation.assigned", target=assignment,
                     changes={"expert": member.user.email, "project": project.pk})
        notify(recipient=member.user, template="evaluation_assigned",
               context={"count": 1, "edition": commission.edition}, url=_my_sheets_url())
        results_changed(commission.pk)  # a new draft: the dashboard's cached gaps (dashboard_gaps)
    return assignment


def remove_assignment(*, assignment: Assignment, actor: User) -> None:
    """Withdraw an expert from a project (chair or office): deletes the assignment with its
    score sheet, scores and revisions; notifies the expert; audited (who, which project, the
    sheet's status, never its values, as the office reads the audit log).

    Refused when the sheet is submitted, because a submitted sheet counts in the results,
    unless the expert is conflicted with the project: such a sheet never counts, so removing
    it loses nothing and frees the project for a replacement."""
    commission = assignment.member.commission
    require_manager(actor, commission)
    with transaction.atomic():
        # Same lock as assigning, scoring and declaring a conflict for this expert.
        member = CommissionMember.objects.select_for_update().select_related("user").get(pk=assignment.member_id)
        assignment = (Assignment.objects.select_related("project", "sheet", "member__commission__edition")
                      .filter(pk=assignment.pk).first())
        if assignment is None:
            raise RuleViolation(_("This assignment no longer exists."))
        sheet = getattr(assignment, "sheet", None)
        status = sheet.status if sheet else "none"
        conflict = selectors.conflict_reason(member, assignment.project)
        if status == "submitted" and not conflict:
            raise RuleViolation(_("The expert has submitted this score sheet; a submitted sheet counts in the "
                                  "results and cannot be removed unless the expert has a conflict of interest."))
        record_audit(actor=actor, action="evaluation.assignment_removed", target=commission,
                     changes={"expert": member.user.email, "project": assignment.project_id,
                              "sheet_status": status, "conflict": bool(conflict)})
        notify(recipient=member.user, template="evaluation_assignment_removed",
               context={"project": assignment.project, "edition": commission.edition}, url=_my_sheets_url())
        assignment.delete()
        results_changed(commission.pk)


def auto_assign(*, commission: Commission, per_project: int, actor: User) -> list[Assignment]:
    """Complete the assignment so every project has `per_project` experts (see
    `evaluation.assignment`). All or nothing: when the constraints cannot be met, raises
    RuleViolation naming each project and why, and writes nothing. Notifies each expert once."""
    require_manager(actor, commission)
    with transaction.atomic():
        commission = Commission.objects.select_for_update().select_related("edition").get(pk=commission.pk)
        record_detected_conflicts(commission)
        members = {m.pk: m for m in commission.members.select_related("user")}
        projects = {p.pk: p for p in selectors.projects_to_evaluate(commission.edition)}
        conflicts = selectors.conflict_pairs(commission)
        # A conflicted assignment produces no sheet that counts: the project needs a replacement.
        existing = set(Assignment.objects.filter(member__commission=commission)
                       .values_list("member_id", "project_id")) - conflicts
        plan = plan_assignment(
            experts={pk: m.group for pk, m in members.items()}, projects=sorted(projects),
            per_project=per_project, existing=existing, conflicts=conflicts)
        if not plan.ok:
            raise RuleViolation({"per_project": [_problem_text(p, why, projects) for p, why in plan.problems.items()]})
        created = Assignment.objects.bulk_create(
            [Assignment(member_id=m, project_id=p, automatic=True, created_by=actor) for m, p in plan.pairs])
        ScoreSheet.objects.bulk_create([ScoreSheet(assignment=a) for a in created])
        record_audit(actor=actor, action="evaluation.auto_assigned", target=commission,
                     changes={"per_project": per_project, "created": len(created)})
        counts = {}
        for m, _p in plan.pairs:
            counts[m] = counts.get(m, 0) + 1
        for member_id, count in counts.items():
            notify(recipient=members[member_id].user, template="evaluation_assigned",
                   context={"count": count, "edition": commission.edition}, url=_my_sheets_url())
        results_changed(commission.pk)  # conflicts found now stop sheets from counting
    return created


def _problem_text(project_id, why, projects) -> str:
    if project_id is None:
        return str(why)
    return f"{projects[project_id].title}: {why}"


def _my_sheets_url() -> str:
    from django.urls import reverse

    return reverse("evaluation:my_sheets")
