from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from . import services
from .models import (
    CountryGroupEntry,
    DailyRate,
    GrantRateTable,
    Mobility,
    MobilityDocument,
    TravelBand,
)

GRANT_FIELDS = ("rate_table", "distance_km", "distance_band", "grant_travel_amount",
                "grant_daily_rate", "grant_days", "grant_individual_amount", "grant_total",
                "grant_currency", "grant_computed_at")


class DocumentInline(admin.TabularInline):
    model = MobilityDocument
    extra = 0
    fields = ("kind", "original_name", "content_type", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Mobility)
class MobilityAdmin(admin.ModelAdmin):
    """Workflow steps go through the services (admin actions), never by editing `status`."""

    list_display = ["participant", "kind", "home_university", "host_university", "planned_start",
                    "planned_end", "status", "funding_source", "grant_total"]
    list_filter = ["status", "funding_source", "kind", "edition", "host_university"]
    search_fields = ["participant__full_name", "participant__email", "grant_reference"]
    date_hierarchy = "planned_start"
    autocomplete_fields = ["participant", "home_university", "host_university"]
    raw_id_fields = ["project", "team"]
    readonly_fields = ("status", "rejection_reason", "submitted_at", "decided_at", "decided_by",
                       "certificate_reminder_sent_at", *GRANT_FIELDS)
    inlines = [DocumentInline]
    actions = ["approve_selected"]

    @admin.action(description=_("Approve selected submitted mobilities"))
    def approve_selected(self, request, queryset):
        done = 0
        for mobility in queryset:
            try:
                services.approve_mobility(mobility=mobility, actor=request.user)
                done += 1
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, f"{mobility}: {' '.join(getattr(error, 'messages', [str(error)]))}",
                                  messages.WARNING)
        self.message_user(request, _("%(count)d mobilities approved.") % {"count": done})


class TravelBandInline(admin.TabularInline):
    model = TravelBand
    extra = 0


class DailyRateInline(admin.TabularInline):
    model = DailyRate
    extra = 0


class CountryGroupInline(admin.TabularInline):
    model = CountryGroupEntry
    extra = 0


@admin.register(GrantRateTable)
class GrantRateTableAdmin(TranslationAdmin):  # name and notes per language
    list_display = ["name", "first_call_year", "last_call_year", "currency", "rates_are_examples"]
    inlines = [TravelBandInline, DailyRateInline, CountryGroupInline]
