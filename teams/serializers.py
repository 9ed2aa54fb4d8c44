"""API shapes. One input serializer per workflow action; outputs are read-only."""

from django.utils.translation import gettext_lazy as _
from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from marathon.models import User
from projects.composition import team_composition
from projects.models import Membership, MembershipRole, Team
from projects.serializers import CompositionSerializer

from .models import Invitation, JoinRequest


class TeamPersonSerializer(serializers.ModelSerializer):
    university = serializers.CharField(source="university.short_name", default=None, read_only=True)
    university_id = serializers.IntegerField(read_only=True)
    country = CountryField(read_only=True)
    degree_level = serializers.CharField(source="status", read_only=True)

    class Meta:
        model = User
        fields = ["id", "full_name", "university_id", "university", "country", "degree_level"]


class TeamMemberSerializer(serializers.ModelSerializer):
    user = TeamPersonSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "role", "joined_at"]


class TeamCompositionSerializer(CompositionSerializer):
    """The catalogue's composition plus what the mix rule is measured against."""

    minimum = serializers.IntegerField()
    universities = serializers.IntegerField()
    min_universities = serializers.IntegerField()
    degree_mix_required = serializers.BooleanField()


class TeamSerializer(serializers.ModelSerializer):
    project = serializers.PrimaryKeyRelatedField(read_only=True)
    project_title = serializers.CharField(source="project.title", read_only=True)
    edition = serializers.IntegerField(source="edition.year", read_only=True)
    free_places = serializers.SerializerMethodField()
    composition = serializers.SerializerMethodField()
    members = TeamMemberSerializer(source="memberships", many=True, read_only=True)

    class Meta:
        model = Team
        fields = ["id", "name", "project", "project_title", "edition", "capacity", "free_places",
                  "composition", "members"]

    def _composition(self, team):
        cache = self.context.setdefault("_compositions", {})
        if team.pk not in cache:
            cache[team.pk] = team_composition(team)
        return cache[team.pk]

    def get_free_places(self, team) -> int:
        return self._composition(team).free_places

    @extend_schema_field(TeamCompositionSerializer)
    def get_composition(self, team):
        return TeamCompositionSerializer(self._composition(team)).data


class JoinRequestSerializer(serializers.ModelSerializer):
    student = TeamPersonSerializer(read_only=True)
    team_name = serializers.CharField(source="team.name", read_only=True)

    class Meta:
        model = JoinRequest
        fields = ["id", "team", "team_name", "student", "motivation", "status", "created_at",
                  "decided_at", "decided_by", "decision_reason"]
        read_only_fields = fields


class JoinRequestCreateSerializer(serializers.Serializer):
    motivation = serializers.CharField(max_length=3000, trim_whitespace=True)


class TeamInvitationSerializer(serializers.ModelSerializer):
    student = TeamPersonSerializer(read_only=True)
    team_name = serializers.CharField(source="team.name", read_only=True)

    class Meta:
        model = Invitation
        fields = ["id", "team", "team_name", "student", "invited_by", "message", "status",
                  "created_at", "decided_at"]
        read_only_fields = fields


class TeamInvitationCreateSerializer(serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), help_text=_("The id of the student to invite."))
    message = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class TeamMembershipSerializer(serializers.ModelSerializer):
    class Meta:
        model = Membership
        fields = ["id", "team", "user", "role", "joined_at"]
        read_only_fields = fields


class TeamMemberAddSerializer(serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    role = serializers.ChoiceField(choices=MembershipRole.choices, default=MembershipRole.MEMBER)
