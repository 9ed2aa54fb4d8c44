from django.contrib import admin

from .models import (
    Comment,
    EditionWorkspaceSettings,
    JournalEntry,
    Milestone,
    ProgressReport,
    ProjectWorkspaceSettings,
    ReportReview,
)


@admin.register(EditionWorkspaceSettings)
class EditionWorkspaceSettingsAdmin(admin.ModelAdmin):
    list_display = ["edition", "report_cadence", "reminder_days", "inactivity_days"]


@admin.register(ProjectWorkspaceSettings)
class ProjectWorkspaceSettingsAdmin(admin.ModelAdmin):
    list_display = ["project", "customer_can_read"]
    raw_id_fields = ["project"]


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["title", "team", "due_date", "status"]
    list_filter = ["status"]
    raw_id_fields = ["team", "owners", "created_by"]
    search_fields = ["title", "team__name"]


@admin.register(JournalEntry)
class JournalEntryAdmin(admin.ModelAdmin):
    """Read-only: entries change only through the workspace (signed ones never)."""

    list_display = ["title", "team", "kind", "version", "status", "signed_at"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "team__name"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


class ReviewInline(admin.TabularInline):
    model = ReportReview
    extra = 0
    can_delete = False
    readonly_fields = ["reviewer", "decision", "comment", "created_at"]


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    list_display = ["team", "period_start", "period_end", "status"]
    list_filter = ["status"]
    raw_id_fields = ["team", "submitted_by", "reviewed_by"]
    inlines = [ReviewInline]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["team", "author", "created_at"]
    raw_id_fields = ["team", "author", "milestone", "entry", "report", "mentions"]
