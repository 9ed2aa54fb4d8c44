from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import measurements
from .models import EntryKind, Milestone, MilestoneKind, MilestoneStatus

TEXT = {"class": "form-control"}
DATE = {"class": "form-control", "type": "date"}


def _area(rows=3):
    return forms.Textarea(attrs={"rows": rows, "class": "form-control"})


class MilestoneForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MilestoneKind.choices,
                             widget=forms.Select(attrs={"class": "form-select"}))
    title = forms.CharField(label=_("Title"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    description = forms.CharField(label=_("Description"), required=False, widget=_area())
    owners = forms.ModelMultipleChoiceField(label=_("Owners"), queryset=None, required=False,
                                            widget=forms.SelectMultiple(attrs={"class": "form-select"}))
    start_date = forms.DateField(label=_("Start"), required=False, widget=forms.DateInput(attrs=DATE))
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs=DATE))
    status = forms.ChoiceField(label=_("Status"), choices=MilestoneStatus.choices, initial=MilestoneStatus.PLANNED,
                               widget=forms.Select(attrs={"class": "form-select"}))
    evidence_url = forms.URLField(label=_("Evidence link"), required=False, assume_scheme="https",
                                   widget=forms.URLInput(attrs=TEXT))
    evidence_file = forms.FileField(label=_("Evidence file (PDF, PNG, JPEG)"), required=False,
                                    widget=forms.ClearableFileInput(attrs={"class": "form-control"}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owners"].queryset = members

    def clean(self):
        data = super().clean()
        if data.get("start_date") and data.get("due_date") and data["start_date"] > data["due_date"]:
            self.add_error("start_date", _("The start must not be after the due date."))
        return data

    @staticmethod
    def initial_for(milestone: Milestone) -> dict:
        return {"kind": milestone.kind, "title": milestone.title, "description": milestone.description,
                "owners": list(milestone.owners.all()), "start_date": milestone.start_date,
                "due_date": milestone.due_date, "status": milestone.status, "evidence_url": milestone.evidence_url,
                "version": milestone.version}


class JournalEntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EntryKind.choices,
                             widget=forms.Select(attrs={"class": "form-select"}))
    title = forms.CharField(label=_("Title"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    aim = forms.CharField(label=_("Aim or hypothesis"), required=False, widget=_area(2))
    method = forms.CharField(label=_("Method"), required=False, widget=_area())
    samples = forms.CharField(
        label=_("Samples or specimens"), required=False, widget=_area(2),
        help_text=_("One per line: identifier | material | preparation."))
    results = forms.CharField(label=_("Results"), required=False, widget=_area())
    measurements_text = forms.CharField(
        label=_("Measurements table"), required=False, widget=_area(5),
        help_text=_("CSV: the first row names the columns; the first column labels each row, the other cells "
                    "are numbers. Or upload a CSV or XLSX file below."))
    measurements_file = forms.FileField(label=_("Measurements file (CSV or XLSX)"), required=False,
                                        widget=forms.ClearableFileInput(attrs={"class": "form-control"}))
    conclusion = forms.CharField(label=_("Conclusion"), required=False, widget=_area(2))
    milestones = forms.ModelMultipleChoiceField(label=_("Milestones"), queryset=None, required=False,
                                                widget=forms.SelectMultiple(attrs={"class": "form-select"}))
    coauthors = forms.ModelMultipleChoiceField(label=_("Co-authors"), queryset=None, required=False,
                                               widget=forms.SelectMultiple(attrs={"class": "form-select"}))
    key_result = forms.BooleanField(label=_("Key result (shown to the commission)"), required=False,
                                    widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    files = forms.FileField(label=_("Attach a file (image, PDF or data)"), required=False,
                            widget=forms.ClearableFileInput(attrs={"class": "form-control"}))

    def __init__(self, *args, milestones=None, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestones"].queryset = milestones
        self.fields["coauthors"].queryset = people

    def clean_samples(self):
        samples = []
        for number, line in enumerate(self.cleaned_data["samples"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            if len(parts) > 3 or not parts[0]:
                raise ValidationError(_("Line %(line)d: write identifier | material | preparation.")
                                      % {"line": number})
            parts += [""] * (3 - len(parts))
            samples.append({"identifier": parts[0], "material": parts[1], "preparation": parts[2]})
        return samples

    def clean(self):
        data = super().clean()
        try:
            if data.get("measurements_file"):
                data["measurements"] = measurements.parse_upload(data["measurements_file"])
            else:
                data["measurements"] = measurements.parse_text(data.get("measurements_text", ""))
        except ValidationError as exc:
            field = "measurements_file" if data.get("measurements_file") else "measurements_text"
            for message in exc.message_dict["measurements"]:
                self.add_error(field, message)
        return data

    def entry_data(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("kind", "title", "aim", "method", "samples", "results",
                                                  "measurements", "conclusion", "key_result")}

    @staticmethod
    def initial_for(entry) -> dict:
        return {"kind": entry.kind, "title": entry.title, "aim": entry.aim, "method": entry.method,
                "samples": "\n".join(" | ".join([s.get("identifier", ""), s.get("material", ""),
                                                 s.get("preparation", "")]).rstrip(" |") for s in entry.samples),
                "results": entry.results, "measurements_text": measurements.as_csv(entry.measurements),
                "conclusion": entry.conclusion, "key_result": entry.key_result,
                "milestones": list(entry.milestones.all()), "coauthors": list(entry.coauthors.all())}


class ReportForm(forms.Form):
    done = forms.CharField(label=_("Done in this period"), widget=_area(6))
    next_steps = forms.CharField(label=_("Next steps"), required=False, widget=_area(4))
    risks = forms.CharField(label=_("Risks and problems"), required=False, widget=_area(3))


class ReviewForm(forms.Form):
    comment = forms.CharField(label=_("Comment for the team"), required=False, widget=_area(3))


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), max_length=5000, widget=_area(2),
                           help_text=_("Mention someone with @ and the first part of their e-mail address."))


class SettingsForm(forms.Form):
    digest_opt_out = forms.BooleanField(label=_("Do not send me the daily workspace digest"), required=False,
                                        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
