from django.contrib import admin

from .models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = ["id", "owner", "year_from", "year_to", "format", "status", "progress", "created_at"]
    list_filter = ["status", "format"]
    readonly_fields = ["file_name", "error", "finished_at"]
    raw_id_fields = ["owner"]
