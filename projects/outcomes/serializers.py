"""API input and output shapes; one input serializer per write endpoint."""

from django.utils.translation import gettext_lazy as _
from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from marathon.models import University, User
from projects.models import Project

from .models import (
    ConferenceParticipation,
    GrantApplication,
    GrantProgramme,
    GrantStatus,
    Publication,
    PublicationAuthor,
    PublicationType,
    normalize_doi,
    validate_doi,
)


@extend_schema_field({"type": "string", "enum": GrantStatus.values}, component_name="GrantStatus")
class GrantStatusField(serializers.ChoiceField):
    """A named schema: several apps have a "status" enum."""

    def __init__(self, **kwargs):
        super().__init__(choices=GrantStatus.choices, **kwargs)


class OutcomeListQuerySerializer(serializers.Serializer):
    project = serializers.IntegerField(required=False, min_value=1)
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)


class AuthorSerializer(serializers.ModelSerializer):
    country = CountryField()

    class Meta:
        model = PublicationAuthor
        fields = ["position", "user", "name", "university", "affiliation", "country"]


class PublicationSerializer(serializers.ModelSerializer):
    authors = AuthorSerializer(many=True, read_only=True)
    is_joint = serializers.SerializerMethodField()

    class Meta:
        model = Publication
        fields = ["id", "project", "title", "venue", "type", "year", "doi", "is_joint", "authors",
                  "created_at"]

    def get_is_joint(self, obj) -> bool:
        return obj.affiliation_count >= 2


class AuthorInputSerializer(serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.select_related("university"),
                                              required=False, allow_null=True)
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    university = serializers.PrimaryKeyRelatedField(queryset=University.objects.all(),
                                                    required=False, allow_null=True)
    affiliation = serializers.CharField(required=False, allow_blank=True, max_length=300)
    country = CountryField(required=False, allow_blank=True)

    def validate(self, attrs):
        if not attrs.get("user") and not attrs.get("name", "").strip():
            raise serializers.ValidationError(_("Give a portal user id or an external name."))
        return attrs


class PublicationInputSerializer(serializers.Serializer):
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all())
    title = serializers.CharField(max_length=300)
    venue = serializers.CharField(max_length=300)
    type = serializers.ChoiceField(choices=PublicationType.choices)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    doi = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    authors = AuthorInputSerializer(many=True, allow_empty=False)

    def validate_doi(self, value):
        try:
            validate_doi(value)
        except Exception as exc:
            raise serializers.ValidationError(list(exc.messages)) from exc
        return normalize_doi(value)


class GrantApplicationSerializer(serializers.ModelSerializer):
    is_international = serializers.SerializerMethodField()
    status = GrantStatusField(read_only=True)

    class Meta:
        model = GrantApplication
        fields = ["id", "project", "programme", "funder", "title", "applicants", "submitted_on",
                  "amount", "currency", "status", "is_international", "created_at"]

    def get_is_international(self, obj) -> bool:
        return obj.country_count >= 2


class GrantApplicationInputSerializer(serializers.Serializer):
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all())
    programme = serializers.ChoiceField(choices=GrantProgramme.choices)
    funder = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    title = serializers.CharField(max_length=300)
    applicants = serializers.PrimaryKeyRelatedField(queryset=University.objects.all(), many=True,
                                                    allow_empty=False)
    submitted_on = serializers.DateField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    currency = serializers.RegexField(r"^[A-Za-z]{3}$", default="EUR")
    status = GrantStatusField(default=GrantStatus.SUBMITTED)


class ConferenceSerializer(serializers.ModelSerializer):
    country = CountryField()

    class Meta:
        model = ConferenceParticipation
        fields = ["id", "project", "conference", "city", "country", "start_date", "end_date",
                  "presenters", "other_presenters", "contribution_title", "is_international",
                  "created_at"]


class ConferenceInputSerializer(serializers.Serializer):
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all())
    conference = serializers.CharField(max_length=300)
    city = serializers.CharField(max_length=100)
    country = CountryField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    presenters = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True,
                                                    required=False, default=list)
    other_presenters = serializers.CharField(max_length=300, required=False, allow_blank=True,
                                             default="")
    contribution_title = serializers.CharField(max_length=300)
    is_international = serializers.BooleanField(default=True)

    def validate(self, attrs):
        if attrs["end_date"] < attrs["start_date"]:
            raise serializers.ValidationError(
                {"end_date": [_("The last day cannot be before the first day.")]})
        return attrs


# PATCH: the same fields minus the project (an outcome does not move to another project); any
# subset may be sent. Authors, when sent, replace the whole ordered list.
class PublicationUpdateSerializer(PublicationInputSerializer):
    project = None


class GrantApplicationUpdateSerializer(GrantApplicationInputSerializer):
    project = None


class ConferenceUpdateSerializer(ConferenceInputSerializer):
    project = None

    def validate(self, attrs):
        start = attrs.get("start_date", self.instance.start_date if self.instance else None)
        end = attrs.get("end_date", self.instance.end_date if self.instance else None)
        if start and end and end < start:
            raise serializers.ValidationError(
                {"end_date": [_("The last day cannot be before the first day.")]})
        return attrs
