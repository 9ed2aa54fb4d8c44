import copy

from allauth.account.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from django_countries.serializer_fields import CountryField
from rest_framework import exceptions, serializers

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


def authenticate_like_login_page(request, *, email: str, password: str):
    """allauth's authentication, as on the login page: the same per-account and per-address
    failure limit (`login_failed`), so guesses through the API count towards the lockout and an
    account locked on the login page gets no token, even with the right password."""
    try:
        return get_adapter(request._request).authenticate(request._request, email=email, password=password)
    except DjangoValidationError as error:
        if error.code == "too_many_login_attempts":
            raise exceptions.Throttled(detail=str(error.message)) from error
        raise


class EditionDatesSerializer(serializers.Serializer):
    """`PATCH /api/v1/editions/{id}/`: any of the phase dates; together with the unchanged ones
    they must follow each other in order."""

    proposals_start = serializers.DateField(required=False)
    proposals_end = serializers.DateField(required=False)
    team_formation_start = serializers.DateField(required=False)
    team_formation_end = serializers.DateField(required=False)
    research_start = serializers.DateField(required=False)
    research_end = serializers.DateField(required=False)
    evaluation_start = serializers.DateField(required=False)
    evaluation_end = serializers.DateField(required=False)


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
    otp = serializers.CharField(required=False, allow_blank=True, max_length=12,
                                help_text=_("Current code of your authenticator app, when two-factor "
                                            "authentication is on."))

    def validate(self, attrs):
        user = authenticate_like_login_page(self.context["request"], email=attrs["email"].lower(),
                                            password=attrs["password"])
        if user is None or not user.is_active:
            raise serializers.ValidationError(
                {"non_field_errors": [_("Unable to log in with the given e-mail and password.")]}
            )
        self._check_second_factor(user, attrs.get("otp", ""))
        attrs["user"] = user
        return attrs

    @staticmethod
    def _check_second_factor(user, code: str) -> None:
        """An API token is as strong as a login: the same TOTP code the login page asks for."""
        authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if authenticator is None:
            if user.is_staff and settings.MFA_REQUIRED_FOR_STAFF:
                raise serializers.ValidationError({"otp": [
                    _("Staff accounts need two-factor authentication: set it up in the portal first.")]})
            return
        if not code:
            raise serializers.ValidationError({"otp": [_("Enter the code of your authenticator app.")]})
        if not TOTP(authenticator).validate_code(code.strip()):
            raise serializers.ValidationError({"otp": [_("This code is not valid or was already used.")]})


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

    def get_fields(self):
        """The fields built once per process, a fresh shallow copy of each per serializer.

        ModelSerializer introspects the model and builds every field anew on each instantiation
        (~2 ms of the ~6 ms `/api/v1/me/` cost, issue 18). The result depends only on the class,
        never on the request, instance or language (labels and messages stay lazy). The templates
        are never bound; each request binds its own copies (`bind` sets name, parent and label on
        the copy), and no field here holds a nested serializer whose state a shallow copy would
        share."""
        templates = type(self).__dict__.get("_field_templates")
        if templates is None:
            templates = super().get_fields()
            type(self)._field_templates = templates
        return {name: copy.copy(field) for name, field in templates.items()}
