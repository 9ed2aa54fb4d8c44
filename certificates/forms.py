from django import forms
from django.utils.translation import gettext_lazy as _

from marathon.models import User

from .models import CertificateSettings


class SettingsForm(forms.ModelForm):
    class Meta:
        model = CertificateSettings
        fields = ["workload_hours", "ects", "result_display", "issuer", "signatories"]


class IssueOneForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=User.objects.none())

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people if people is not None else User.objects.none()


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for revoking"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class PdfCheckForm(forms.Form):
    file = forms.FileField(label=_("Certificate PDF"))
