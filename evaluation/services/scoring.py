"""Score sheets (drafts, submit, history) and the teams' results submissions."""

import functools
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.db.models import Max, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from marathon.exceptions import RuleViolation
from marathon.models import Edition, User
from marathon.services import record_audit
from marathon.statements import execute_prepared
from marathon.uploads import DOCUMENTS, validate_upload
from projects.models import Membership, Project, Team

from .. import selectors
from ..models import (
    Assignment,
    Commission,
    CommissionMember,
    ConflictOfInterest,
    Criterion,
    ResultSubmission,
    Score,
    ScoreSheet,
    ScoreSheetRevision,
    SheetStatus,
)
from .aggregates import results_changed, specs_of, weighted_score
from .commission import raise_conflict

# The lock statement of every save, written out: building it with the ORM (five joins, three
# conflict subqueries, `select_for_update(of=...)`) cost ~2 ms of CPU per call, the largest share
# of the deadline day's busiest write; executing it costs a few hundredths of that. Its conflict
# facts are the ones `selectors.conflict_facts` reads (declared conflict, co-supervision, team
# membership of this expert and project), and only the columns the checks, the writes and the
# API's answer use are read.
_LOCK_SQL = """
SELECT s.id, s.assignment_id, s.status, s.feedback, s.confidential_note, s.submitted_at, s.updated_at,
       s.weighted_score, a.member_id, a.project_id, m.commission_id, m.user_id, m."group", m.organisation_id,
       u.full_name, u.email, u.organisation_id, p.title, p.proposer_id, p.customer_id,
       c.edition_id, e.evaluation_end,
       (SELECT ci.reason FROM {conflict} ci WHERE ci.member_id = a.member_id AND ci.project_id = a.project_id
        LIMIT 1),
       EXISTS (SELECT 1 FROM {co_supervisors} cs WHERE cs.project_id = a.project_id AND cs.user_id = m.user_id),
       EXISTS (SELECT 1 FROM {membership} ms INNER JOIN {team} t ON ms.team_id = t.id
               WHERE t.project_id = a.project_id AND ms.user_id = m.user_id)
FROM {sheet} s
INNER JOIN {assignment} a ON s.assignment_id = a.id
INNER JOIN {member} m ON a.member_id = m.id
INNER JOIN {user} u ON m.user_id = u.id
INNER JOIN {project} p ON a.project_id = p.id
INNER JOIN {commission} c ON m.commission_id = c.id
INNER JOIN {edition} e ON c.edition_id = e.id
WHERE s.id = %s"""


@functools.cache
def _lock_sql() -> str:
    tables = {"sheet": ScoreSheet, "assignment": Assignment, "member": CommissionMember, "user": User,
              "project": Project, "commission": Commission, "edition": Edition, "conflict": ConflictOfInterest,
              "co_supervisors": Project.co_supervisors.through, "membership": Membership, "team": Team}
    sql = _LOCK_SQL.format(**{name: connection.ops.quote_name(model._meta.db_table)
                              for name, model in tables.items()})
    # As the ORM does: databases without row locks (SQLite, a development setup) run it without.
    return sql + " FOR UPDATE OF s, m" if connection.features.has_select_for_update_of else sql


def _loaded(model, values: dict):
    """A model instance as the ORM loads it, with only these columns (the others deferred)."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(DEFAULT_DB_ALIAS, names, [values[name] for name in names])


def _locked_sheet(pk: int) -> ScoreSheet:
    with connection.cursor() as cursor:
        # Prepared once per connection: planning the seven-table join cost PostgreSQL ~1 ms on
        # every save, running it ~0.07 ms.
        execute_prepared(cursor, "evaluation_lock_sheet", _lock_sql(), [pk])
        row = cursor.fetchone()
    if row is None:
        raise ScoreSheet.DoesNotExist("ScoreSheet matching query does not exist.")
    (pk, assignment_id, status, feedback, note, submitted_at, updated_at, weighted, member_id, project_id,
     commission_id, user_id, group, organisation_id, full_name, email, user_organisation_id, title,
     proposer_id, customer_id, edition_id, evaluation_end, declared, co_supervises, in_team) = row
    sheet = _loaded(ScoreSheet, {
        "id": pk, "assignment_id": assignment_id, "status": status, "feedback": feedback,
        "confidential_note": note, "submitted_at": submitted_at, "updated_at": updated_at,
        "weighted_score": weighted})
    member = _loaded(CommissionMember, {"id": member_id, "commission_id": commission_id, "user_id": user_id,
                                        "group": group, "organisation_id": organisation_id})
    member.user = _loaded(User, {"id": user_id, "full_name": full_name, "email": email,
                                 "organisation_id": user_organisation_id})
    assignment = _loaded(Assignment, {"id": assignment_id, "member_id": member_id, "project_id": project_id})
    assignment.member = member
    assignment.project = _loaded(Project, {"id": project_id, "title": title, "proposer_id": proposer_id,
                                           "customer_id": customer_id})
    sheet.assignment = assignment
    sheet.edition_id, sheet.evaluation_end = edition_id, evaluation_end
    sheet.declared_conflict, sheet.co_supervises, sheet.in_team = declared, co_supervises, in_team
    return sheet


def _lock_sheet_for_author(sheet: ScoreSheet, actor: User) -> ScoreSheet:
    """Lock the sheet and its expert's seat (the row that declaring a conflict and assigning also
    lock) in one statement that also reads the edition's deadline and the conflict facts of this
    expert and project, then check the author, the deadline and conflicts under that lock, so a
    conflict declared concurrently or a deadline passing mid-request cannot be bypassed."""
    sheet = _locked_sheet(sheet.pk)
    member = sheet.assignment.member
    if member.user_id != actor.pk:
        raise PermissionDenied(_("Only the expert assigned to this sheet can change it."))
    if timezone.localdate() > sheet.evaluation_end:
        raise RuleViolation(_("The evaluation deadline (%(date)s) has passed; sheets can no longer be changed.")
                            % {"date": date_format(sheet.evaluation_end)})
    reason = selectors.conflict_reason_of(member, sheet.assignment.project, declared=sheet.declared_conflict,
                                          co_supervises=sheet.co_supervises, in_team=sheet.in_team)
    if reason:
        raise_conflict(member, reason)
    return sheet


def _criteria_with_values(sheet: ScoreSheet) -> tuple[dict[int, Criterion], dict[str, dict]]:
    """The edition's criteria and the sheet's current scores (`{criterion id: {value, comment}}`,
    in criterion id order), in one query."""
    criteria = selectors.criteria_with_scores(sheet.edition_id, sheet.pk)
    scores = {str(c.pk): {"value": c.current_value, "comment": c.current_comment}
              for c in sorted(criteria, key=lambda c: c.pk) if c.current_value is not None}
    return {c.pk: c for c in criteria}, scores


def _clean_scores(criteria: dict[int, Criterion], scores: list[dict]) -> dict[int, tuple[Criterion, int, str]]:
    cleaned, errors = {}, []
    for item in scores:
        criterion = criteria.get(_as_int(item.get("criterion")))
        value = _as_int(item.get("value"))
        if criterion is None:
            errors.append(_("Unknown criterion %(id)s.") % {"id": item.get("criterion")})
        elif value is None:
            errors.append(_("%(name)s: give a whole number.") % {"name": criterion.name})
        elif not criterion.scale_min <= value <= criterion.scale_max:
            errors.append(_("%(name)s: the value must be between %(low)d and %(high)d.")
                          % {"name": criterion.name, "low": criterion.scale_min, "high": criterion.scale_max})
        else:
            cleaned[criterion.pk] = (criterion, value, str(item.get("comment") or "")[:5000])
    if errors:
        raise ValidationError({"scores": errors})
    return cleaned


def _as_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _snapshot(sheet: ScoreSheet, scores: dict[str, dict]) -> dict:
    """The sheet's state as stored in a revision."""
    return {"status": sheet.status, "feedback": sheet.feedback, "confidential_note": sheet.confidential_note,
            "scores": scores}


def _record_revision(sheet: ScoreSheet, actor: User, action: str, data: dict) -> None:
    # Numbers are unique per sheet; the caller holds the sheet's row lock, so max + 1 is safe,
    # and computing it inside the INSERT saves a round trip.
    latest = (ScoreSheetRevision.objects.filter(sheet_id=sheet.pk).order_by().values("sheet_id")
              .annotate(latest=Max("number")).values("latest"))
    ScoreSheetRevision.objects.create(sheet=sheet, number=Coalesce(Subquery(latest), 0) + 1, action=action,
                                      actor=actor, data=data)


def _missing_required(criteria: dict[int, Criterion], present) -> list[str]:
    return [c.name for c in criteria.values() if c.required and c.pk not in present]


def _weighted(criteria: dict[int, Criterion], scores: dict[str, dict]) -> float | None:
    return weighted_score({int(pk): item["value"] for pk, item in scores.items()}, specs_of(criteria.values()))


def _with_scores(sheet: ScoreSheet, scores: dict[str, dict]) -> ScoreSheet:
    """Put the sheet's scores in its prefetch cache (what the API returns) without a query."""
    rows = [Score(sheet=sheet, criterion_id=int(pk), value=item["value"], comment=item["comment"])
            for pk, item in scores.items()]
    queryset = sheet.scores.all()
    queryset._result_cache, queryset._prefetch_done = rows, True
    sheet._prefetched_objects_cache = {"scores": queryset}
    return sheet


# A save's writes in one statement (and one round trip): the changed scores upserted, the sheet
# row, and the revision numbered max + 1 (the caller holds the sheet's row lock, so that is
# safe). The sub-statements touch different tables, so running them together changes nothing but
# the cost: building them with the ORM (`bulk_create`, `save`, `create` with a subquery) cost
# more worker CPU than the rest of the service.
_WRITE_SQL = """
WITH upserted AS (
    INSERT INTO {score} (sheet_id, criterion_id, value, scale_min, scale_max, comment)
    SELECT %s::bigint, * FROM unnest(%s::bigint[], %s::smallint[], %s::smallint[], %s::smallint[], %s::text[])
    ON CONFLICT (sheet_id, criterion_id) DO UPDATE SET value = EXCLUDED.value, comment = EXCLUDED.comment,
        scale_min = EXCLUDED.scale_min, scale_max = EXCLUDED.scale_max
), updated AS (
    UPDATE {sheet} SET feedback = %s::text, confidential_note = %s::text, updated_at = %s::timestamptz,
        weighted_score = %s::double precision
    WHERE id = %s::bigint
)
INSERT INTO {revision} (sheet_id, number, action, actor_id, data, created_at)
SELECT %s::bigint, COALESCE(MAX(r.number), 0) + 1, %s::varchar, %s::bigint, %s::jsonb, %s::timestamptz
FROM {revision} r WHERE r.sheet_id = %s::bigint"""


@functools.cache
def _write_sql() -> str:
    return _WRITE_SQL.format(**{name: connection.ops.quote_name(model._meta.db_table) for name, model in
                                (("score", Score), ("sheet", ScoreSheet), ("revision", ScoreSheetRevision))})


def _write_saved_sheet(sheet: ScoreSheet, actor: User, changed: list, data: dict) -> None:
    """Upsert the changed scores, store the sheet's text fields, time and weighted score, and
    record the "saved" revision with `data`."""
    if connection.vendor != "postgresql":  # a development database: the same writes, one by one
        if changed:
            Score.objects.bulk_create(
                [Score(sheet=sheet, criterion=c, value=value, comment=comment, scale_min=c.scale_min,
                       scale_max=c.scale_max) for c, value, comment in changed],
                update_conflicts=True, unique_fields=["sheet", "criterion"],
                update_fields=["value", "comment", "scale_min", "scale_max"])
        sheet.save(update_fields=["feedback", "confidential_note", "updated_at", "weighted_score"])
        _record_revision(sheet, actor, "saved", data)
        return
    with connection.cursor() as cursor:
        execute_prepared(cursor, "evaluation_write_sheet", _write_sql(), [
            sheet.pk, [c.pk for c, _v, _t in changed], [v for _c, v, _t in changed],
            [c.scale_min for c, _v, _t in changed], [c.scale_max for c, _v, _t in changed],
            [t for _c, _v, t in changed],
            sheet.feedback, sheet.confidential_note, sheet.updated_at, sheet.weighted_score, sheet.pk,
            sheet.pk, "saved", actor.pk, json.dumps(data), sheet.updated_at, sheet.pk])


def save_score_sheet(*, sheet: ScoreSheet, actor: User, scores: list[dict], feedback: str = "",
                     confidential_note: str = "") -> ScoreSheet:
    """Replace the sheet's values (the author, before the deadline, without a conflict).

    Drafts may be incomplete; a submitted sheet stays submitted and must keep every required
    criterion. When something changed: one upsert of all scores, at most one delete, the sheet
    row (with its weighted score), one revision row, and for a submitted sheet the commission's
    results version. An autosave that changes nothing writes nothing. Returns the locked sheet
    with its scores prefetched."""
    with transaction.atomic():
        sheet = _lock_sheet_for_author(sheet, actor)
        criteria, before_scores = _criteria_with_values(sheet)
        cleaned = _clean_scores(criteria, scores)
        if sheet.status == SheetStatus.SUBMITTED:
            missing = _missing_required(criteria, cleaned)
            if missing:
                raise ValidationError({"scores": [_("Required criteria have no value: %(names)s.")
                                                  % {"names": ", ".join(missing)}]})
        before = _snapshot(sheet, before_scores)
        new_scores = {str(pk): {"value": value, "comment": comment}
                      for pk, (_c, value, comment) in sorted(cleaned.items())}
        sheet.feedback = (feedback or "").strip()
        sheet.confidential_note = (confidential_note or "").strip()
        after = _snapshot(sheet, new_scores)
        if after == before:
            return _with_scores(sheet, new_scores)
        if set(before_scores) - set(new_scores):
            Score.objects.filter(sheet=sheet).exclude(criterion_id__in=cleaned).delete()
        changed = [(c, value, comment) for pk, (c, value, comment) in cleaned.items()
                   if before_scores.get(str(pk)) != new_scores[str(pk)]]
        sheet.updated_at = timezone.now()
        sheet.weighted_score = _weighted(criteria, new_scores)
        _write_saved_sheet(sheet, actor, changed, after)
        if sheet.status == SheetStatus.SUBMITTED:
            results_changed(sheet.assignment.member.commission_id)  # last: drafts never count
    return _with_scores(sheet, new_scores)


def submit_score_sheet(*, sheet: ScoreSheet, actor: User) -> ScoreSheet:
    """Submit a draft once every required criterion has a value; audited; the sheet now counts,
    so the commission's results version is bumped."""
    with transaction.atomic():
        sheet = _lock_sheet_for_author(sheet, actor)
        if sheet.status == SheetStatus.SUBMITTED:
            raise RuleViolation(_("This sheet is already submitted."))
        criteria, scores = _criteria_with_values(sheet)
        if not scores:
            raise ValidationError({"scores": [_("Score at least one criterion before submitting.")]})
        missing = _missing_required(criteria, {int(pk) for pk in scores})
        if missing:
            raise ValidationError({"scores": [_("Required criteria have no value: %(names)s.")
                                              % {"names": ", ".join(missing)}]})
        sheet.status = SheetStatus.SUBMITTED
        sheet.submitted_at = sheet.updated_at = timezone.now()
        sheet.weighted_score = _weighted(criteria, scores)
        sheet.save(update_fields=["status", "submitted_at", "updated_at", "weighted_score"])
        _record_revision(sheet, actor, "submitted", _snapshot(sheet, scores))
        record_audit(actor=actor, action="evaluation.sheet_submitted", target=sheet,
                     changes={"project": sheet.assignment.project_id})
        results_changed(sheet.assignment.member.commission_id)
    return _with_scores(sheet, scores)


def submit_results(*, team: Team, actor: User, summary: str, final_report=None,
                   presentation=None) -> ResultSubmission:
    """A team member hands in (or updates) the team's results before the evaluation phase.
    Files are checked by content type and size; audited."""
    if not Membership.objects.filter(team=team, user=actor).exists():
        raise PermissionDenied(_("Only members of the team can submit its results."))
    if timezone.localdate() >= team.edition.evaluation_start:
        raise RuleViolation(_("Results can be submitted only before the evaluation phase starts (%(date)s).")
                            % {"date": date_format(team.edition.evaluation_start)})
    summary = (summary or "").strip()
    errors = {}
    if not summary:
        errors["summary"] = [_("Summarise the team's results.")]
    types = {}
    for name, upload in (("final_report", final_report), ("presentation", presentation)):
        if upload is not None:
            try:
                types[name] = validate_upload(upload, allowed=DOCUMENTS)
            except ValidationError as exc:
                errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        submission, _created = ResultSubmission.objects.select_for_update().get_or_create(
            team=team, defaults={"summary": summary, "submitted_by": actor})
        submission.summary, submission.submitted_by, submission.submitted_at = summary, actor, timezone.now()
        for name, upload in (("final_report", final_report), ("presentation", presentation)):
            if upload is not None:
                getattr(submission, name).save(upload.name, upload, save=False)
                setattr(submission, f"{name}_name", upload.name[:255])
                setattr(submission, f"{name}_type", types[name])
        submission.save()
        record_audit(actor=actor, action="evaluation.results_submitted", target=submission,
                     changes={"files": sorted(types)})
        for commission_id in Commission.objects.filter(edition_id=team.edition_id).values_list("pk", flat=True):
            results_changed(commission_id)  # the team leaves the dashboard's gaps (dashboard_gaps)
    return submission
