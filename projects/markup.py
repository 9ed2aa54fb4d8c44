"""Markdown descriptions rendered to HTML that cannot carry scripts or styles."""

import re
from functools import lru_cache

import markdown
import nh3

# The page's own headings are h1/h2, so the description's headings start at h3.
HEADING = re.compile(r"<(/?)h([1-6])>")

ALLOWED_TAGS = {"p", "br", "hr", "strong", "em", "b", "i", "code", "pre", "blockquote", "ul", "ol",
                "li", "h2", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th",
                "td"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


@lru_cache(maxsize=256)
def render_markdown(text: str) -> str:
    """Pure (the HTML depends on the text only), so memoised per process: the project page and
    API render the same description on every request (~1 ms each with markdown and nh3)."""
    html = markdown.markdown(text or "", extensions=["tables", "sane_lists", "fenced_code"],
                             output_format="html")
    # The top heading used becomes h3 (under the page's h2 "Description"), so levels never skip.
    levels = [int(level) for _slash, level in HEADING.findall(html)]
    shift = 3 - min(levels) if levels else 0
    html = HEADING.sub(lambda m: f"<{m.group(1)}h{min(max(int(m.group(2)) + shift, 3), 6)}>", html)
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel="nofollow noopener noreferrer")
