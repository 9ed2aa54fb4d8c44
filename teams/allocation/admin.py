from django.contrib import admin

from .models import AllocationRun, AllocationSettings, PreferenceList, SupervisorDecision


@admin.register(AllocationSettings)
class AllocationSettingsAdmin(admin.ModelAdmin):
    list_display = ["edition", "max_choices", "preferences_deadline", "lexicographic", "max_per_university"]


@admin.register(PreferenceList)
class PreferenceListAdmin(admin.ModelAdmin):
    list_display = ["student", "edition", "submitted_at", "updated_at"]
    list_filter = ["edition"]
    raw_id_fields = ["student"]
    search_fields = ["student__full_name", "student__email"]


@admin.register(SupervisorDecision)
class SupervisorDecisionAdmin(admin.ModelAdmin):
    list_display = ["team", "student", "kind", "reason"]
    raw_id_fields = ["team", "student", "decided_by"]


@admin.register(AllocationRun)
class AllocationRunAdmin(admin.ModelAdmin):
    """Read-only here: runs are started, reviewed and committed on the allocation pages (audited)."""

    list_display = ["pk", "edition", "status", "solver_status", "created_by", "created_at", "committed_by"]
    list_filter = ["edition", "status"]
    readonly_fields = [f.name for f in AllocationRun._meta.fields]

    def has_add_permission(self, request):
        return False
