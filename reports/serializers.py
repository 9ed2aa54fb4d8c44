from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import ExportFormat, ExportStatus
from .statistics import MAX_YEAR, MIN_YEAR


class YearRangeQuerySerializer(serializers.Serializer):
    """`from` and `to` are Python keywords, so the fields are declared in get_fields()."""

    def get_fields(self):
        return {
            "from": serializers.IntegerField(min_value=MIN_YEAR, max_value=MAX_YEAR),
            "to": serializers.IntegerField(min_value=MIN_YEAR, max_value=MAX_YEAR),
        }

    def validate(self, attrs):
        if attrs["from"] > attrs["to"]:
            raise serializers.ValidationError({"to": [_("The last year must not be before the first year.")]})
        return attrs


class ExportInputSerializer(YearRangeQuerySerializer):
    def get_fields(self):
        return {**super().get_fields(), "format": serializers.ChoiceField(choices=ExportFormat.values)}


class YearRowSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    participants = serializers.IntegerField()
    projects = serializers.IntegerField()
    joint_publications = serializers.IntegerField()
    grant_applications = serializers.IntegerField()
    conferences = serializers.IntegerField()
    erasmus_mobility_grants = serializers.IntegerField()
    implementations = serializers.IntegerField()


class StatsSerializer(serializers.Serializer):
    """Documents `GET /api/v1/stats/` (the body is Statistics.summary())."""

    def get_fields(self):
        return {
            "from": serializers.IntegerField(), "to": serializers.IntegerField(),
            "partner_universities": serializers.ListField(child=serializers.CharField()),
            "scientific_areas": serializers.ListField(child=serializers.CharField()),
            "participants": serializers.IntegerField(), "projects": serializers.IntegerField(),
            "joint_publications": serializers.IntegerField(),
            "grant_applications": serializers.IntegerField(),
            "conferences": serializers.IntegerField(),
            "erasmus_mobility_grants": serializers.IntegerField(),
            "implementations": serializers.IntegerField(),
            "by_year": YearRowSerializer(many=True),
        }


class ExportStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ExportStatus.values)
    progress = serializers.IntegerField(min_value=0, max_value=100)
    error = serializers.CharField(allow_blank=True)
    download_url = serializers.URLField(allow_null=True, help_text=_(
        "When done: GET it with the same token or session (`/api/v1/exports/{id}/download/`)."))
