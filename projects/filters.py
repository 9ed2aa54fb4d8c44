"""The catalogue's filters, shared by the page and the API (`?edition=&area=&university=...`)."""

from functools import partial

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from marathon.models import Edition, Organisation, ScientificArea, University

from . import catalogue_choices, selectors
from .models import Project, ProjectStatus
from .permissions import PUBLIC_STATUSES


class ReferenceChoiceField(django_filters.fields.ModelChoiceField):
    """A model choice checked against the cached reference list (`catalogue_choices`) instead
    of a query per filter: its cleaned value is the primary key, not the row (a filter on the
    foreign key needs no more). `options` is set per form by `ProjectFilter`. Parsing and
    errors are the model field's: the key is read with `int()` as the pk lookup did, and a null
    character, a non-number and an unknown id get the same messages as before."""

    options = None

    def to_python(self, value):
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        try:
            key = str(int(value))
        except (ValueError, TypeError):
            key = None
        if key is None or key not in {pk for pk, _label in self.options()}:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                  params={"value": value})
        return int(key)


class ReferenceChoiceFilter(django_filters.ModelChoiceFilter):
    """`ModelChoiceFilter` (same OpenAPI schema) validated by `ReferenceChoiceField`."""

    field_class = ReferenceChoiceField


class ProjectFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(label=_("Search"), method="filter_search",
                                       max_length=200)
    edition = ReferenceChoiceFilter(label=_("Edition"), queryset=Edition.objects.all(), empty_label=_("Any"))
    area = ReferenceChoiceFilter(label=_("Scientific area"), queryset=ScientificArea.objects.all(),
                                 empty_label=_("Any"))
    university = extend_schema_field(OpenApiTypes.INT)(ReferenceChoiceFilter(
        label=_("University"), queryset=University.objects.all(), method="filter_university",
        empty_label=_("Any")))
    customer = ReferenceChoiceFilter(label=_("Industry customer"), queryset=Organisation.objects.all(),
                                     empty_label=_("Any"))
    # A plain schema (not a named enum component): "status" enums of several apps would collide.
    status = extend_schema_field({"type": "string", "enum": ProjectStatus.values})(
        django_filters.ChoiceFilter(label=_("Status"), choices=ProjectStatus.choices,
                                    empty_label=_("Published")))
    has_free_places = django_filters.BooleanFilter(label=_("Has free places"),
                                                   method="filter_free_places",
                                                   widget=forms.CheckboxInput)

    class Meta:
        model = Project
        fields = ["search", "edition", "area", "university", "customer", "status",
                  "has_free_places"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The reference lists come from the cache, validate a chosen value and are rendered
        # without per-option templates (`catalogue_choices`).
        options = _lazy_options()
        for name, field in self.form.fields.items():
            if name in catalogue_choices.MODELS:
                field.options = partial(options, name)
                field.widget = catalogue_choices.OptionsSelect(
                    attrs=field.widget.attrs, options=field.options, empty_label=field.empty_label)
            elif name == "status":
                field.widget = catalogue_choices.OptionsSelect(attrs=field.widget.attrs)
                field.widget.choices = field.choices
            if name != "has_free_places":
                css = "form-select form-select-sm" if isinstance(field.widget, forms.Select) \
                    else "form-control form-control-sm"
                field.widget.attrs["class"] = css
            if name != "search":
                field.widget.attrs["data-autosubmit"] = ""  # static/js/site.js; htmx swaps results

    def get_form_class(self):
        """Built once per class: django-filter builds a new form class (and each filter's form
        field) on every request, ~0.7 ms of a catalogue API request. The fields are the same on
        every request; what varies (widgets, the offered statuses) is set on the form instance's
        own copies, in `__init__` and `offer_statuses_visible_to`."""
        cls = type(self)
        if cls.__dict__.get("_form_class") is None:
            cls._form_class = super().get_form_class()
        return cls._form_class

    def offer_statuses_visible_to(self, user) -> None:
        """The page offers only statuses whose projects `user` can see: students and guests
        never get Draft/Submitted/Rejected (they would only ever find nothing)."""
        if getattr(user, "is_authenticated", False) and (user.is_staff or user.is_supervisor):
            return
        field = self.form.fields["status"]
        field.choices = [(value, label) for value, label in field.choices if value in PUBLIC_STATUSES]
        field.widget.choices = field.choices

    def filter_search(self, queryset, name, value):
        return selectors.search_projects(queryset, value)

    def filter_university(self, queryset, name, value):
        return selectors.filter_university(queryset, value) if value else queryset

    def filter_free_places(self, queryset, name, value):
        # Only "yes" filters; an unticked box means "any".
        return selectors.filter_has_free_places(queryset) if value else queryset


def _lazy_options():
    """Loads the cached reference lists on first use (a chosen value to check, the form
    rendered), once per request."""
    loaded = {}

    def options(name):
        if not loaded:
            loaded.update(catalogue_choices.reference_options())
        return loaded[name]

    return options
