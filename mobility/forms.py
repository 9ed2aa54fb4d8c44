from django import forms
from django.utils.translation import gettext_lazy as _

from marathon.models import University
from projects.models import Team

from .models import DocumentKind, Mobility, MobilityKind


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MobilityForm(forms.ModelForm):
    """The application; the live estimate re-renders on every change (htmx, see the template)."""

    class Meta:
        model = Mobility
        fields = ["kind", "home_university", "host_university", "team", "purpose",
                  "planned_start", "planned_end", "funding_source", "erasmus_action",
                  "erasmus_call_year", "grant_reference", "green_travel", "teaching_hours"]
        widgets = {"planned_start": DateInput(), "planned_end": DateInput(),
                   "purpose": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        teams = Team.objects.filter(memberships__user=user).select_related("edition").distinct()
        self.fields["team"].queryset = teams
        self.fields["team"].help_text = _("Optional: the marathon team this mobility serves.")
        if not self.instance.pk:
            if user.university_id:
                self.initial.setdefault("home_university", user.university_id)
            latest_team = teams.order_by("-edition__year", "-pk").first()
            if latest_team:
                self.initial.setdefault("team", latest_team.pk)
        if user.is_student:
            # Teaching hours belong to staff teaching mobilities; students never see the field.
            del self.fields["teaching_hours"]
        self.fields["kind"].choices = [
            (value, label) for value, label in MobilityKind.choices
            if (value.startswith("student")) == user.is_student
        ] if user.status else MobilityKind.choices
        for field in self.fields.values():
            css = "form-check-input" if isinstance(field.widget, forms.CheckboxInput) else (
                "form-select" if isinstance(field.widget, forms.Select) else "form-control")
            field.widget.attrs.setdefault("class", css)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
                             max_length=2000)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=DocumentKind.choices,
                             widget=forms.Select(attrs={"class": "form-select"}))
    file = forms.FileField(label=_("File"), widget=forms.ClearableFileInput(attrs={"class": "form-control"}))


class EstimateForm(forms.Form):
    """The apply form's fields as the live estimate reads them (all optional: partial input)."""

    home_university = forms.ModelChoiceField(University.objects.all(), required=False)
    host_university = forms.ModelChoiceField(University.objects.all(), required=False)
    kind = forms.ChoiceField(choices=MobilityKind.choices, required=False)
    planned_start = forms.DateField(required=False)
    planned_end = forms.DateField(required=False)
    green_travel = forms.BooleanField(required=False)
    erasmus_call_year = forms.IntegerField(required=False, min_value=2014, max_value=2100)


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput(attrs={"class": "form-control"}))
    end = forms.DateField(label=_("To"), widget=DateInput(attrs={"class": "form-control"}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end"):
            if data["end"] < data["start"]:
                raise forms.ValidationError(_("The end date must not be before the start date."))
            if (data["end"] - data["start"]).days > 731:
                raise forms.ValidationError(_("Choose a period of at most two years."))
        return data
