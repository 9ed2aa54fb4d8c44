"""Audit sentences of the industry side (merged into `marathon.events.registry`)."""

from django.utils.translation import gettext_lazy as _

EVENTS = {
    "industry.representative_invited": _("Customer representative invited"),
    "industry.invitation_accepted": _("Customer invitation accepted"),
    "industry.claim_submitted": _("Claim to represent an organisation submitted"),
    "industry.representative_revoked": _("Customer representative revoked"),
    "industry.task_submitted": _("Research task submitted"),
    "industry.task_approved": _("Research task approved"),
    "industry.task_rejected": _("Research task rejected"),
    "industry.task_adopted": _("Research task adopted into a project"),
    "industry.internship_offered": _("Internship offered"),
    "industry.internship_applied": _("Applied for an internship"),
    "industry.internship_linked": _("Internship linked to a mobility application"),
    "industry.feedback_given": _("Customer feedback given"),
    "industry.implementation_recorded": _("Implementation of results recorded"),
    "industry.implementation_confirmed": _("Implementation of results confirmed"),
    "industry.claim_approved": _("Claim to represent an organisation approved"),
    "industry.claim_rejected": _("Claim to represent an organisation rejected"),
    "industry.application_shortlisted": _("Internship application shortlisted"),
    "industry.application_accepted": _("Internship application accepted"),
    "industry.application_declined": _("Internship application declined"),
}
