from django.contrib import admin

from .models import Invitation, JoinRequest


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    """Read and search; decisions go through the team page so the rules and audit apply."""

    list_display = ["student", "team", "status", "created_at", "decided_at", "decided_by"]
    list_filter = ["status", "team__edition"]
    search_fields = ["student__full_name", "student__email", "team__name"]
    list_select_related = ["student", "team", "decided_by"]
    readonly_fields = ["team", "student", "status", "created_at", "decided_at", "decided_by"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["student", "team", "invited_by", "status", "created_at", "decided_at"]
    list_filter = ["status", "team__edition"]
    search_fields = ["student__full_name", "student__email", "team__name"]
    list_select_related = ["student", "team", "invited_by"]
    readonly_fields = ["team", "student", "invited_by", "status", "created_at", "decided_at"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

from .allocation import admin as allocation_admin  # noqa: E402,F401  (registers the allocation models)
