"""Rate-table names appear on every grant estimate: translated, falling back to English."""

from modeltranslation.translator import TranslationOptions, register

from .models import GrantRateTable


@register(GrantRateTable)
class GrantRateTableTranslationOptions(TranslationOptions):
    fields = ("name", "notes")
