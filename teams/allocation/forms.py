from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SupervisorChoice


class RankingForm(forms.Form):
    """K ordered slots: slot 1 is the favourite. Empty slots are skipped."""

    def __init__(self, *args, teams, max_choices: int, **kwargs):
        super().__init__(*args, **kwargs)
        options = [("", _("— no project —"))] + [(str(pk), name) for pk, name in teams]
        self.slots = []
        for rank in range(1, max_choices + 1):
            self.fields[f"team_{rank}"] = forms.ChoiceField(
                label=_("Choice %(rank)d") % {"rank": rank}, choices=options, required=False)
            self.fields[f"motivation_{rank}"] = forms.CharField(
                label=_("Why this project? (optional)"), max_length=500, required=False)
            self.slots.append((self[f"team_{rank}"], self[f"motivation_{rank}"]))
        self.max_choices = max_choices

    def choices(self) -> list[dict]:
        return [{"team": int(self.cleaned_data[f"team_{rank}"]),
                 "motivation": self.cleaned_data[f"motivation_{rank}"]}
                for rank in range(1, self.max_choices + 1) if self.cleaned_data.get(f"team_{rank}")]


class RunForm(forms.Form):
    weights = forms.CharField(label=_("Rank weights"), help_text=_("Comma-separated, e.g. 100, 60, 40, 25, 10."))
    lexicographic = forms.BooleanField(label=_("Place as many students as possible first"), required=False)
    max_per_university = forms.IntegerField(label=_("At most this many students of one university per team"),
                                            min_value=1, required=False)
    time_limit = forms.IntegerField(label=_("Solver time limit (seconds)"), min_value=1, max_value=600)

    def clean_weights(self):
        try:
            return [int(part) for part in self.cleaned_data["weights"].replace(";", ",").split(",") if part.strip()]
        except ValueError:
            raise forms.ValidationError(_("Give whole numbers separated by commas.")) from None

    def options(self) -> dict:
        data = self.cleaned_data
        return {"weights": data["weights"], "lexicographic": data["lexicographic"],
                "max_per_university": data["max_per_university"], "time_limit": data["time_limit"]}


class DecisionForm(forms.Form):
    student = forms.IntegerField(widget=forms.HiddenInput)
    team = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(choices=SupervisorChoice.choices)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)
