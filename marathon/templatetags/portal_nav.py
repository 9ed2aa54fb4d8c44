"""`{% portal_nav %}` and `{% portal_fragment %}`: parts of every page that are the same for every
reader of a kind, rendered once per process for each kind and reused (issue 18: the fixed cost
of every page).

The apps' navbar partials depend only on what `portal_nav_key` lists (the language, whether the
reader is logged in, staff, their status and their group names: the navbar rules of
`marathon.context_processors`), so their output is the same for every reader with the same key.
About twenty `{% url %}` and forty `{% translate %}` per page become one dictionary lookup. The
fragments of `base.html` (static URLs, the brand, the user menu, the language switcher, the
footer) depend only on the language and what their tag names. Not cached with DEBUG on
(templates reload while developing); emptied when a test changes a setting they read."""

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from marathon.context_processors import nav_templates
from marathon.roles import group_names

register = template.Library()

_rendered: dict[tuple, str] = {}
MAX_ENTRIES = 512
# What the cached HTML is made of besides the templates: URLs, static files' names, languages.
_SOURCES = {"ROOT_URLCONF", "STATIC_URL", "STORAGES", "LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS",
            "INSTALLED_APPS", "TEMPLATES", "MFA_REQUIRED_FOR_STAFF"}


def _cached(key: tuple, render) -> str:
    html = None if settings.DEBUG else _rendered.get(key)
    if html is None:
        html = render()
        if not settings.DEBUG:
            if len(_rendered) >= MAX_ENTRIES:
                _rendered.clear()
            _rendered[key] = html
    return mark_safe(html)  # noqa: S308 - our own templates' output, escaped when rendered


@receiver(setting_changed, dispatch_uid="marathon.portal_nav.forget_rendered")
def _forget_rendered(*, setting, **kwargs):
    if setting in _SOURCES:
        _rendered.clear()


def portal_nav_key(user) -> tuple:
    authenticated = bool(getattr(user, "is_authenticated", False))
    return (translation.get_language(), authenticated,
            bool(authenticated and user.is_staff), getattr(user, "status", "") if authenticated else "",
            tuple(sorted(group_names(user))))


@register.simple_tag(takes_context=True)
def portal_nav(context) -> str:
    def render() -> str:
        flat = context.flatten()
        return "".join(render_to_string(name, flat) for name in nav_templates())

    return _cached(portal_nav_key(context.get("user")), render)


@register.tag
def portal_fragment(parser, token):
    """`{% portal_fragment name [value …] %}…{% endportal_fragment %}`: the enclosed template, rendered
    once per process for each language and each combination of the values (e.g. `user.is_staff`).
    Only for parts that read nothing else of the request: no CSRF token, no path, no user's name."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("portal_fragment needs a name")
    nodelist = parser.parse(("endportal_fragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, bits[1], [parser.compile_filter(bit) for bit in bits[2:]])


class FragmentNode(template.Node):
    def __init__(self, nodelist, name: str, vary_on: list):
        self.nodelist, self.name, self.vary_on = nodelist, name, vary_on

    def render(self, context) -> str:
        key = ("fragment", self.name, translation.get_language(), *(value.resolve(context) for value in self.vary_on))
        return _cached(key, lambda: self.nodelist.render(context))
