from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from .models import (
    AuditEntry,
    Edition,
    Notification,
    Organisation,
    ScientificArea,
    University,
    User,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["full_name"]
    list_display = ["email", "full_name", "status", "university", "country", "is_staff", "is_active"]
    list_filter = ["status", "university", "is_staff", "is_active", "country"]
    search_fields = ["email", "full_name", "orcid", "skills"]
    autocomplete_fields = ["university", "organisation"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("full_name", "status", "university", "organisation", "country",
                                   "orcid", "skills", "languages", "preferred_language")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups",
                                       "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",),
                "fields": ("email", "full_name", "status", "university", "password1", "password2")}),
    )


@admin.register(University)
class UniversityAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "country", "city", "is_host"]
    list_filter = ["is_host", "country"]
    search_fields = ["name", "short_name", "city"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["name"]


@admin.register(ScientificArea)
class ScientificAreaAdmin(TranslationAdmin):  # a field per language, English required
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Edition)
class EditionAdmin(TranslationAdmin):
    list_display = ["year", "title", "team_formation_start", "team_formation_end",
                    "evaluation_end", "min_universities", "require_degree_mix"]
    list_filter = ["require_degree_mix"]
    search_fields = ["title", "year"]
    fieldsets = (
        (None, {"fields": ("year", "title")}),
        (_("Phases"), {"fields": (("proposals_start", "proposals_end"),
                                  ("team_formation_start", "team_formation_end"),
                                  ("research_start", "research_end"),
                                  ("evaluation_start", "evaluation_end"))}),
        (_("Team rules"), {"fields": (("team_size_min", "team_size_max"), "min_universities",
                                      "require_degree_mix")}),
    )


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["subject", "recipient", "kind", "created_at", "read_at", "emailed_at",
                    "email_attempts"]
    list_filter = ["kind", ("emailed_at", admin.EmptyFieldListFilter)]
    search_fields = ["subject", "recipient__email"]
    raw_id_fields = ["recipient"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "event", "target_repr"]
    list_filter = ["action", "content_type"]
    search_fields = ["target_repr", "actor__email", "action"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("event"), ordering="action")
    def event(self, entry):
        return entry.sentence
