import functools

from django import forms
from django.template.defaultfilters import floatformat
from django.utils import translation
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from marathon.models import Organisation, User
from projects.models import Project

from .models import Commission, CommissionMember, Criterion, ExpertGroup, RankingMethod, ScoreSheet

# One level of a criterion's radio group (a toggle button); format_html escapes every value.
_RADIO = ("\n            <input type=\"radio\" class=\"btn-check\" name=\"{0}\" id=\"{1}\" value=\"{2}\" "
          "autocomplete=\"off\"{3}>\n            <label class=\"btn btn-outline-primary\" for=\"{1}\" "
          "title=\"{4}\">{2}<span class=\"d-block small\">{4}</span></label>\n          ")
# One criterion's fieldset of the editable page, as `evaluation/sheet_detail.html`'s loop wrote it
# (each iteration's surrounding whitespace included); `head` from `_criterion_head`.
_FIELDSET = ("\n    <fieldset class=\"card mb-3 criterion\" id=\"criterion-{head}\n        {errors}\n"
             "        <label class=\"form-label small\" for=\"{comment_id}\">{comment_label}</label>\n"
             "        {comment}\n      </div>\n    </fieldset>\n  ")
_HEAD = ("{0}\">\n      <div class=\"card-body\">\n        <legend class=\"h6 mb-1\">{1}{2}\n"
         "          <small class=\"text-muted\">{3}</small></legend>\n        {4}\n"
         "        <div class=\"score-choice d-flex flex-wrap gap-1 mb-2\" role=\"radiogroup\" aria-label=\"{1}\">\n"
         "          {5}\n        </div>")
_REQUIRED = (" <span class=\"text-danger\" aria-hidden=\"true\">*</span>"
             "<span class=\"visually-hidden\">{}</span>")
_ERROR = "<div class=\"invalid-feedback d-block\">{}</div>"
# A textarea as Django's widget writes it (attribute order included), formerly `_textarea.html`.
_TEXTAREA = ("<textarea name=\"{name}\" cols=\"{cols}\" rows=\"{rows}\" class=\"form-control\" "
             "maxlength=\"{maxlength}\"{invalid}{described} id=\"{id}\">\n{value}</textarea>")


class ScoreSheetForm(forms.Form):
    """One radio group and one comment per criterion, then feedback and the confidential note.
    Every field is optional here: drafts may be incomplete, the submit service checks the rest."""

    feedback = forms.CharField(label=_("Feedback for the team"), required=False, max_length=10000,
                               widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
                               help_text=_("The team sees this text after publishing, without your name."))
    confidential_note = forms.CharField(
        label=_("Confidential note for the commission"), required=False, max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=_("Only you and the chair see this note."))

    def __init__(self, *args, sheet: ScoreSheet, criteria: list[Criterion], **kwargs):
        """`criteria` from `selectors.criteria_with_scores` carry the sheet's values (the initial
        values of the page); a bound form (autosave, submit) needs only the criteria."""
        self.criteria = criteria
        initial = {"feedback": sheet.feedback, "confidential_note": sheet.confidential_note}
        for criterion in criteria:
            initial[f"c{criterion.pk}"] = getattr(criterion, "current_value", None)
            initial[f"c{criterion.pk}_comment"] = getattr(criterion, "current_comment", None) or ""
        super().__init__(*args, initial=initial, **kwargs)
        for criterion in criteria:
            self.fields[f"c{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.name, required=False, coerce=int, empty_value=None,
                choices=[(v, label) for v, label in criterion.levels()], widget=forms.RadioSelect)
            self.fields[f"c{criterion.pk}_comment"] = forms.CharField(
                label=_("Comment"), required=False, max_length=5000,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))

    def rows(self) -> list[dict]:
        """What the template writes out for each criterion: its radio options (id, value, label,
        checked), errors, and the comment's name, id, label and value; `fieldset`, the whole
        fieldset of the editable page. The page spells out the inputs itself: rendering the radio
        and textarea widgets through the form renderer cost more than the rest of the page
        together, and the fieldset's template nodes (~0.2 ms a criterion) more than this."""
        rows = []
        language = translation.get_language()
        for criterion in self.criteria:
            name = f"c{criterion.pk}"
            field, comment = self[name], self[f"{name}_comment"]
            value = field.value()
            chosen = "" if value is None else str(value)
            levels = tuple(criterion.levels())
            row = {"criterion": criterion, "name": name, "value": value, "errors": field.errors,
                   "radios": _radio_group(name, levels, chosen),
                   "weight": _weight_label(language, criterion.weight),
                   "comment": self._textarea(comment)}
            head = _criterion_head(language, criterion.pk, criterion.name, criterion.required, criterion.guidance,
                                   row["weight"], row["radios"])
            row["fieldset"] = format_html(
                _FIELDSET, head=head, comment=row["comment"]["html"], comment_id=row["comment"]["id"],
                comment_label=row["comment"]["label"],
                errors=format_html_join("", _ERROR, ((error,) for error in row["errors"])))
            rows.append(row)
        return rows

    def textareas(self) -> dict:
        return {name: self._textarea(self[name]) for name in ("feedback", "confidential_note")}

    @staticmethod
    def _textarea(bound) -> dict:
        """A textarea's attributes as Django's widget writes them (same order)."""
        widget = bound.field.widget
        area = {"name": bound.html_name, "id": bound.auto_id, "label": bound.label, "value": bound.value() or "",
                "cols": widget.attrs.get("cols"), "rows": widget.attrs.get("rows"),
                "maxlength": bound.field.max_length, "invalid": bool(bound.errors),
                "help_text": bound.help_text, "help_id": f"{bound.auto_id}_helptext" if bound.help_text else ""}
        # Written here rather than by an `{% include %}` per textarea (seven on a five-criteria sheet).
        area["html"] = format_html(
            _TEXTAREA, invalid=mark_safe(' aria-invalid="true"' if area["invalid"] else ""),
            described=format_html(' aria-describedby="{}"', area["help_id"]) if area["help_id"] else "",
            **{key: area[key] for key in ("name", "cols", "rows", "maxlength", "id", "value")})
        return area

    def scores(self) -> list[dict]:
        data = self.cleaned_data
        return [{"criterion": c.pk, "value": data[f"c{c.pk}"], "comment": data[f"c{c.pk}_comment"]}
                for c in self.criteria if data.get(f"c{c.pk}") is not None]


# Both below are functions of their arguments alone (and `language` the active one), written again
# and again with the same criteria: kept per process rather than formatted on every page.
@functools.lru_cache(maxsize=1024)
def _radio_group(name: str, levels: tuple[tuple[int, str], ...], chosen: str) -> str:
    """A criterion's radio group, `chosen` the checked level ("" for none)."""
    return format_html_join("", _RADIO, (
        (name, f"id_{name}_{i}", level, mark_safe(" checked" if str(level) == chosen else ""), label)
        for i, (level, label) in enumerate(levels)))


@functools.lru_cache(maxsize=1024)
def _criterion_head(language: str, pk: int, name: str, required: bool, guidance: str, weight: str,
                    radios: str) -> str:
    """A criterion's fieldset from its id to the radio group (`_FIELDSET`'s `head`): the same for
    every sheet of the edition with this criterion's level chosen."""
    return format_html(_HEAD, pk, name, format_html(_REQUIRED, gettext("required")) if required else "",
                       weight, format_html('<p class="form-text mt-0">{}</p>', guidance) if guidance else "",
                       radios)


@functools.lru_cache(maxsize=256)
def _weight_label(language: str, weight) -> str:
    """"weight 1.5" as `{% blocktranslate with weight=…|floatformat:"-2" %}` wrote it (same msgid,
    the translation not escaped, the number escaped), once per criterion without a template node."""
    return mark_safe(gettext("weight %(weight)s") % {"weight": conditional_escape(floatformat(weight, "-2"))})  # noqa: S308


class AssignForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Expert"), queryset=CommissionMember.objects.none(),
                                    widget=forms.Select(attrs={"class": "form-select"}))
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none(),
                                     widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, commission: Commission, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = commission.members.select_related("user")
        self.fields["project"].queryset = projects


class AutoAssignForm(forms.Form):
    per_project = forms.IntegerField(label=_("Experts per project"), min_value=2, max_value=20, initial=3,
                                     widget=forms.NumberInput(attrs={"class": "form-control"}))


class ConflictForm(forms.Form):
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none(),
                                     widget=forms.Select(attrs={"class": "form-select"}))
    reason = forms.CharField(label=_("Reason"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects


class ResultSubmissionForm(forms.Form):
    summary = forms.CharField(label=_("Summary of results"), max_length=10000,
                              widget=forms.Textarea(attrs={"rows": 6, "class": "form-control"}))
    final_report = forms.FileField(label=_("Final report (PDF or office document)"), required=False,
                                   widget=forms.ClearableFileInput(attrs={"class": "form-control"}))
    presentation = forms.FileField(label=_("Presentation (PDF or office document)"), required=False,
                                   widget=forms.ClearableFileInput(attrs={"class": "form-control"}))


class MemberForm(forms.Form):
    """Seat a person (found by e-mail) on the commission, or change their seat."""

    email = forms.EmailField(label=_("E-mail of the person"),
                             widget=forms.EmailInput(attrs={"class": "form-control"}))
    group = forms.ChoiceField(label=_("Group"), choices=ExpertGroup.choices,
                              widget=forms.Select(attrs={"class": "form-select"}))
    organisation = forms.ModelChoiceField(
        label=_("Organisation represented"), queryset=Organisation.objects.order_by("name"), required=False,
        widget=forms.Select(attrs={"class": "form-select"}))
    is_chair = forms.BooleanField(label=_("Chair"), required=False)

    def clean_email(self):
        user = User.objects.filter(email__iexact=self.cleaned_data["email"]).first()
        if user is None:
            raise forms.ValidationError(_("Nobody with this e-mail has an account on the portal."))
        self.cleaned_data["user"] = user
        return user.email


class CriterionForm(forms.ModelForm):
    """A criterion of the edition; level labels one per line, from the lowest level up."""

    labels = forms.CharField(
        label=_("Level labels"), required=False,
        widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}),
        help_text=_("One label per line, from the lowest to the highest value; leave empty for plain numbers."))

    class Meta:
        model = Criterion
        fields = ["name", "guidance", "weight", "scale_min", "scale_max", "required", "position"]
        widgets = {
            "name": forms.TextInput(attrs={"class": "form-control"}),
            "guidance": forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
            "weight": forms.NumberInput(attrs={"class": "form-control", "step": "0.1"}),
            "scale_min": forms.NumberInput(attrs={"class": "form-control"}),
            "scale_max": forms.NumberInput(attrs={"class": "form-control"}),
            "position": forms.NumberInput(attrs={"class": "form-control"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["labels"].initial = "\n".join(self.instance.level_labels or [])

    def values(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["level_labels"] = [line.strip() for line in self.cleaned_data["labels"].splitlines() if line.strip()]
        return data

    def _post_clean(self):
        pass  # the service validates the model (it knows the edition and the rules)


class PublishForm(forms.Form):
    """Publishing; the confirmation and its reason matter only when something is missing
    (the service decides)."""

    confirm_missing = forms.BooleanField(
        label=_("Publish although sheets or team results are missing"), required=False)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
                             help_text=_("Recorded in the audit log with what was missing."))


class RankingMethodForm(forms.Form):
    method = forms.ChoiceField(label=_("Official ranking method"), choices=RankingMethod.choices,
                               widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
