"""Reference data read in the reader's language (django-modeltranslation): `name_de`, `name_es`,
`name_ru` beside the English `name_en`; a missing translation falls back to English."""

from modeltranslation.translator import TranslationOptions, register

from .models import Edition, ScientificArea


@register(ScientificArea)
class ScientificAreaTranslationOptions(TranslationOptions):
    fields = ("name", "description")


@register(Edition)
class EditionTranslationOptions(TranslationOptions):
    fields = ("title",)


def _values_with_only_expressions_select_only_them():
    """modeltranslation's `values(**expressions)` without field names selects every field plus
    the expressions (it emulates a bare `values()`), so `values(_k=Value(1)).annotate(...)` groups
    by the primary key instead of aggregating the whole set — the idiom of one-row subqueries
    (evaluation's results fingerprint). Django selects only the expressions: restore that."""
    from modeltranslation.manager import MultilingualQuerySet

    translated_values = MultilingualQuerySet.values

    def values(self, *fields, **expressions):
        if expressions and not fields:
            return super(MultilingualQuerySet, self).values(**expressions)
        return translated_values(self, *fields, **expressions)

    MultilingualQuerySet.values = values


_values_with_only_expressions_select_only_them()
