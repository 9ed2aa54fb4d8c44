"""The score sheet's workspace summary: its milestone items and journal counts written by the
`milestone_items` / `journal_line` filters exactly as the partial's loops wrote them (issue 18,
round 5)."""

import datetime
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.translation import gettext_lazy

LOOPS = Template(
    '{% for m in milestones %}<li>{{ m.title }} · {{ m.status_label }} · {{ m.due_date|date:"j M Y" }}</li>'
    "{% endfor %}|{% for label, n in counts.items %}{{ label }}: {{ n }}{% if not forloop.last %} · {% endif %}"
    "{% endfor %}")
FILTERS = Template("{% load workspace_tags %}{{ milestones|milestone_items }}|{{ counts|journal_line }}")


@pytest.mark.parametrize("language", ["en", "de", "ru"])
def test_summary_filters_write_what_the_loops_wrote(language):
    milestones = [SimpleNamespace(title='Alloys <b>&</b> "steel"', status_label=gettext_lazy("Done"),
                                  due_date=datetime.date(2026, 3, 2)),
                  SimpleNamespace(title="Survey", status_label="Open", due_date=datetime.date(2026, 12, 31))]
    counts = {gettext_lazy("Experiment"): 6, "Sample <test>": 0}
    with translation.override(language):
        context = {"milestones": milestones, "counts": counts}
        assert FILTERS.render(Context(context)) == LOOPS.render(Context(context))
    assert "Alloys &lt;b&gt;&amp;&lt;/b&gt; &quot;steel&quot;" in FILTERS.render(Context(context))


def test_summary_filters_with_nothing_to_show():
    context = Context({"milestones": [], "counts": {}})
    assert FILTERS.render(context) == LOOPS.render(context) == "|"
