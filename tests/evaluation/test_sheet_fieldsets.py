"""`ScoreSheetForm.rows()`'s `fieldset`: each criterion's fieldset exactly as the score-sheet
page's template loop wrote it (issue 18, round 5), for required and optional criteria, with and
without guidance, errors, markup in names and comments, in two languages."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils import translation

from evaluation.forms import ScoreSheetForm
from tests.evaluation.factories import CriterionFactory
from tests.factories import EditionFactory

pytestmark = pytest.mark.django_db

# The loop `evaluation/sheet_detail.html` had before round 5.
LOOP = Template("""{% load i18n %}{% for row in form.rows %}{% with criterion=row.criterion %}
    <fieldset class="card mb-3 criterion" id="criterion-{{ criterion.pk }}">
      <div class="card-body">
        <legend class="h6 mb-1">{{ criterion.name }}{% if criterion.required %} <span class="text-danger" aria-hidden="true">*</span><span class="visually-hidden">{% translate "required" %}</span>{% endif %}
          <small class="text-muted">{{ row.weight }}</small></legend>
        {% if criterion.guidance %}<p class="form-text mt-0">{{ criterion.guidance }}</p>{% endif %}
        <div class="score-choice d-flex flex-wrap gap-1 mb-2" role="radiogroup" aria-label="{{ criterion.name }}">
          {{ row.radios }}
        </div>
        {% for error in row.errors %}<div class="invalid-feedback d-block">{{ error }}</div>{% endfor %}
        {% with area=row.comment %}<label class="form-label small" for="{{ area.id }}">{{ area.label }}</label>
        {{ area.html }}{% endwith %}
      </div>
    </fieldset>
  {% endwith %}{% endfor %}""")  # noqa: E501
FIELDSETS = Template("{% for row in form.rows %}{{ row.fieldset }}{% endfor %}")


def criteria():
    edition = EditionFactory()
    return [CriterionFactory(edition=edition, name='Rigour <b>&</b> "depth"', guidance="Method <i>", weight=30),
            CriterionFactory(edition=edition, name="Impact", guidance="", required=False, weight=Decimal("1.25"),
                             level_labels=[])]


@pytest.mark.parametrize("language", ["en", "de"])
def test_fieldsets_as_the_template_wrote_them(language):
    found = criteria()
    sheet = SimpleNamespace(feedback="", confidential_note="")
    found[0].current_value, found[0].current_comment = 3, "Fine <ok> & clear"
    with translation.override(language):
        form = ScoreSheetForm(sheet=sheet, criteria=found)
        assert FIELDSETS.render(Context({"form": form})) == LOOP.render(Context({"form": form}))
        invalid = ScoreSheetForm({f"c{found[0].pk}": "99", f"c{found[1].pk}": "x", f"c{found[1].pk}_comment": "<i>"},
                                 sheet=sheet, criteria=found)
        assert not invalid.is_valid()
        html = FIELDSETS.render(Context({"form": invalid}))
        assert html == LOOP.render(Context({"form": invalid}))
    assert html.count("invalid-feedback") == 2
