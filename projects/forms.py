from django import forms
from django.utils.translation import gettext_lazy as _

from marathon.models import Edition

from .models import AttachmentKind, DegreeLevel, Project
from .selectors import co_supervisor_candidates


class ProjectForm(forms.ModelForm):
    # Rendered as a search picker (templates/projects/_co_supervisor_picker.html), not a select
    # of every account: the page never lists all people.
    co_supervisors = forms.ModelMultipleChoiceField(
        label=_("Co-supervisors"), required=False, queryset=co_supervisor_candidates(),
        help_text=_("Professors or researchers of any partner university: search by name, e-mail or "
                    "university and tick them."),
        widget=forms.CheckboxSelectMultiple)
    wanted_degree_levels = forms.MultipleChoiceField(
        label=_("Wanted degree levels"), required=False, choices=DegreeLevel.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}))

    class Meta:
        model = Project
        fields = ["edition", "area", "title", "summary", "description", "keywords", "customer",
                  "co_supervisors", "team_size_min", "team_size_max", "wanted_degree_levels",
                  "wanted_skills"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 2}),
                   "description": forms.Textarea(attrs={"rows": 10})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["co_supervisors"].queryset = self.fields["co_supervisors"].queryset.exclude(
            pk=getattr(user, "pk", None))
        self.fields["co_supervisors"].label_from_instance = person_label
        if not self.instance.pk:
            edition = Edition.objects.current()
            if edition:
                self.initial.setdefault("edition", edition.pk)
                self.initial.setdefault("team_size_min", edition.team_size_min)
                self.initial.setdefault("team_size_max", edition.team_size_max)
        for name, field in self.fields.items():
            if name not in ("wanted_degree_levels", "co_supervisors"):
                css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                field.widget.attrs.setdefault("class", css)

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


def chosen_co_supervisors(form) -> list:
    """The people ticked in the picker: the submitted ids, else the project's current ones."""
    field = form["co_supervisors"]
    values = [getattr(v, "pk", v) for v in (field.value() or [])]
    ids = [int(v) for v in values if str(v).isdigit()]
    if not ids:
        return []
    return list(co_supervisor_candidates().filter(pk__in=ids))


def person_label(user):
    return f"{user.full_name} ({user.university.short_name})" if user.university else user.full_name


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason for rejection"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AttachmentKind.choices,
                             widget=forms.Select(attrs={"class": "form-select"}))
    file = forms.FileField(label=_("File"), widget=forms.ClearableFileInput(
        attrs={"class": "form-control", "accept": ".pdf,.docx,.pptx,.odt,.odp,.png,.jpg"}))
