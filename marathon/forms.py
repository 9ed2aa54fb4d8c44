from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Edition, University, User


class SignupForm(forms.Form):
    """Extra sign-up fields; allauth adds e-mail and password (ACCOUNT_SIGNUP_FORM_CLASS)."""

    full_name = forms.CharField(label=_("Full name"), max_length=200)
    university = forms.ModelChoiceField(
        label=_("University"), queryset=University.objects.all(), required=False,
        empty_label=_("— none (industry or external) —"),
    )
    status = forms.ChoiceField(label=_("I am a"), choices=User.Status.choices)

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if len(name) < 2:
            raise forms.ValidationError(_("Please enter your full name."))
        return name

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if status and status != User.Status.INDUSTRY and not cleaned.get("university"):
            self.add_error("university", _("Students, professors and researchers choose their university."))
        return cleaned

    def signup(self, request, user):
        user.full_name = self.cleaned_data["full_name"]
        user.university = self.cleaned_data["university"]
        user.status = self.cleaned_data["status"]
        if user.university:
            user.country = user.university.country
        user.preferred_language = (getattr(request, "LANGUAGE_CODE", "en") or "en")[:2]
        user.save()


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "university", "country", "status", "orcid", "skills", "languages",
                  "preferred_language"]

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if len(name) < 2:
            raise forms.ValidationError(_("Please enter your full name."))
        return name


class EditionDatesForm(forms.Form):
    """The eight phase dates of an edition; their order is the service's rule."""

    def __init__(self, *args, edition, **kwargs):
        from .services import EDITION_DATES

        super().__init__(*args, initial={name: getattr(edition, name) for name in EDITION_DATES}, **kwargs)
        for name in EDITION_DATES:
            self.fields[name] = forms.DateField(
                label=Edition._meta.get_field(name).verbose_name.capitalize(),
                widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "class": "form-control"}))
