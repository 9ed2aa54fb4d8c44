"""Audit sentences of the research workspace (merged into `marathon.events.registry`)."""

from django.utils.translation import gettext_lazy as _

EVENTS = {
    "milestone.created": _("Milestone added to the work plan"),
    "milestone.updated": _("Milestone changed"),
    "journal.created": _("Lab journal entry created"),
    "journal.updated": _("Lab journal entry changed"),
    "journal.file_added": _("File attached to a lab journal entry"),
    "journal.signed": _("Lab journal entry signed"),
    "journal.new_version": _("New version of a signed lab journal entry"),
    "report.started": _("Progress report started"),
    "report.updated": _("Progress report changed"),
    "report.submitted": _("Progress report submitted"),
    "comment.added": _("Comment added"),
    "workspace.customer_access": _("Customer access to the workspace changed"),
    "workspace.digest_preference": _("Daily digest preference changed"),
    "workspace.export_started": _("Workspace export started"),
    "report.approved": _("Progress report approved"),
    "report.changes_requested": _("Progress report sent back for changes"),
}
