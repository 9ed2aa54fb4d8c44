from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from django_countries.serializer_fields import CountryField
from rest_framework import serializers

from .models import Edition, Organisation, ScientificArea, University, User


class UniversitySerializer(serializers.ModelSerializer):
    country = CountryField()

    class Meta:
        model = University
        fields = ["id", "name", "short_name", "country", "city", "latitude", "longitude",
                  "is_host", "website"]


class OrganisationSerializer(serializers.ModelSerializer):
    country = CountryField()

    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "country", "website"]


class ScientificAreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScientificArea
        fields = ["id", "name", "slug", "description"]


class EditionSerializer(serializers.ModelSerializer):
    phase = serializers.CharField(read_only=True)

    class Meta:
        model = Edition
        fields = ["id", "year", "title", "phase", "proposals_start", "proposals_end",
                  "team_formation_start", "team_formation_end", "research_start", "research_end",
                  "evaluation_start", "evaluation_end", "team_size_min", "team_size_max",
                  "min_universities", "require_degree_mix"]


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})

    def validate(self, attrs):
        user = authenticate(self.context["request"], email=attrs["email"].lower(),
                            password=attrs["password"])
        if user is None or not user.is_active:
            raise serializers.ValidationError(
                {"non_field_errors": [_("Unable to log in with the given e-mail and password.")]}
            )
        attrs["user"] = user
        return attrs


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()


class MeSerializer(serializers.ModelSerializer):
    country = CountryField(required=False, allow_blank=True)
    university = serializers.PrimaryKeyRelatedField(
        queryset=University.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "university", "organisation", "country", "status",
                  "orcid", "skills", "languages", "preferred_language", "is_staff"]
        read_only_fields = ["id", "email", "organisation", "is_staff"]
        extra_kwargs = {"full_name": {"required": False, "allow_blank": False}}
