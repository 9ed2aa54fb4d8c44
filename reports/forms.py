from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ExportFormat
from .statistics import MAX_YEAR, MIN_YEAR


class YearRangeForm(forms.Form):
    """`from` and `to` are Python keywords, so the fields are added by name."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in (("from", _("From")), ("to", _("To"))):
            self.fields[name] = forms.IntegerField(
                label=label, min_value=MIN_YEAR, max_value=MAX_YEAR,
                widget=forms.NumberInput(attrs={"class": "form-control"}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("from") and cleaned.get("to") and cleaned["from"] > cleaned["to"]:
            raise forms.ValidationError(_("The first year must not be after the last year."))
        return cleaned


class ExportForm(YearRangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["format"] = forms.ChoiceField(
            label=_("Format"), choices=ExportFormat.choices,
            widget=forms.Select(attrs={"class": "form-select"}))
