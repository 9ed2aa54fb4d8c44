from django import template
from django.utils.safestring import mark_safe

from projects.markup import render_markdown

register = template.Library()


@register.filter
def markdown(text: str) -> str:
    # Safe: render_markdown sanitises the HTML with nh3 (allow-listed tags, no attributes that run code).
    return mark_safe(render_markdown(text))  # noqa: S308

