"""Audit sentences of the team allocation (merged into `marathon.events.registry`)."""

from django.utils.translation import gettext_lazy as _

EVENTS = {
    "allocation.preferences_saved": _("Project ranking saved"),
    "allocation.run_started": _("Allocation run started"),
    "allocation.run_finished": _("Allocation run finished"),
    "allocation.placement_locked": _("Allocation placement locked"),
    "allocation.run_committed": _("Allocation committed: teams formed"),
    "allocation.student_required": _("Student required for the team (pre-assigned)"),
    "allocation.student_excluded": _("Student excluded from the team"),
}
