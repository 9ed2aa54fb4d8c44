"""Criteria are read by experts of every partner country: name, guidance and level labels are
translated (django-modeltranslation), falling back to English."""

from modeltranslation.translator import TranslationOptions, register

from .models import Criterion


@register(Criterion)
class CriterionTranslationOptions(TranslationOptions):
    fields = ("name", "guidance", "level_labels")
