import functools

from django import forms
from django.utils.translation import gettext_lazy as _

from marathon.models import Edition, Organisation, ScientificArea
from projects import catalogue_choices
from projects.models import DegreeLevel

from .models import Confidentiality, Implementation, Internship, ResearchTask


class StyledMixin:
    def style(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            else:
                widget.attrs.setdefault("class", "form-select" if isinstance(widget, forms.Select) else "form-control")


class OrganisationChoiceMixin:
    def limit_organisations(self, organisations):
        field = self.fields["organisation"]
        field.queryset = organisations
        if organisations.count() == 1:
            field.initial = organisations.first().pk


class TaskForm(StyledMixin, OrganisationChoiceMixin, forms.ModelForm):
    organisation = forms.ModelChoiceField(label=_("Customer"), queryset=Organisation.objects.none())

    class Meta:
        model = ResearchTask
        fields = ["organisation", "title", "problem_statement", "expected_results", "area", "keywords",
                  "resources_offered", "confidentiality", "ip_terms", "contact_name", "contact_email",
                  "desired_edition", "max_adoptions"]
        widgets = {"problem_statement": forms.Textarea(attrs={"rows": 5}),
                   "expected_results": forms.Textarea(attrs={"rows": 3}),
                   "resources_offered": forms.Textarea(attrs={"rows": 2}),
                   "ip_terms": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_organisations(organisations)
        self.style()

    def service_data(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "organisation"}


class TaskFilterForm(StyledMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    area = forms.ModelChoiceField(label=_("Scientific area"), queryset=ScientificArea.objects.all(), required=False)
    edition = forms.ModelChoiceField(label=_("Edition"), queryset=Edition.objects.all(), required=False)
    confidentiality = forms.ChoiceField(label=_("Confidentiality"), required=False,
                                        choices=[("", _("Any"))] + list(Confidentiality.choices))
    organisation = forms.ModelChoiceField(label=_("Customer"), required=False,
                                          queryset=Organisation.objects.filter(research_tasks__isnull=False).distinct())
    open_only = forms.BooleanField(label=_("Can still be adopted"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()
        # The `<select>`s are rendered by string formatting (`OptionsSelect`), areas and editions
        # from the project catalogue's cached lists: Django's per-option templates and the two
        # reference queries were half of the task catalogue's time. The chosen values are still
        # validated against the database by the fields.
        cached = functools.cache(catalogue_choices.reference_options)
        for name in ("area", "edition", "confidentiality", "organisation"):
            field = self.fields[name]
            if name in ("area", "edition"):
                widget = catalogue_choices.OptionsSelect(
                    attrs=field.widget.attrs, options=functools.partial(lambda key: cached()[key], name),
                    empty_label=field.empty_label)
            else:
                widget = catalogue_choices.OptionsSelect(attrs=field.widget.attrs)
                widget.choices = field.widget.choices
            field.widget = widget


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason for rejection"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))


class InternshipForm(StyledMixin, OrganisationChoiceMixin, forms.ModelForm):
    organisation = forms.ModelChoiceField(label=_("Customer"), queryset=Organisation.objects.none())
    degree_levels = forms.MultipleChoiceField(label=_("Degree levels"), required=False, choices=DegreeLevel.choices,
                                              widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Internship
        fields = ["organisation", "title", "description", "host_organisation", "site_name", "city", "country",
                  "latitude", "longitude", "start_date", "end_date", "places", "stipend", "required_skills",
                  "degree_levels", "mode", "deadline"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}),
                   "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_organisations(organisations)
        self.fields["host_organisation"].required = False
        self.style()

    def clean_country(self):
        return self.cleaned_data["country"].strip().upper()

    def service_data(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "organisation"}


class ApplicationForm(StyledMixin, forms.Form):
    motivation = forms.CharField(label=_("Motivation"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    cv = forms.FileField(label=_("CV (PDF, at most 5 MB)"), widget=forms.ClearableFileInput(attrs={"accept": ".pdf"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class FeedbackForm(StyledMixin, forms.Form):
    text = forms.CharField(label=_("Your feedback to the team"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class ImplementationForm(StyledMixin, forms.ModelForm):
    evidence_file = forms.FileField(label=_("Evidence file"), required=False,
                                    help_text=_("PDF, office document or image."))

    class Meta:
        model = Implementation
        fields = ["what", "where", "implemented_on", "evidence_link", "evidence_file", "effect", "effect_figure",
                  "effect_unit"]
        widgets = {"implemented_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "effect": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()

    def service_data(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "evidence_file"}


class InviteForm(StyledMixin, forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.all())
    email = forms.EmailField(label=_("E-mail address"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class ClaimForm(StyledMixin, forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.all())
    note = forms.CharField(label=_("Your role there"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class MobilityLinkForm(StyledMixin, forms.Form):
    mobility = forms.ModelChoiceField(label=_("Mobility application"), queryset=None)

    def __init__(self, *args, mobilities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mobility"].queryset = mobilities
        self.style()
