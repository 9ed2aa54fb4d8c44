from django.contrib import admin

from .models import ConferenceParticipation, GrantApplication, Publication, PublicationAuthor


class PublicationAuthorInline(admin.TabularInline):
    model = PublicationAuthor
    extra = 0
    autocomplete_fields = ["user", "university"]


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "type", "doi", "project"]
    list_filter = ["year", "type"]
    search_fields = ["title", "doi", "venue"]
    raw_id_fields = ["project"]
    inlines = [PublicationAuthorInline]


@admin.register(GrantApplication)
class GrantApplicationAdmin(admin.ModelAdmin):
    list_display = ["title", "programme", "submitted_on", "amount", "currency", "status", "project"]
    list_filter = ["programme", "status"]
    search_fields = ["title", "funder"]
    raw_id_fields = ["project"]
    filter_horizontal = ["applicants"]


@admin.register(ConferenceParticipation)
class ConferenceParticipationAdmin(admin.ModelAdmin):
    list_display = ["conference", "city", "country", "start_date", "is_international", "project"]
    list_filter = ["is_international", "country"]
    search_fields = ["conference", "contribution_title"]
    raw_id_fields = ["project"]
    filter_horizontal = ["presenters"]
