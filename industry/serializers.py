"""API shapes of the industry app. Output serializers read loaded rows; input serializers only
validate and hand `validated_data` to the services (no business rules here)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from marathon.models import Organisation
from projects.models import DegreeLevel

from .models import (
    ApplicationStatus,
    Confidentiality,
    Implementation,
    Internship,
    InternshipApplication,
    ResearchTask,
    TaskStatus,
    WorkMode,
)


def _named_choice(choices, component):
    """A ChoiceField documented under its own component name (other apps have "status" enums too)."""

    @extend_schema_field({"type": "string", "enum": [value for value, _label in choices]}, component_name=component)
    class Field(serializers.ChoiceField):
        def __init__(self, **kwargs):
            super().__init__(choices=choices, **kwargs)

    Field.__name__ = component + "Field"
    return Field


ConfidentialityField = _named_choice(Confidentiality.choices, "TaskConfidentiality")
TaskStatusField = _named_choice(TaskStatus.choices, "ResearchTaskStatus")
WorkModeField = _named_choice(WorkMode.choices, "InternshipWorkMode")
ApplicationStatusField = _named_choice(ApplicationStatus.choices, "InternshipApplicationStatus")


# --- research tasks -------------------------------------------------------------------------
class TaskListSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name")
    area_name = serializers.CharField(source="area.name")
    desired_edition_year = serializers.IntegerField(source="desired_edition.year", default=None)
    status = TaskStatusField(read_only=True)
    confidentiality = ConfidentialityField(read_only=True)

    class Meta:
        model = ResearchTask
        fields = ["id", "title", "organisation", "organisation_name", "area", "area_name", "keywords",
                  "confidentiality", "desired_edition", "desired_edition_year", "max_adoptions", "adoption_count",
                  "status", "created_at"]


class TaskDetailSerializer(TaskListSerializer):
    adopted_projects = serializers.SerializerMethodField()

    class Meta(TaskListSerializer.Meta):
        fields = [*TaskListSerializer.Meta.fields, "problem_statement", "expected_results", "resources_offered",
                  "ip_terms", "contact_name", "contact_email", "rejection_reason", "decided_at", "adopted_projects"]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_adopted_projects(self, task):
        return [adoption.project_id for adoption in task.adoptions.all()]


class TaskCreateSerializer(serializers.ModelSerializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    confidentiality = ConfidentialityField(required=False)

    class Meta:
        model = ResearchTask
        fields = ["organisation", "title", "problem_statement", "expected_results", "area", "keywords",
                  "resources_offered", "confidentiality", "ip_terms", "contact_name", "contact_email",
                  "desired_edition", "max_adoptions"]


class TaskRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class EmptySerializer(serializers.Serializer):
    """Workflow steps without input take an empty JSON object."""


class TaskAdoptSerializer(serializers.Serializer):
    """Project fields that override the values taken from the task (all optional)."""

    edition = serializers.IntegerField(required=False)
    title = serializers.CharField(max_length=200, required=False)
    summary = serializers.CharField(max_length=500, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    keywords = serializers.CharField(max_length=300, required=False, allow_blank=True)
    team_size_min = serializers.IntegerField(min_value=1, required=False)
    team_size_max = serializers.IntegerField(min_value=1, required=False)


class AdoptionSerializer(serializers.Serializer):
    task = serializers.IntegerField(source="task_id")
    project = serializers.IntegerField(source="project_id")
    project_title = serializers.CharField(source="project.title")
    created_at = serializers.DateTimeField()


# --- internships ----------------------------------------------------------------------------
class InternshipListSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name")
    mode = WorkModeField(read_only=True)
    places_left = serializers.IntegerField(read_only=True)
    applicant_count = serializers.IntegerField(read_only=True, default=None)

    class Meta:
        model = Internship
        fields = ["id", "title", "organisation", "organisation_name", "host_organisation", "site_name", "city",
                  "country", "start_date", "end_date", "places", "accepted_count", "places_left", "stipend",
                  "mode", "deadline", "applicant_count"]


class InternshipDetailSerializer(InternshipListSerializer):
    class Meta(InternshipListSerializer.Meta):
        fields = [*InternshipListSerializer.Meta.fields, "description", "required_skills", "degree_levels",
                  "latitude", "longitude"]


class InternshipCreateSerializer(serializers.ModelSerializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    mode = WorkModeField(required=False)
    # Checked by the service against DegreeLevel (a second enum of the same values upsets the schema).
    degree_levels = serializers.ListField(child=serializers.CharField(max_length=20), required=False,
                                          help_text="Any of: " + ", ".join(DegreeLevel.values))
    host_organisation = serializers.CharField(max_length=200, required=False, allow_blank=True)

    class Meta:
        model = Internship
        fields = ["organisation", "title", "description", "host_organisation", "site_name", "city", "country",
                  "latitude", "longitude", "start_date", "end_date", "places", "stipend", "required_skills",
                  "degree_levels", "mode", "deadline"]


class ApplicationCreateSerializer(serializers.Serializer):
    motivation = serializers.CharField(max_length=5000)
    cv = serializers.FileField(help_text="PDF, at most 5 MB.")


class ApplicationSerializer(serializers.ModelSerializer):
    student_name = serializers.CharField(source="student.full_name")
    status = ApplicationStatusField(read_only=True)
    cv_url = serializers.SerializerMethodField()

    class Meta:
        model = InternshipApplication
        fields = ["id", "internship", "student", "student_name", "motivation", "status", "cv_name", "cv_url",
                  "created_at", "decided_at"]

    def get_cv_url(self, application) -> str:
        from django.urls import reverse

        return reverse("industry:application_cv", args=[application.pk])


# --- implementations ------------------------------------------------------------------------
class ImplementationSerializer(serializers.ModelSerializer):
    project_title = serializers.CharField(source="project.title")
    organisation_name = serializers.CharField(source="organisation.name")
    status = serializers.CharField(read_only=True)
    recorded_side = serializers.CharField(read_only=True)
    has_evidence_file = serializers.SerializerMethodField()

    class Meta:
        model = Implementation
        fields = ["id", "project", "project_title", "organisation", "organisation_name", "what", "where",
                  "implemented_on", "evidence_link", "has_evidence_file", "effect", "effect_figure", "effect_unit",
                  "recorded_side", "status", "confirmed_at", "created_at"]

    def get_has_evidence_file(self, implementation) -> bool:
        return bool(implementation.evidence_file)


class ImplementationCreateSerializer(serializers.ModelSerializer):
    project = serializers.IntegerField()
    evidence_file = serializers.FileField(required=False)

    class Meta:
        model = Implementation
        fields = ["project", "what", "where", "implemented_on", "evidence_link", "evidence_file", "effect",
                  "effect_figure", "effect_unit"]
