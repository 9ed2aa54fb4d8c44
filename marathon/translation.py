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
