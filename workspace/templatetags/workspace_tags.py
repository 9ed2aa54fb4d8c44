"""Small integration points for other apps' templates: the team page's workspace link and
the commission's summary on the score sheet (each one line in the host template)."""

from django import template

from projects.models import Team

from .. import permissions, selectors

register = template.Library()


@register.inclusion_tag("workspace/_team_summary.html", takes_context=True)
def workspace_team_summary(context, team):
    """A link for those who may read the workspace. No query of its own: the team page loads
    the memberships and co-supervisors the check needs (its query-count tests stay as they are)."""
    return {"team": team, "access": permissions.access_for(context["request"].user, team)}


@register.inclusion_tag("workspace/_evaluation_summary.html", takes_context=True)
def workspace_evaluation_summary(context, project):
    """Shown on a score sheet, whose view already admits only the expert and the chairs."""
    team = Team.objects.filter(project=project).select_related("edition").first()
    if team is None:
        return {"summary": None}
    loaded = selectors.teams_for_workspace().get(pk=team.pk)
    return {"summary": selectors.evaluation_summary(loaded),
            "can_open": permissions.access_for(context["request"].user, loaded).read}
