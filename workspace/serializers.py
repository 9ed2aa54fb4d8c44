"""API shapes: one output serializer per entity, one input serializer per endpoint."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from marathon.models import User

from .models import (
    EntryKind,
    EntryStatus,
    JournalEntry,
    Milestone,
    MilestoneKind,
    MilestoneStatus,
    ProgressReport,
    ReportReview,
    ReportStatus,
    ReviewDecision,
)


def _choice_field(choices, name: str):
    """A ChoiceField with its own component name: other apps also have "kind" and "status" enums."""

    @extend_schema_field({"type": "string", "enum": choices.values}, component_name=name)
    class Field(serializers.ChoiceField):
        def __init__(self, **kwargs):
            super().__init__(choices=choices.choices, **kwargs)

    Field.__name__ = f"{name}Field"
    return Field


MilestoneKindField = _choice_field(MilestoneKind, "WorkspaceMilestoneKind")
MilestoneStatusField = _choice_field(MilestoneStatus, "WorkspaceMilestoneStatus")
EntryKindField = _choice_field(EntryKind, "WorkspaceEntryKind")
EntryStatusField = _choice_field(EntryStatus, "WorkspaceEntryStatus")
ReportStatusField = _choice_field(ReportStatus, "WorkspaceReportStatus")
DecisionField = _choice_field(ReviewDecision, "WorkspaceReviewDecision")


class MilestoneSerializer(serializers.ModelSerializer):
    kind = MilestoneKindField(read_only=True)
    status = MilestoneStatusField(read_only=True)
    owners = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Milestone
        fields = ["id", "team", "kind", "title", "description", "owners", "start_date", "due_date", "status",
                  "evidence_url", "version", "completed_at", "overdue", "created_at", "updated_at"]


class MilestoneCreateSerializer(serializers.Serializer):
    kind = MilestoneKindField(default=MilestoneKind.MILESTONE)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    owners = serializers.PrimaryKeyRelatedField(many=True, queryset=User.objects.all(), required=False, default=list)
    start_date = serializers.DateField(required=False, allow_null=True, default=None)
    due_date = serializers.DateField()
    status = MilestoneStatusField(default=MilestoneStatus.PLANNED)
    evidence_url = serializers.URLField(required=False, allow_blank=True, default="")


class MilestoneUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The version the edit starts from; a stale one gets 409.")
    kind = MilestoneKindField(required=False)
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    owners = serializers.PrimaryKeyRelatedField(many=True, queryset=User.objects.all(), required=False)
    start_date = serializers.DateField(required=False, allow_null=True)
    due_date = serializers.DateField(required=False)
    status = MilestoneStatusField(required=False)
    evidence_url = serializers.URLField(required=False, allow_blank=True)


class SampleSerializer(serializers.Serializer):
    identifier = serializers.CharField(max_length=100)
    material = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    preparation = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class JournalEntrySerializer(serializers.ModelSerializer):
    kind = EntryKindField(read_only=True)
    status = EntryStatusField(read_only=True)
    author = serializers.CharField(source="author.full_name", read_only=True)

    class Meta:
        model = JournalEntry
        fields = ["id", "team", "author", "kind", "title", "aim", "method", "samples", "results", "measurements",
                  "conclusion", "key_result", "status", "version", "previous_version", "root", "signed_at",
                  "chain_index", "previous_hash", "content_hash", "superseded_at", "created_at"]


class JournalEntryCreateSerializer(serializers.Serializer):
    kind = EntryKindField()
    title = serializers.CharField(max_length=200)
    aim = serializers.CharField(required=False, allow_blank=True, default="")
    method = serializers.CharField(required=False, allow_blank=True, default="")
    samples = SampleSerializer(many=True, required=False, default=list)
    results = serializers.CharField(required=False, allow_blank=True, default="")
    measurements_csv = serializers.CharField(required=False, allow_blank=True, default="",
                                             help_text="CSV text; the first row names the columns.")
    conclusion = serializers.CharField(required=False, allow_blank=True, default="")
    key_result = serializers.BooleanField(required=False, default=False)
    milestones = serializers.PrimaryKeyRelatedField(many=True, queryset=Milestone.objects.all(), required=False,
                                                    default=list)


class ReportReviewSerializer(serializers.ModelSerializer):
    decision = DecisionField(read_only=True)
    reviewer = serializers.CharField(source="reviewer.full_name", read_only=True, default="")

    class Meta:
        model = ReportReview
        fields = ["decision", "comment", "reviewer", "created_at"]


class ProgressReportSerializer(serializers.ModelSerializer):
    status = ReportStatusField(read_only=True)
    reviews = ReportReviewSerializer(many=True, read_only=True)

    class Meta:
        model = ProgressReport
        fields = ["id", "team", "period_start", "period_end", "due_date", "done", "next_steps", "risks", "status",
                  "submitted_at", "reviewed_at", "reviews"]


class ReportCreateSerializer(serializers.Serializer):
    period_start = serializers.DateField()


class ReportUpdateSerializer(serializers.Serializer):
    done = serializers.CharField(required=False, allow_blank=True)
    next_steps = serializers.CharField(required=False, allow_blank=True)
    risks = serializers.CharField(required=False, allow_blank=True)


class ReviewInputSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")
