from django import forms
from django.utils.translation import gettext_lazy as _

from marathon.models import User
from projects.models import MembershipRole


class JoinRequestForm(forms.Form):
    motivation = forms.CharField(
        label=_("Motivation"), max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
        help_text=_("Why this project, and what you bring (skills, languages, interests)."),
    )


class InviteForm(forms.Form):
    user = forms.ModelChoiceField(queryset=User.objects.filter(status__in=User.STUDENT_STATUSES),
                                  widget=forms.HiddenInput)
    message = forms.CharField(label=_("Message"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))


class AddMemberForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"),
                             widget=forms.EmailInput(attrs={"class": "form-control"}))
    role = forms.ChoiceField(label=_("Role"), choices=MembershipRole.choices,
                             widget=forms.Select(attrs={"class": "form-select"}))

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        user = User.objects.filter(email=email).first()
        if user is None:
            raise forms.ValidationError(_("No user has this e-mail address."))
        self.cleaned_data["user"] = user
        return email
