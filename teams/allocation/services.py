"""Every write of the allocation: one function per step, transactional and audited.

Commit follows the lock order of manual joining (teams.services): every placed student's user
row first (FOR NO KEY UPDATE, in id order), then every team row (FOR UPDATE, in id order), so a
commit and a manual accept never deadlock; the capacity and one-team-per-edition checks run under
those locks, and the Membership constraints back them up.
"""

import logging
import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marathon.exceptions import RuleViolation
from marathon.models import Edition, User
from marathon.services import notify, record_audit
from projects.composition import STUDENT_ROLES
from projects.models import Membership, MembershipRole, Team

from ..models import Invitation, InvitationStatus, JoinRequest, RequestStatus
from ..selectors import OPEN_PROJECT_STATUSES, can_manage_team, teams_with_composition
from . import selectors, solver
from .models import (
    AllocationPlacement,
    AllocationRun,
    AllocationSettings,
    AllocationTeamResult,
    Preference,
    PreferenceList,
    RunStatus,
    SupervisorChoice,
    SupervisorDecision,
)

logger = logging.getLogger(__name__)
NOTIFY_BATCH = 100


# --- preferences -------------------------------------------------------------------------------
def save_preferences(*, student: User, edition: Edition, choices: list[dict], actor: User) -> PreferenceList:
    """Replace the student's ranking: `choices` in order, each `{"team": id, "motivation": str}`.
    Refused with a clear message: an unapproved project, a repeat, more than K, after the deadline.
    Side effect: audit `allocation.preferences_saved`."""
    if actor.pk != student.pk:
        raise PermissionDenied(_("You can only rank projects for yourself."))
    if not student.is_student:
        raise PermissionDenied(_("Only students rank projects."))
    config = selectors.allocation_settings(edition)
    if not selectors.preferences_open(edition):
        deadline = timezone.localtime(selectors.preferences_deadline(edition, config))
        raise RuleViolation({"choices": [_("Rankings for the %(year)s edition can be changed from %(start)s until "
                                           "%(deadline)s; they cannot be changed now.") % {
            "year": edition.year, "start": edition.team_formation_start.isoformat(),
            "deadline": deadline.strftime("%Y-%m-%d %H:%M")}]})
    team_ids = _validate_choices(edition, choices, config.max_choices)
    with transaction.atomic():
        User.objects.select_for_update(no_key=True).get(pk=student.pk)
        current = Membership.objects.filter(user=student, edition=edition, role__in=STUDENT_ROLES).first()
        if current is not None:
            raise RuleViolation({"choices": [_("You are already in a team of this edition.")]})
        ranking, _created = PreferenceList.objects.get_or_create(student=student, edition=edition)
        ranking.updated_at = timezone.now()
        ranking.save(update_fields=["updated_at"])
        ranking.choices.all().delete()
        Preference.objects.bulk_create([
            Preference(ranking=ranking, team_id=team, rank=rank,
                       motivation=(choice.get("motivation") or "").strip()[:500])
            for rank, (team, choice) in enumerate(zip(team_ids, choices, strict=True), start=1)])
        record_audit(actor=actor, action="allocation.preferences_saved", target=ranking,
                     changes={"teams": team_ids})
    return ranking


def _validate_choices(edition: Edition, choices: list[dict], limit: int) -> list[int]:
    if len(choices) > limit:
        raise ValidationError({"choices": [ngettext("You can rank at most %(count)d project.",
                                                    "You can rank at most %(count)d projects.", limit)
                                           % {"count": limit}]})
    team_ids = []
    for choice in choices:
        try:
            team_ids.append(int(choice.get("team")))
        except (TypeError, ValueError, AttributeError):
            raise ValidationError({"choices": [_("Each choice names a project's team.")]}) from None
    if len(set(team_ids)) != len(team_ids):
        raise ValidationError({"choices": [_("A project can be ranked only once.")]})
    open_ids = set(Team.objects.filter(pk__in=team_ids, edition=edition,
                                       project__status__in=OPEN_PROJECT_STATUSES).values_list("pk", flat=True))
    unknown = [t for t in team_ids if t not in open_ids]
    if unknown:
        raise ValidationError({"choices": [_("Only approved projects of this edition can be ranked "
                                             "(not: %(teams)s).") % {"teams": ", ".join(map(str, unknown))}]})
    return team_ids


def decide_student(*, team: Team, student: User, kind: str, reason: str, actor: User) -> SupervisorDecision:
    """A supervisor requires (pre-assigns) or excludes (with a reason) a student for their team.
    Side effect: audit `allocation.student_required` / `allocation.student_excluded`."""
    team = teams_with_composition().get(pk=team.pk)
    if not can_manage_team(actor, team):
        raise PermissionDenied(_("Only the supervisors of this team can do this."))
    if kind not in SupervisorChoice.values:
        raise ValidationError({"kind": [_("Choose “required” or “excluded”.")]})
    reason = (reason or "").strip()
    if kind == SupervisorChoice.EXCLUDE and not reason:
        raise ValidationError({"reason": [_("Say why the student is excluded.")]})
    if not student.is_student:
        raise ValidationError({"student": [_("Only students can be required or excluded.")]})
    with transaction.atomic():
        if kind == SupervisorChoice.REQUIRE and SupervisorDecision.objects.filter(
                student=student, team__edition_id=team.edition_id,
                kind=SupervisorChoice.REQUIRE).exclude(team=team).exists():
            raise RuleViolation(_("%(name)s is already required by another team.") % {"name": student.full_name})
        decision, _created = SupervisorDecision.objects.update_or_create(
            team=team, student=student,
            defaults={"kind": kind, "reason": reason, "decided_by": actor, "updated_at": timezone.now()})
        record_audit(actor=actor, action=f"allocation.student_{kind}d", target=team,
                     changes={"student": student.pk, "reason": reason})
    return decision


# --- runs --------------------------------------------------------------------------------------
def start_run(*, edition: Edition, actor: User, options: dict | None = None,
              parent: AllocationRun | None = None) -> AllocationRun:
    """Office: start an allocation in Celery (progress on the run). A re-run keeps the parent's
    locked placements as required. Side effect: audit `allocation.run_started`."""
    _require_office(actor)
    config = selectors.allocation_settings(edition)
    merged = {**selectors.run_options(config), **_clean_options(options or {}, config)}
    locked = []
    if parent is not None:
        if parent.edition_id != edition.pk:
            raise ValidationError({"parent": [_("The earlier run belongs to another edition.")]})
        locked = [[s, t] for s, t in parent.placements.filter(locked=True).values_list("student_id", "team_id")]
    with transaction.atomic():
        run = AllocationRun.objects.create(edition=edition, parent=parent, created_by=actor,
                                           settings={"options": merged, "locked": locked})
        record_audit(actor=actor, action="allocation.run_started", target=run,
                     changes={"options": merged, "locked": len(locked)})
        transaction.on_commit(lambda: _enqueue("teams.allocation.solve", run.pk, _fail_run))
    return run


def _clean_options(options: dict, config: AllocationSettings) -> dict:
    clean, errors = {}, {}
    if "weights" in options:
        weights = options["weights"]
        if (not isinstance(weights, list) or len(weights) < config.max_choices
                or not all(isinstance(w, int) and 0 <= w <= 10000 for w in weights)):
            errors["weights"] = [_("Give one whole weight between 0 and 10000 per rank (%(count)d).")
                                 % {"count": config.max_choices}]
        else:
            clean["weights"] = weights
    if "lexicographic" in options:
        clean["lexicographic"] = bool(options["lexicographic"])
    if "time_limit" in options:
        value = options["time_limit"]
        if not isinstance(value, int) or not 1 <= value <= 600:
            errors["time_limit"] = [_("The time limit is 1 to 600 seconds.")]
        else:
            clean["time_limit"] = value
    if "max_per_university" in options:
        value = options["max_per_university"]
        if value is not None and (not isinstance(value, int) or value < 1):
            errors["max_per_university"] = [_("Give a whole number of at least 1, or nothing.")]
        else:
            clean["max_per_university"] = value
    if errors:
        raise ValidationError(errors)
    return clean


def _enqueue(task_name: str, run_id: int, on_error) -> None:
    from . import tasks

    task = {"teams.allocation.solve": tasks.solve_allocation, "teams.allocation.notify": tasks.notify_allocation}
    try:
        task[task_name].apply_async(args=[run_id], retry=False)
    except Exception:  # broker unreachable: say so on the run rather than leave a stuck bar
        logger.warning("Could not enqueue %s for run %s.", task_name, run_id, exc_info=True)
        on_error(run_id, _("The allocation could not be started; please try again later."))


def set_progress(run_id: int, percent: int) -> None:
    # An UPDATE outside any long transaction, so the polling page sees it at once.
    AllocationRun.objects.filter(pk=run_id).update(progress=max(0, min(100, int(percent))))


def execute_run(*, run_id: int) -> str:
    """Load the inputs, solve, compute the baseline, store the draft. Idempotent: a finished run
    is left alone; a run interrupted while solving starts again."""
    claimed = AllocationRun.objects.filter(pk=run_id, status__in=[RunStatus.PENDING, RunStatus.RUNNING]) \
        .update(status=RunStatus.RUNNING, progress=5, error="")
    if not claimed:
        return "finished-or-missing"
    started = time.monotonic()
    run = AllocationRun.objects.select_related("edition", "created_by").get(pk=run_id)
    try:
        inst, facts = selectors.load_instance(run.edition, run.settings["options"], run.settings["locked"])
        set_progress(run.pk, 15)
        result = solver.solve(inst, progress=lambda p: set_progress(run.pk, p))
        set_progress(run.pk, 80)
        baseline = solver.evaluate(inst, solver.first_come(inst))["totals"]
        _store_result(run, inst, result, baseline, facts, started)
    except Exception as exc:
        logger.exception("Allocation run %s failed.", run_id)
        _fail_run(run_id, _("The allocation failed: %(error)s") % {"error": exc.__class__.__name__})
        return "failed"
    return "done"


def _store_result(run, inst, result, baseline, facts, started: float) -> None:
    evaluation = solver.evaluate(inst, result.assignment)
    ranks = {(s, t): r for s, t, r, _o in inst.preferences}
    required = {(s, t) for s, t in inst.required}
    locked = {(s, t) for s, t in run.settings["locked"]}
    # Stored in the order the review page lists them (by name), so its pages read by (run, id).
    people = {pk: (name, uni or "") for pk, name, uni in User.objects.filter(
        pk__in=[s.id for s in inst.students] + [f.id for t in inst.teams for f in t.fixed])
        .values_list("pk", "full_name", "university__short_name")}
    names = {pk: name for pk, (name, _uni) in people.items()}
    team_names = dict(Team.objects.filter(pk__in=[t.id for t in inst.teams]).values_list("pk", "name"))
    students = sorted(inst.students, key=lambda s: (names.get(s.id, ""), s.id))
    teams = sorted(inst.teams, key=lambda t: (team_names.get(t.id, ""), t.id))
    members = _team_members(teams, students, result.assignment, ranks, locked, people)
    with transaction.atomic():
        AllocationPlacement.objects.filter(run=run).delete()
        AllocationTeamResult.objects.filter(run=run).delete()
        AllocationPlacement.objects.bulk_create([
            AllocationPlacement(run=run, student_id=s.id, team_id=result.assignment.get(s.id),
                                rank=ranks.get((s.id, result.assignment.get(s.id))),
                                required=(s.id, result.assignment.get(s.id)) in required,
                                locked=(s.id, result.assignment.get(s.id)) in locked)
            for s in students], batch_size=2000)
        AllocationTeamResult.objects.bulk_create([
            AllocationTeamResult(run=run, team_id=t.id, name=team_names.get(t.id, ""), members=members[t.id],
                                 opened=t.id in evaluation["teams"],
                                 students=evaluation["teams"].get(t.id, {}).get("students", len(t.fixed)),
                                 universities=evaluation["teams"].get(t.id, {}).get("universities", 0),
                                 degree_levels=evaluation["teams"].get(t.id, {}).get("levels", []),
                                 meets_rule=evaluation["teams"].get(t.id, {}).get("meets_rule", False),
                                 problems=result.impossible.get(t.id, []))
            for t in teams], batch_size=2000)
        run.inputs_hash = selectors.inputs_hash(facts)
        run.status = RunStatus.DONE if result.status in (solver.OPTIMAL, solver.FEASIBLE) else RunStatus.FAILED
        run.solver_status, run.gap, run.solve_seconds = result.status, result.gap, round(result.seconds, 3)
        run.model_size, run.totals, run.baseline = result.model, evaluation["totals"], baseline
        run.explanation = _explanation(result)
        run.progress, run.finished_at = 100, timezone.now()
        if run.status == RunStatus.FAILED:
            run.error = _("No allocation meets every rule; see the explanation.") \
                if result.status == solver.INFEASIBLE else _("The solver found no allocation within the time limit.")
        run.save()
        run.total_seconds = round(time.monotonic() - started, 3)  # loading, solving, baseline and writing
        run.save(update_fields=["total_seconds"])
        record_audit(actor=run.created_by, action="allocation.run_finished", target=run,
                     changes={"status": run.status, "solver": result.status, "gap": result.gap,
                              "placed": evaluation["totals"]["placed"]})


def _team_members(teams, students, assignment, ranks, locked, people) -> dict:
    """Each team's review row: its accepted members, then the students the run placed (by name)."""
    def row(pk, rank, is_locked, fixed):
        name, university = people.get(pk, ("", ""))
        return {"id": pk, "name": name, "university": university, "rank": rank, "locked": is_locked,
                "fixed": fixed}

    def by_name(fixed):
        return sorted(fixed, key=lambda f: (people.get(f.id, ("", ""))[0], f.id))

    members = {t.id: [row(f.id, None, False, True) for f in by_name(t.fixed)] for t in teams}
    for s in students:  # already in name order
        team = assignment.get(s.id)
        if team in members:
            members[team].append(row(s.id, ranks.get((s.id, team)), (s.id, team) in locked, False))
    return members


def _explanation(result: solver.Result) -> dict:
    return {"impossible": {str(t): rules for t, rules in result.impossible.items()},
            "stranded": result.stranded,
            "slacks": [[subject, rule, amount] for subject, rule, amount in result.slacks]}


def _fail_run(run_id: int, message: str) -> None:
    AllocationRun.objects.filter(pk=run_id).update(status=RunStatus.FAILED, error=message,
                                                   finished_at=timezone.now())


def lock_placement(*, placement: AllocationPlacement, locked: bool, actor: User) -> AllocationPlacement:
    """Office: keep (or release) a placement for the next re-run. Audit `allocation.placement_locked`."""
    _require_office(actor)
    with transaction.atomic():
        placement = AllocationPlacement.objects.select_for_update().select_related("run").get(pk=placement.pk)
        if placement.run.status != RunStatus.DONE:
            raise RuleViolation(_("Only placements of a draft run can be locked."))
        if placement.team_id is None:
            raise RuleViolation(_("An unplaced student cannot be locked."))
        placement.locked = locked
        placement.save(update_fields=["locked"])
        # The teams tab shows the lock too: its stored row follows.
        row = AllocationTeamResult.objects.select_for_update().filter(run_id=placement.run_id,
                                                                     team_id=placement.team_id).first()
        if row is not None:
            for member in row.members:
                if member["id"] == placement.student_id:
                    member["locked"] = locked
            row.save(update_fields=["members"])
        record_audit(actor=actor, action="allocation.placement_locked" if locked else "allocation.placement_unlocked",
                     target=placement.run, changes={"student": placement.student_id, "team": placement.team_id})
    return placement


# --- commit ------------------------------------------------------------------------------------
def commit_run(*, run: AllocationRun, actor: User) -> AllocationRun:
    """Office: create the run's memberships in one transaction under the joining rules, close the
    placed students' pending requests and invitations, decline the other requests of teams that
    became full. Refused (409) when the inputs changed since the run, or when it was committed.
    Side effects: audit `allocation.run_committed`; notifications in Celery (progress on the run)."""
    _require_office(actor)
    with transaction.atomic():
        # The run row lock makes two commits at the same moment queue up: the second sees COMMITTED.
        run = AllocationRun.objects.select_for_update(of=("self",)).select_related("edition").get(pk=run.pk)
        if run.status == RunStatus.COMMITTED:
            raise RuleViolation(_("This run was already committed."))
        if run.status != RunStatus.DONE:
            raise RuleViolation(_("Only a finished draft can be committed."))
        pairs = list(run.placements.filter(team__isnull=False).order_by("student_id")
                     .values_list("student_id", "team_id"))
        list(User.objects.select_for_update(no_key=True).filter(pk__in=[s for s, _t in pairs])
             .order_by("pk").values_list("pk", flat=True))
        teams = {t.pk: t for t in Team.objects.select_for_update().filter(pk__in={t for _s, t in pairs})
                 .order_by("pk")}
        _require_unchanged(run)
        _require_room(teams, pairs)
        try:
            with transaction.atomic():
                Membership.objects.bulk_create([
                    Membership(team_id=t, user_id=s, edition_id=run.edition_id, role=MembershipRole.MEMBER)
                    for s, t in pairs])
        except IntegrityError as exc:
            raise RuleViolation(_("A student of this run joined a team meanwhile; run the allocation again.")) from exc
        closed = _close_pending(run, pairs, teams, actor)
        run.status, run.committed_by, run.committed_at = RunStatus.COMMITTED, actor, timezone.now()
        run.notify_total, run.notified = len(pairs), 0
        run.save(update_fields=["status", "committed_by", "committed_at", "notify_total", "notified"])
        record_audit(actor=actor, action="allocation.run_committed", target=run,
                     changes={"memberships": len(pairs), **closed})
        transaction.on_commit(lambda: _enqueue("teams.allocation.notify", run.pk, lambda *_a: None))
    return run


def _require_unchanged(run: AllocationRun) -> None:
    if selectors.current_inputs_hash(run) == run.inputs_hash:
        return
    rankings, joined, decisions = selectors.changes_since(run)
    parts = []
    if rankings:
        parts.append(_("rankings changed: %(names)s") % {"names": ", ".join(rankings)})
    if joined:
        parts.append(_("joined a team: %(names)s") % {"names": ", ".join(joined)})
    if decisions:
        parts.append(ngettext("%(count)d supervisor's decision changed", "%(count)d supervisors' decisions changed",
                              decisions) % {"count": decisions})
    if not parts:
        parts.append(_("projects, memberships or settings changed"))
    raise RuleViolation(_("The inputs changed since this run (%(what)s); run the allocation again.")
                        % {"what": "; ".join(parts)})


def _require_room(teams: dict, pairs: list) -> None:
    counts = dict(Membership.objects.filter(team_id__in=teams, role__in=STUDENT_ROLES)
                  .values("team_id").annotate(n=Count("pk")).values_list("team_id", "n"))
    adding = {}
    for _s, t in pairs:
        adding[t] = adding.get(t, 0) + 1
    for t, n in adding.items():
        team = teams.get(t)
        if team is None:
            raise RuleViolation(_("A team of this run no longer exists."))
        if counts.get(t, 0) + n > team.capacity:
            raise RuleViolation(_("The team “%(team)s” has no room for the run's students any more.")
                                % {"team": team.name})


def _close_pending(run, pairs, teams, actor) -> dict:
    now = timezone.now()
    placed = dict(pairs)
    pending = list(JoinRequest.objects.select_for_update(of=("self",))
                   .filter(team__edition_id=run.edition_id, status=RequestStatus.PENDING)
                   .filter(student_id__in=placed).values_list("pk", "student_id", "team_id"))
    accepted = {pk for pk, s, t in pending if placed[s] == t}
    JoinRequest.objects.filter(pk__in=accepted).update(status=RequestStatus.ACCEPTED, decided_at=now, decided_by=actor)
    JoinRequest.objects.filter(pk__in=[pk for pk, _s, _t in pending if pk not in accepted]).update(
        status=RequestStatus.WITHDRAWN, decided_at=now)
    invitations = Invitation.objects.filter(student_id__in=placed, team__edition_id=run.edition_id,
                                            status=InvitationStatus.PENDING).update(
        status=InvitationStatus.DECLINED, decided_at=now)
    counts = dict(Membership.objects.filter(team_id__in=teams, role__in=STUDENT_ROLES)
                  .values("team_id").annotate(n=Count("pk")).values_list("team_id", "n"))
    full = {pk: team for pk, team in teams.items() if counts.get(pk, 0) >= team.capacity}
    requests = list(JoinRequest.objects.select_for_update(of=("self",)).select_related("student")
                    .filter(team_id__in=full, status=RequestStatus.PENDING).order_by("pk"))
    for request in requests:
        team = full[request.team_id]
        with translation.override(request.student.preferred_language or "en"):
            request.decision_reason = _("The team became full (%(capacity)d students).") % {"capacity": team.capacity}
        request.status, request.decided_at = RequestStatus.DECLINED, now
        notify(recipient=request.student, template="teams/join_request_closed",
               context={"team": team.name, "capacity": team.capacity}, url=reverse("teams:my_requests"))
    JoinRequest.objects.bulk_update(requests, ["status", "decided_at", "decision_reason"], batch_size=1000)
    declined = len(requests)
    return {"requests_closed": len(pending), "invitations_closed": invitations, "requests_declined_full": declined}


def notify_placed(*, run_id: int) -> int:
    """Tell every placed student their team, in batches of 100; resumable and never twice (each
    placement is marked in the batch's transaction). Progress: `run.notified` of `run.notify_total`."""
    sent = 0
    while True:
        with transaction.atomic():
            batch = list(AllocationPlacement.objects.select_for_update(skip_locked=True, of=("self",))
                         .select_related("student", "team").filter(run_id=run_id, team__isnull=False, notified=False)
                         .order_by("pk")[:NOTIFY_BATCH])
            if not batch:
                return sent
            for placement in batch:
                notify(recipient=placement.student, template="teams/allocation_placed",
                       context={"team": placement.team.name, "rank": placement.rank},
                       url=placement.team.get_absolute_url())
            AllocationPlacement.objects.filter(pk__in=[p.pk for p in batch]).update(notified=True)
            done = AllocationPlacement.objects.filter(run_id=run_id, team__isnull=False, notified=True).count()
            AllocationRun.objects.filter(pk=run_id).update(notified=done)
            sent += len(batch)


def _require_office(actor: User) -> None:
    if not actor.is_staff:
        raise PermissionDenied(_("Only the programme office runs the allocation."))
