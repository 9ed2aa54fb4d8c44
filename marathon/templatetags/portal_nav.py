"""`{% portal_nav %}`: the apps' navbar partials, rendered once per process for each kind of
reader and reused (issue 18: the fixed cost of every page).

The partials depend only on what `portal_nav_key` lists (the language, whether the reader is
logged in, staff, their status and their group names: the navbar rules of
`marathon.context_processors`), so their output is the same for every reader with the same key.
About twenty `{% url %}` and forty `{% translate %}` per page become one dictionary lookup. Not
cached with DEBUG on (templates reload while developing)."""

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from marathon.context_processors import nav_templates
from marathon.roles import group_names

register = template.Library()

_rendered: dict[tuple, str] = {}
MAX_ENTRIES = 512


def portal_nav_key(user) -> tuple:
    authenticated = bool(getattr(user, "is_authenticated", False))
    return (translation.get_language(), authenticated,
            bool(authenticated and user.is_staff), getattr(user, "status", "") if authenticated else "",
            tuple(sorted(group_names(user))))


@register.simple_tag(takes_context=True)
def portal_nav(context) -> str:
    user = context.get("user")
    key = portal_nav_key(user)
    html = None if settings.DEBUG else _rendered.get(key)
    if html is None:
        flat = context.flatten()
        html = "".join(render_to_string(name, flat) for name in nav_templates())
        if not settings.DEBUG:
            if len(_rendered) >= MAX_ENTRIES:
                _rendered.clear()
            _rendered[key] = html
    return mark_safe(html)  # noqa: S308 - our own templates' output, escaped when rendered
