"""API shapes of projects. Output serializers read prefetched rows; input serializers only
validate and hand `validated_data` to the services (no business rules here)."""

from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from marathon.models import User

from .composition import team_composition
from .markup import render_markdown
from .models import AttachmentKind, DegreeLevel, Project, ProjectAttachment, ProjectStatus


@extend_schema_field({"type": "string", "enum": ProjectStatus.values}, component_name="ProjectStatus")
class ProjectStatusField(serializers.CharField):
    """A plain string schema, not a named enum: several apps have a "status" enum."""


@extend_schema_field({"type": "string", "enum": AttachmentKind.values},
                     component_name="ProjectAttachmentKind")
class AttachmentKindField(serializers.ChoiceField):
    """Named apart from the other apps' "kind" enums."""

    def __init__(self, **kwargs):
        super().__init__(choices=AttachmentKind.choices, **kwargs)


class PersonSerializer(serializers.ModelSerializer):
    university = serializers.CharField(source="university.short_name", default=None)
    status = serializers.CharField()

    class Meta:
        model = User
        fields = ["id", "full_name", "university", "status"]


class CompositionSerializer(serializers.Serializer):
    """A `projects.composition.TeamComposition`: size, free places, mix-rule status."""

    students = serializers.IntegerField()
    capacity = serializers.IntegerField()
    free_places = serializers.IntegerField()
    meets_rules = serializers.BooleanField()
    missing = serializers.ListField(child=serializers.CharField())


class ProjectListSerializer(serializers.ModelSerializer):
    edition_year = serializers.IntegerField(source="edition.year")
    area_name = serializers.CharField(source="area.name")
    customer_name = serializers.CharField(source="customer.name", default=None, allow_null=True)
    status = ProjectStatusField(read_only=True)
    proposer = PersonSerializer()
    team = serializers.SerializerMethodField()
    composition = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = ["id", "title", "summary", "status", "edition", "edition_year", "area",
                  "area_name", "customer", "customer_name", "proposer", "team", "composition"]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_team(self, project):
        team = _team(project)
        return team.pk if team else None

    @extend_schema_field(CompositionSerializer(allow_null=True))
    def get_composition(self, project):
        team = _team(project)
        if team is None:
            return None
        return self._composition_serializer.to_representation(team_composition(team))

    @cached_property
    def _composition_serializer(self):
        # One for all the rows of a list (a serializer per row deep-copied its fields each time).
        return CompositionSerializer()


def catalogue_representation(rows: list[dict], names: dict[str, list[tuple[str, str]]]) -> list[dict]:
    """`ProjectListSerializer`'s output for rows of `selectors.catalogue_people`, written out:
    the serializer's nested fields cost ~4 ms per page of the 1,500-project edition. The same
    keys in the same order and types (tests/projects/test_api.py compares the two); `names` are
    `catalogue_choices.reference_options()` (area and customer names in the active language).
    The serializer stays: it documents the shape and is the detail's base."""
    areas, customers = dict(names["area"]), dict(names["customer"])
    results = []
    for row in rows:
        customer, composition = row["customer_id"], row["composition"]
        proposer_id, full_name, status, university = row["proposer"]
        results.append({
            "id": row["id"], "title": row["title"], "summary": row["summary"], "status": row["status"],
            "edition": row["edition_id"], "edition_year": row["edition__year"],
            "area": row["area_id"], "area_name": areas[str(row["area_id"])],
            "customer": customer, "customer_name": None if customer is None else customers[str(customer)],
            "proposer": {"id": proposer_id, "full_name": full_name,
                         "university": university,
                         "status": status},
            "team": row["team_id"],
            "composition": None if composition is None else {
                "students": composition.students, "capacity": composition.capacity,
                "free_places": composition.free_places, "meets_rules": composition.meets_rules,
                "missing": list(composition.missing)},
        })
    return results


def catalogue_names_wanted(rows: list[dict]) -> dict[str, set[str]]:
    """The pks `catalogue_representation` looks up, for `catalogue_choices.options_with`."""
    return {"area": {str(row["area_id"]) for row in rows},
            "customer": {str(row["customer_id"]) for row in rows if row["customer_id"] is not None}}


class ProjectDetailSerializer(ProjectListSerializer):
    co_supervisors = PersonSerializer(many=True)
    description_html = serializers.SerializerMethodField()

    class Meta(ProjectListSerializer.Meta):
        fields = [*ProjectListSerializer.Meta.fields, "description", "description_html",
                  "keywords", "co_supervisors", "team_size_min", "team_size_max",
                  "wanted_degree_levels", "wanted_skills", "rejection_reason", "submitted_at",
                  "decided_at", "created_at"]

    @extend_schema_field(serializers.CharField())
    def get_description_html(self, project):
        return render_markdown(project.description)


class ProjectCreateSerializer(serializers.ModelSerializer):
    """Input of `POST /projects/`: a new draft proposed by the caller."""

    co_supervisors = serializers.PrimaryKeyRelatedField(
        many=True, required=False,
        queryset=User.objects.filter(status__in=User.SUPERVISOR_STATUSES))
    wanted_degree_levels = serializers.ListField(
        child=serializers.ChoiceField(choices=DegreeLevel.choices), required=False)

    class Meta:
        model = Project
        fields = ["edition", "area", "title", "summary", "description", "keywords", "customer",
                  "co_supervisors", "team_size_min", "team_size_max", "wanted_degree_levels",
                  "wanted_skills"]
        extra_kwargs = {"team_size_min": {"required": False}, "team_size_max": {"required": False}}


class ProjectUpdateSerializer(ProjectCreateSerializer):
    """Input of `PATCH /projects/{id}/`: any subset of the draft's fields."""

    class Meta(ProjectCreateSerializer.Meta):
        pass


class SubmitSerializer(serializers.Serializer):
    """`POST /projects/{id}/submit/` takes no fields."""


class ApproveSerializer(serializers.Serializer):
    """`POST /projects/{id}/approve/` takes no fields."""


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text=_("Why the project is rejected; "
                                                                "sent to the proposer."))


class AttachmentSerializer(serializers.ModelSerializer):
    """Output of the attachment endpoints; `download_url` is the permission-checked download."""

    kind = AttachmentKindField(read_only=True)
    uploaded_by = serializers.CharField(source="uploaded_by.full_name", default=None)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ProjectAttachment
        fields = ["id", "kind", "original_name", "content_type", "size", "uploaded_by",
                  "uploaded_at", "download_url"]

    def get_download_url(self, attachment) -> str:
        return reverse("api:project-attachment-download",
                       args=[attachment.project_id, attachment.pk])


class AttachmentUploadSerializer(serializers.Serializer):
    """Input of `POST /projects/{id}/attachments/` (multipart). The file's real type and size
    are checked by the service, which accepts per kind: proposal and final report PDF only."""

    kind = AttachmentKindField()
    file = serializers.FileField(help_text=_("At most UPLOAD_MAX_BYTES (10 MB by default)."))


def _team(project):
    try:
        return project.team
    except Project.team.RelatedObjectDoesNotExist:
        return None
