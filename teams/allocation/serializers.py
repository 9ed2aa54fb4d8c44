"""API shapes of the allocation: one input serializer per action, read-only outputs."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class ChoiceInputSerializer(serializers.Serializer):
    team = serializers.IntegerField(help_text=_("The id of an approved project's team."))
    motivation = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class PreferencesInputSerializer(serializers.Serializer):
    choices = ChoiceInputSerializer(many=True, help_text=_("In rank order, the first is the favourite."))


class ChoiceSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    team = serializers.IntegerField(source="team_id")
    team_name = serializers.CharField(source="team.name")
    motivation = serializers.CharField()


class PreferencesSerializer(serializers.Serializer):
    edition = serializers.IntegerField()
    max_choices = serializers.IntegerField()
    deadline = serializers.DateTimeField()
    open = serializers.BooleanField()
    choices = ChoiceSerializer(many=True)


class RunInputSerializer(serializers.Serializer):
    weights = serializers.ListField(child=serializers.IntegerField(min_value=0, max_value=10000), required=False,
                                    help_text=_("Satisfaction per rank, e.g. [100, 60, 40, 25, 10]."))
    lexicographic = serializers.BooleanField(required=False)
    time_limit = serializers.IntegerField(min_value=1, max_value=600, required=False)
    max_per_university = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    parent = serializers.IntegerField(required=False, help_text=_("Re-run: keep this run's locked placements."))


class RunStartedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    progress = serializers.IntegerField()


class RunTeamSerializer(serializers.Serializer):
    team = serializers.IntegerField(source="team_id")
    name = serializers.CharField()
    students = serializers.IntegerField()
    universities = serializers.IntegerField()
    degree_levels = serializers.ListField(child=serializers.CharField())
    meets_rule = serializers.BooleanField()
    placed = serializers.ListField(child=serializers.IntegerField(), help_text=_("Students placed by the run."))


class RunSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    edition = serializers.IntegerField(source="edition_id")
    status = serializers.CharField()
    progress = serializers.IntegerField()
    inputs_hash = serializers.CharField()
    settings = serializers.DictField()
    solver_status = serializers.CharField()
    gap = serializers.FloatField(allow_null=True)
    solve_seconds = serializers.FloatField(allow_null=True)
    model_size = serializers.DictField()
    totals = serializers.DictField()
    baseline = serializers.DictField()
    explanation = serializers.DictField()
    error = serializers.CharField()
    created_by = serializers.IntegerField(source="created_by_id", allow_null=True)
    committed_by = serializers.IntegerField(source="committed_by_id", allow_null=True)
    committed_at = serializers.DateTimeField(allow_null=True)
    notified = serializers.IntegerField()
    notify_total = serializers.IntegerField()
    teams = RunTeamSerializer(many=True, source="team_rows")
