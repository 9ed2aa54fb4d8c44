from django.contrib import admin

from .models import Certificate, CertificateSettings, IssueRun, Portfolio


@admin.register(CertificateSettings)
class CertificateSettingsAdmin(admin.ModelAdmin):
    list_display = ["edition", "workload_hours", "ects", "result_display", "issuer"]
    readonly_fields = ["next_number"]


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    """Read-only: certificates are issued and revoked through the services (signed, audited)."""

    list_display = ["number", "person", "edition", "role", "status", "issued_at"]
    list_filter = ["status", "edition", "role"]
    search_fields = ["number", "person__full_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IssueRun)
class IssueRunAdmin(admin.ModelAdmin):
    list_display = ["edition", "status", "total", "processed", "issued", "created_at"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Portfolio)
class PortfolioAdmin(admin.ModelAdmin):
    list_display = ["user", "is_public", "updated_at"]
