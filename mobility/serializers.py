from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from marathon.models import University
from projects.models import Project, Team

from .models import DocumentKind, FundingSource, Mobility, MobilityDocument, MobilityKind


def _inline_choices(choices):
    """Document choices inline (inside allOf) rather than as a `KindEnum` component: that name
    is taken by organisations, and a collision is a schema warning (`check --deploy` fails)."""
    return extend_schema_field({
        "allOf": [{"type": "string", "enum": [value for value, _label in choices]}],
        "description": ", ".join(f"`{value}`: {label}" for value, label in choices)})


@_inline_choices(MobilityKind.choices)
class MobilityKindField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=MobilityKind.choices, **kwargs)


@_inline_choices(DocumentKind.choices)
class DocumentKindField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=DocumentKind.choices, **kwargs)


class ParticipantSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()


class GrantSerializer(serializers.Serializer):
    distance_km = serializers.IntegerField(allow_null=True)
    band = serializers.CharField(source="distance_band")
    travel_amount = serializers.DecimalField(source="grant_travel_amount", max_digits=9,
                                             decimal_places=2)
    per_day_amount = serializers.DecimalField(source="grant_daily_rate", max_digits=9,
                                              decimal_places=2)
    days = serializers.IntegerField(source="grant_days")
    individual_amount = serializers.DecimalField(source="grant_individual_amount", max_digits=9,
                                                 decimal_places=2)
    total = serializers.DecimalField(source="grant_total", max_digits=9, decimal_places=2)
    currency = serializers.CharField(source="grant_currency")
    computed_at = serializers.DateTimeField(source="grant_computed_at", allow_null=True)


class MobilitySerializer(serializers.ModelSerializer):
    """A mobility as the API returns it (output only)."""

    participant = ParticipantSerializer()
    kind = MobilityKindField(read_only=True)
    grant = GrantSerializer(source="*")

    class Meta:
        model = Mobility
        fields = ["id", "participant", "kind", "home_university", "host_university", "edition",
                  "project", "team", "purpose", "planned_start", "planned_end", "actual_start",
                  "actual_end", "status", "rejection_reason", "funding_source", "erasmus_action",
                  "erasmus_call_year", "grant_reference", "green_travel", "teaching_hours",
                  "grant", "submitted_at", "decided_at"]
        read_only_fields = fields


class MobilityInputSerializer(serializers.Serializer):
    """Fields of a draft (create: required ones; PATCH: any subset)."""

    kind = MobilityKindField()
    home_university = serializers.PrimaryKeyRelatedField(queryset=University.objects.all())
    host_university = serializers.PrimaryKeyRelatedField(queryset=University.objects.all())
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all(), required=False,
                                                 allow_null=True)
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), required=False,
                                              allow_null=True)
    purpose = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    planned_start = serializers.DateField()
    planned_end = serializers.DateField()
    funding_source = serializers.ChoiceField(choices=FundingSource.choices, required=False)
    erasmus_action = serializers.CharField(required=False, allow_blank=True, max_length=40)
    erasmus_call_year = serializers.IntegerField(required=False, allow_null=True, min_value=2014,
                                                 max_value=2100)
    grant_reference = serializers.CharField(required=False, allow_blank=True, max_length=80)
    green_travel = serializers.BooleanField(required=False)
    teaching_hours = serializers.IntegerField(required=False, allow_null=True, min_value=0,
                                              max_value=1000)


class MobilityRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class DateActionSerializer(serializers.Serializer):
    on = serializers.DateField(required=False, help_text=_("Defaults to today."))


class DocumentUploadSerializer(serializers.Serializer):
    kind = DocumentKindField()
    file = serializers.FileField()


class DocumentSerializer(serializers.ModelSerializer):
    kind = DocumentKindField(read_only=True)

    class Meta:
        model = MobilityDocument
        fields = ["id", "kind", "original_name", "content_type", "size", "uploaded_at"]
        read_only_fields = fields


class EstimateQuerySerializer(serializers.Serializer):
    home = serializers.PrimaryKeyRelatedField(queryset=University.objects.all())
    host = serializers.PrimaryKeyRelatedField(queryset=University.objects.all())
    kind = MobilityKindField()
    start = serializers.DateField()
    end = serializers.DateField()
    green = serializers.BooleanField(required=False, default=False)
    call_year = serializers.IntegerField(required=False, allow_null=True, min_value=2014,
                                         max_value=2100)

    def validate(self, data):
        if data["home"] == data["host"]:
            raise serializers.ValidationError(
                {"host": [_("The host university must differ from the home university.")]})
        if data["end"] < data["start"]:
            raise serializers.ValidationError(
                {"end": [_("The end date must not be before the start date.")]})
        if (data["end"] - data["start"]).days >= 366:
            raise serializers.ValidationError({"end": [_("A mobility lasts at most 366 days.")]})
        return data


class EstimateSerializer(serializers.Serializer):
    distance_km = serializers.IntegerField()
    band = serializers.CharField()
    travel_amount = serializers.DecimalField(max_digits=9, decimal_places=2)
    per_day_amount = serializers.DecimalField(source="daily_rate", max_digits=9, decimal_places=2)
    stay_days = serializers.IntegerField()
    travel_days = serializers.IntegerField()
    days = serializers.IntegerField()
    individual_amount = serializers.DecimalField(max_digits=9, decimal_places=2)
    total = serializers.DecimalField(max_digits=9, decimal_places=2)
    currency = serializers.CharField()
    country_group = serializers.CharField()
    participant_kind = serializers.CharField()
    rate_table = serializers.StringRelatedField()
    rates_are_examples = serializers.BooleanField()
