"""Small integration points for other apps' templates: the team page's workspace link and
the commission's summary on the score sheet (each one line in the host template)."""

from django import template
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import formats
from django.utils.html import format_html_join

from marathon.models import Edition
from projects.models import Membership, Team

from .. import permissions, selectors

register = template.Library()


@register.inclusion_tag("workspace/_team_summary.html", takes_context=True)
def workspace_team_summary(context, team):
    """A link for those who may read the workspace. No query of its own: the team page loads
    the memberships and co-supervisors the check needs (its query-count tests stay as they are)."""
    return {"team": team, "access": permissions.access_for(context["request"].user, team)}


@register.inclusion_tag("workspace/_evaluation_summary.html", takes_context=True)
def workspace_evaluation_summary(context, project, edition=None):
    """Shown on a score sheet, whose view admits only the expert assigned to the project and the
    chairs of its edition. The page may hand over the project with its team already joined and
    the edition it has loaded (the team's), which saves their lookups."""
    try:
        team = project.team
    except Team.DoesNotExist:
        return {"summary": None}
    if edition is not None and edition.pk == team.edition_id:
        team.edition = edition
    return {"summary": selectors.evaluation_summary(team), "can_open": _can_open(context["request"].user, team)}


# The summary's two loops, as they wrote them (same escaping and date format), without a
# template node per milestone and per kind of entry (issue 18: the score sheet's fixed cost).
@register.filter
def milestone_items(milestones) -> str:
    return format_html_join("", "<li>{} · {} · {}</li>", (
        (m.title, m.status_label, formats.date_format(m.due_date, "j M Y")) for m in milestones))


@register.filter
def journal_line(counts: dict) -> str:
    return format_html_join(" · ", "{}: {}", counts.items())


def _can_open(user, team: Team) -> bool:
    # During the evaluation the sheet's viewers are exactly the readers that
    # `permissions.commission_reads` admits, so no query needs to decide; otherwise the full check.
    if team.edition.phase == Edition.Phase.EVALUATION:
        return True
    prefetch_related_objects([team], Prefetch("memberships", queryset=Membership.objects.select_related("user")),
                             "project__co_supervisors")
    return permissions.access_for(user, team).read
