from django import template

from ..selectors import accepted_internships_of

register = template.Library()


@register.simple_tag(name="accepted_internships_of")
def accepted_internships(user):
    """The student's accepted internships, for the profile page."""
    return list(accepted_internships_of(user)) if getattr(user, "is_authenticated", False) else []
