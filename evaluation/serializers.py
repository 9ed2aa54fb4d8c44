"""Input and output shapes of the evaluation API; one serializer per endpoint and direction."""

import re

from rest_framework import serializers

from marathon.models import Edition, User
from projects.models import Project

from .models import Criterion, RankingMethod, SheetStatus


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ["id", "edition", "name", "guidance", "weight", "scale_min", "scale_max", "level_labels",
                  "required", "position"]


class AssignmentSerializer(serializers.Serializer):
    """An assignment as `selectors.assignment_rows` reads it (a plain row)."""

    id = serializers.IntegerField(read_only=True)
    expert = serializers.IntegerField(read_only=True)
    expert_name = serializers.CharField(read_only=True)
    group = serializers.CharField(read_only=True)
    project = serializers.IntegerField(read_only=True)
    project_title = serializers.CharField(read_only=True)
    automatic = serializers.BooleanField(read_only=True)
    sheet = serializers.IntegerField(source="sheet_pk", read_only=True)
    sheet_status = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class AssignmentCreateSerializer(serializers.Serializer):
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all())
    expert = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(),
                                                help_text="User id of a commission member.")


class AutoAssignSerializer(serializers.Serializer):
    edition = serializers.PrimaryKeyRelatedField(queryset=Edition.objects.all())
    per_project = serializers.IntegerField(min_value=2, max_value=20)


class AutoAssignResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    assignments = AssignmentSerializer(many=True)


# Declared fields, not ModelSerializers: a ModelSerializer introspects the model to build its
# fields on every request, a measurable share of the score-sheet save (the deadline day's
# busiest write). Same output and schema.
class ScoreOutSerializer(serializers.Serializer):
    criterion = serializers.IntegerField(source="criterion_id", read_only=True)
    value = serializers.IntegerField(read_only=True)
    comment = serializers.CharField(read_only=True)


class ScoreSheetSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    project = serializers.IntegerField(source="assignment.project_id", read_only=True)
    expert = serializers.IntegerField(source="assignment.member.user_id", read_only=True)
    status = serializers.ChoiceField(choices=SheetStatus.choices, read_only=True)
    scores = ScoreOutSerializer(many=True, read_only=True)
    feedback = serializers.CharField(read_only=True)
    confidential_note = serializers.CharField(read_only=True)
    submitted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    updated_at = serializers.DateTimeField(read_only=True)


# The score-sheet save (PUT), the deadline day's busiest write, answers and reads through the two
# functions below: building the serializers' fields (a deep copy per instance and request) and
# running them cost a quarter of the request's CPU. They give exactly what the serializers give
# (tests compare them), and the serializers stay the endpoint's schema and its error messages.
_DATETIME = serializers.DateTimeField(read_only=True)


def score_sheet_data(sheet) -> dict:
    """`ScoreSheetSerializer(sheet).data` for a sheet with its assignment's member and its scores
    loaded."""
    assignment = sheet.assignment
    return {"id": sheet.pk, "project": assignment.project_id, "expert": assignment.member.user_id,
            "status": sheet.status,
            "scores": [{"criterion": s.criterion_id, "value": s.value, "comment": s.comment}
                       for s in sheet.scores.all()],
            "feedback": sheet.feedback, "confidential_note": sheet.confidential_note,
            "submitted_at": _DATETIME.to_representation(sheet.submitted_at),
            "updated_at": _DATETIME.to_representation(sheet.updated_at)}


_SURROGATES = re.compile("[\ud800-\udfff]")


def _plain_text(value, max_length: int) -> bool:
    """A string the serializer's `CharField` would keep as it is (nothing to strip, not too
    long, no NUL or surrogate)."""
    return (type(value) is str and len(value) <= max_length and value == value.strip() and "\x00" not in value
            and not _SURROGATES.search(value))


def plain_sheet_update(data) -> dict | None:
    """`ScoreSheetUpdateSerializer(data=data).validated_data` for a body made only of what the
    serializer would take unchanged (whole numbers, strings without surrounding blanks, within
    their lengths); None for any other body, which the serializer then validates."""
    if type(data) is not dict or type(data.get("scores")) is not list:
        return None
    scores = []
    for item in data["scores"]:
        if type(item) is not dict or type(item.get("criterion")) is not int or type(item.get("value")) is not int:
            return None
        comment = item.get("comment", "")
        if not _plain_text(comment, 5000):
            return None
        scores.append({"criterion": item["criterion"], "value": item["value"], "comment": comment})
    feedback, note = data.get("feedback", ""), data.get("confidential_note", "")
    if not (_plain_text(feedback, 10000) and _plain_text(note, 10000)):
        return None
    return {"scores": scores, "feedback": feedback, "confidential_note": note}


class ScoreInSerializer(serializers.Serializer):
    criterion = serializers.IntegerField()
    value = serializers.IntegerField()
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class ScoreSheetUpdateSerializer(serializers.Serializer):
    scores = ScoreInSerializer(many=True)
    feedback = serializers.CharField(required=False, allow_blank=True, default="", max_length=10000)
    confidential_note = serializers.CharField(required=False, allow_blank=True, default="", max_length=10000)


class ConflictCreateSerializer(serializers.Serializer):
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all())
    reason = serializers.CharField(max_length=500)


class ConflictSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    project = serializers.IntegerField(source="project_id")
    source = serializers.CharField()
    reason = serializers.CharField()


class PublishSerializer(serializers.Serializer):
    edition = serializers.PrimaryKeyRelatedField(queryset=Edition.objects.all())
    confirm_missing = serializers.BooleanField(
        required=False, default=False,
        help_text="Publish although sheets or team results are missing (409 lists them otherwise).")
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500,
                                   help_text="Why publishing with missing sheets or results; required with "
                                             "`confirm_missing` when something is missing. Audited.")


class RankingMethodSerializer(serializers.Serializer):
    edition = serializers.PrimaryKeyRelatedField(queryset=Edition.objects.all())
    method = serializers.ChoiceField(choices=RankingMethod.choices)


class RankingMethodResultSerializer(serializers.Serializer):
    edition = serializers.IntegerField(help_text="The edition's year.")
    ranking_method = serializers.ChoiceField(choices=RankingMethod.choices)


class ResultsSerializer(serializers.Serializer):
    """Chairs get every method (`live`, and `published` once frozen); everyone else gets the
    published ranking and their own team's per-criterion means and feedback."""

    edition = serializers.IntegerField()
    published = serializers.JSONField(allow_null=True)
    live = serializers.JSONField(required=False)
