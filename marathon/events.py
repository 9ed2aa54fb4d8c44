"""Audit event codes as people read them: one registry of code → translatable sentence, used by
every history and audit display (pages, the admin), so no page shows `mobility.submitted`.

Apps that add events later may ship `<app>/audit_events.py` with an `EVENTS` dict of their own; it is
merged in (found like `demo.py`, so the core imports no app). An unknown code still reads as a
sentence ("Mobility: submitted") rather than a code."""

from functools import cache

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .discovery import app_modules

EVENTS = {
    "profile.updated": _("Profile updated"),
    # projects
    "project.created": _("Project proposal created"),
    "project.updated": _("Project proposal changed"),
    "project.deleted": _("Project proposal deleted"),
    "project.submitted": _("Project submitted to the programme office"),
    "project.approved": _("Project approved"),
    "project.rejected": _("Project rejected"),
    "project.activated": _("Project research started"),
    "project.completed": _("Project completed"),
    "project.attachment_added": _("File attached to the project"),
    # teams
    "team.member_added": _("Member added to the team"),
    "team.member_removed": _("Member removed from the team"),
    "team.member_left": _("Member left the team"),
    "team.lead_appointed": _("Team lead appointed"),
    "team.lead_demoted": _("Team lead stepped down"),
    "team.complete": _("Team meets the mix rule"),
    "team.full_requests_closed": _("Team full: other requests declined"),
    "join_request.sent": _("Join request sent"),
    "join_request.accepted": _("Join request accepted"),
    "join_request.declined": _("Join request declined"),
    "join_request.withdrawn": _("Join request withdrawn"),
    "invitation.sent": _("Invitation sent"),
    "invitation.accepted": _("Invitation accepted"),
    "invitation.declined": _("Invitation declined"),
    "invitation.cancelled": _("Invitation cancelled"),
    # evaluation
    "evaluation.member_added": _("Commission member added"),
    "evaluation.member_changed": _("Commission member changed"),
    "evaluation.member_removed": _("Commission member removed"),
    "evaluation.criterion_added": _("Criterion added"),
    "evaluation.criterion_changed": _("Criterion changed"),
    "evaluation.conflict_declared": _("Conflict of interest declared"),
    "evaluation.assigned": _("Expert assigned"),
    "evaluation.assignment_removed": _("Expert assignment removed"),
    "evaluation.auto_assigned": _("Experts assigned automatically"),
    "evaluation.reminders_sent": _("Reminders sent to experts"),
    "evaluation.sheet_submitted": _("Score sheet submitted"),
    "evaluation.results_submitted": _("Team results handed in"),
    "evaluation.results_published": _("Results published"),
    # mobility
    "mobility.created": _("Mobility application created"),
    "mobility.updated": _("Mobility application changed"),
    "mobility.deleted": _("Mobility application deleted"),
    "mobility.submitted": _("Mobility application submitted to the coordinator"),
    "mobility.approved": _("Mobility approved"),
    "mobility.rejected": _("Mobility rejected"),
    "mobility.started": _("Mobility started"),
    "mobility.completed": _("Mobility completed"),
    "mobility.cancelled": _("Mobility cancelled"),
    "mobility.document_uploaded": _("Document uploaded"),
    "mobility.certificate_reminder": _("Reminder to upload the certificate of attendance sent"),
    # outcomes
    "outcomes.publication_recorded": _("Publication recorded"),
    "outcomes.publication_updated": _("Publication changed"),
    "outcomes.publication_deleted": _("Publication deleted"),
    "outcomes.grant_application_recorded": _("Grant application recorded"),
    "outcomes.grant_application_updated": _("Grant application changed"),
    "outcomes.grantapplication_deleted": _("Grant application deleted"),
    "outcomes.conference_recorded": _("Conference participation recorded"),
    "outcomes.conference_updated": _("Conference participation changed"),
    "outcomes.conferenceparticipation_deleted": _("Conference participation deleted"),
    # reports
    "reports.export_started": _("Statistics export started"),
    "reports.export_finished": _("Statistics export finished"),
    "reports.export_failed": _("Statistics export failed"),
    "reports.export_retried": _("Statistics export started again"),
    "edition.dates_changed": _("Edition dates changed"),
    "profile.language_changed": _("Language changed"),
    "evaluation.ranking_method_changed": _("Official ranking method changed"),
    "mobility.host_site_set": _("Internship host site set for the grant"),
}


@cache
def registry() -> dict:
    merged = dict(EVENTS)
    for module in app_modules("audit_events"):
        merged.update(getattr(module, "EVENTS", {}))
    return merged


def describe_event(code: str) -> str:
    """The sentence for an audit event code, in the active language."""
    sentence = registry().get(code)
    if sentence is not None:
        return str(sentence)
    area, _dot, step = code.partition(".")
    if not step:
        return code.replace("_", " ").capitalize()
    return gettext("%(area)s: %(step)s") % {"area": area.replace("_", " ").capitalize(),
                                            "step": step.replace("_", " ")}
