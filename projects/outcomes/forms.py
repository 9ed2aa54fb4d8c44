from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from marathon.models import University, User

from .models import GrantProgramme, GrantStatus, PublicationType, normalize_doi, validate_doi


def project_people(project):
    """The project's supervisors and team members: who may be picked as author or presenter."""
    return User.objects.filter(
        Q(pk=project.proposer_id) | Q(co_supervised_projects=project)
        | Q(memberships__team__project=project)
    ).select_related("university").distinct().order_by("full_name")


class BootstrapMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


def country_choices():
    return [("", "---------"), *countries]


class DateInput(forms.DateInput):
    """A browser date picker: its value is always ISO, whatever the page's language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class YearFilterMixin(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    project = forms.IntegerField(label=_("Project id"), required=False, min_value=1,
                                 widget=forms.HiddenInput)


class PublicationForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    venue = forms.CharField(label=_("Venue"), max_length=300,
                            help_text=_("Journal, proceedings or book."))
    type = forms.ChoiceField(label=_("Type"), choices=PublicationType.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    doi = forms.CharField(label=_("DOI"), max_length=255, required=False,
                          help_text=_("For example 10.1000/xyz123 or https://doi.org/10.1000/xyz123."))

    def clean_doi(self):
        doi = self.cleaned_data["doi"]
        validate_doi(doi)
        return normalize_doi(doi)


class AuthorForm(BootstrapMixin, forms.Form):
    """One author row: either a portal user, or an external name with affiliation and country."""

    user = forms.ModelChoiceField(label=_("Portal user"), queryset=User.objects.none(), required=False)
    name = forms.CharField(label=_("External author"), max_length=200, required=False)
    university = forms.ModelChoiceField(label=_("University"), queryset=University.objects.all(),
                                        required=False)
    affiliation = forms.CharField(label=_("Affiliation"), max_length=300, required=False)
    country = forms.ChoiceField(label=_("Country"), choices=country_choices, required=False)

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["user"].queryset = people

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("user") and cleaned.get("name"):
            raise forms.ValidationError(_("Choose a portal user or enter an external name, not both."))
        if cleaned.get("name") and not (cleaned.get("university") or cleaned.get("affiliation")):
            self.add_error("affiliation", _("An external author needs an affiliation."))
        if cleaned.get("name") and not (cleaned.get("university") or cleaned.get("country")):
            self.add_error("country", _("An external author needs a country."))
        return cleaned

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not data.get("user") and not data.get("name")


class BaseAuthorFormSet(forms.BaseFormSet):
    def __init__(self, *args, people=None, **kwargs):
        self.people = people
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "people": self.people}

    def clean(self):
        if any(self.errors):
            return
        if all(form.is_blank for form in self.forms):
            raise forms.ValidationError(_("A publication needs at least one author."))

    def authors(self) -> list[dict]:
        return [form.cleaned_data for form in self.forms if not form.is_blank]


AuthorFormSet = forms.formset_factory(AuthorForm, formset=BaseAuthorFormSet, extra=6, max_num=30,
                                      validate_max=True)


class GrantApplicationForm(BootstrapMixin, forms.Form):
    programme = forms.ChoiceField(label=_("Programme"), choices=GrantProgramme.choices)
    funder = forms.CharField(label=_("Funder or call"), max_length=200, required=False)
    title = forms.CharField(label=_("Title"), max_length=300)
    applicants = forms.ModelMultipleChoiceField(
        label=_("Applicant universities"), queryset=University.objects.all(),
        widget=forms.CheckboxSelectMultiple)
    submitted_on = forms.DateField(label=_("Submission date"), widget=DateInput)
    amount = forms.DecimalField(label=_("Requested amount"), min_value=0, max_digits=12,
                                decimal_places=2)
    currency = forms.RegexField(label=_("Currency"), regex=r"^[A-Za-z]{3}$", initial="EUR",
                                help_text=_("ISO 4217 code, e.g. EUR."))
    status = forms.ChoiceField(label=_("Status"), choices=GrantStatus.choices)

    def clean_currency(self):
        return self.cleaned_data["currency"].upper()


class ConferenceForm(BootstrapMixin, forms.Form):
    conference = forms.CharField(label=_("Conference"), max_length=300)
    city = forms.CharField(label=_("City"), max_length=100)
    country = forms.ChoiceField(label=_("Country"), choices=country_choices)
    start_date = forms.DateField(label=_("First day"), widget=DateInput)
    end_date = forms.DateField(label=_("Last day"), widget=DateInput)
    contribution_title = forms.CharField(label=_("Contribution title"), max_length=300)
    presenters = forms.ModelMultipleChoiceField(label=_("Presenters"), queryset=User.objects.none(),
                                                required=False, widget=forms.CheckboxSelectMultiple)
    other_presenters = forms.CharField(label=_("Other presenters"), max_length=300, required=False,
                                       help_text=_("Names of presenters without a portal account."))
    is_international = forms.BooleanField(label=_("International conference"), required=False,
                                          initial=True)

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["presenters"].queryset = people

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The last day cannot be before the first day."))
        return cleaned


class PublicationFilterForm(BootstrapMixin, YearFilterMixin):
    joint = forms.TypedChoiceField(
        label=_("Joint"), required=False, empty_value=None,
        coerce=lambda value: value == "yes",
        choices=[("", _("All")), ("yes", _("Joint only")), ("no", _("Single-university only"))])


class GrantFilterForm(BootstrapMixin, YearFilterMixin):
    pass


class ConferenceFilterForm(BootstrapMixin, YearFilterMixin):
    international = forms.TypedChoiceField(
        label=_("International"), required=False, empty_value=None,
        coerce=lambda value: value == "yes",
        choices=[("", _("All")), ("yes", _("International only")), ("no", _("Other only"))])
