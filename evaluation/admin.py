"""Django admin for the programme office; membership changes go through the services so the
role groups stay in sync.

Score sheets, scores and their revisions are deliberately not registered: they hold individual
experts' scores and confidential notes, which only the commission's chairs may read (on the
chair's pages). The office accounts are superusers in practice (the demo's is), so a
permission check for non-superusers would not hide them; leaving the models out of the admin
does."""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from . import services
from .models import (
    Assignment,
    Commission,
    CommissionMember,
    ConflictOfInterest,
    Criterion,
    ResultSnapshot,
    ResultSubmission,
)


class CommissionMemberInline(admin.TabularInline):
    model = CommissionMember
    extra = 0
    readonly_fields = ["user", "group", "is_chair", "organisation"]
    can_delete = False
    show_change_link = True


@admin.register(Commission)
class CommissionAdmin(admin.ModelAdmin):
    list_display = ["edition", "ranking_method", "reminder_days", "disagreement_threshold"]
    # The chair chooses the method on the dashboard (audited, frozen once published).
    readonly_fields = ["ranking_method"]
    inlines = [CommissionMemberInline]


@admin.register(CommissionMember)
class CommissionMemberAdmin(admin.ModelAdmin):
    list_display = ["user", "commission", "group", "is_chair", "organisation"]
    list_filter = ["commission", "group", "is_chair"]
    autocomplete_fields = ["user"]
    search_fields = ["user__full_name", "user__email"]

    def save_model(self, request, obj, form, change):
        saved = services.add_commission_member(
            commission=obj.commission, user=obj.user, group=obj.group, is_chair=obj.is_chair,
            organisation=obj.organisation, actor=request.user)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.remove_commission_member(member=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for member in queryset:
            services.remove_commission_member(member=member, actor=request.user)


class ResultsInputAdmin(admin.ModelAdmin):
    """Rows the live results (or the dashboard's cached gaps and progress counts) are computed
    from, edited around the services: after each change the commission's stored sheet scores are
    recomputed (a weight may have changed) and its results version bumped, in the admin's
    transaction."""

    def commissions_of(self, obj) -> list[Commission]:
        raise NotImplementedError

    def _changed(self, obj) -> None:
        for commission in self.commissions_of(obj):
            services.rebuild_results_aggregates(commission=commission)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._changed(obj)

    def delete_model(self, request, obj):
        commissions = self.commissions_of(obj)
        super().delete_model(request, obj)
        for commission in commissions:
            services.rebuild_results_aggregates(commission=commission)

    def delete_queryset(self, request, queryset):
        commissions = {c.pk: c for obj in queryset for c in self.commissions_of(obj)}
        super().delete_queryset(request, queryset)
        for commission in commissions.values():
            services.rebuild_results_aggregates(commission=commission)


@admin.register(Criterion)
class CriterionAdmin(ResultsInputAdmin, TranslationAdmin):  # name, guidance, level labels per language
    list_display = ["name", "edition", "weight", "scale_min", "scale_max", "required", "position"]
    list_filter = ["edition"]
    list_editable = ["position"]

    def commissions_of(self, obj) -> list[Commission]:
        return list(Commission.objects.filter(edition_id=obj.edition_id))


@admin.register(Assignment)
class AssignmentAdmin(ResultsInputAdmin):  # a deletion takes a sheet out of the results and the gaps
    list_display = ["project", "member", "automatic", "created_at"]
    list_filter = ["member__commission", "automatic"]
    readonly_fields = ["member", "project", "automatic", "created_by", "created_at"]

    def has_add_permission(self, request):
        return False  # assignments are made on the chair's dashboard (conflict checks)

    def commissions_of(self, obj) -> list[Commission]:
        return list(Commission.objects.filter(members__pk=obj.member_id))


@admin.register(ConflictOfInterest)
class ConflictAdmin(ResultsInputAdmin):
    list_display = ["member", "project", "source", "reason", "created_at"]
    list_filter = ["source", "member__commission"]

    def commissions_of(self, obj) -> list[Commission]:
        return list(Commission.objects.filter(members__pk=obj.member_id))


@admin.register(ResultSubmission)
class ResultSubmissionAdmin(ResultsInputAdmin):  # the teams without results are a publication gap
    list_display = ["team", "submitted_by", "submitted_at"]
    readonly_fields = ["final_report_name", "final_report_type", "presentation_name", "presentation_type"]

    def commissions_of(self, obj) -> list[Commission]:
        return list(Commission.objects.filter(edition__teams__pk=obj.team_id))


@admin.register(ResultSnapshot)
class ResultSnapshotAdmin(admin.ModelAdmin):
    list_display = ["commission", "published_by", "published_at"]
    readonly_fields = ["commission", "data", "published_by", "published_at"]

    def has_change_permission(self, request, obj=None):
        return False
