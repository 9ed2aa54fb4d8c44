from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from . import services
from .forms import RejectForm
from .models import Membership, Project, ProjectAttachment, Team


class AttachmentInline(admin.TabularInline):
    model = ProjectAttachment
    extra = 0
    fields = ["kind", "original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    can_delete = False


def _workflow_action(service, description):
    """An admin action that runs the workflow service for each selected project, so the
    admin follows the same rules, audit and notifications as the site."""

    def action(modeladmin, request, queryset):
        _run_for_each(request, queryset, service)

    action.short_description = description
    action.__name__ = f"run_{service.__name__}"
    return action


def _run_for_each(request, queryset, service, **kwargs) -> int:
    done = 0
    for project in queryset:
        try:
            service(project=project, actor=request.user, **kwargs)
            done += 1
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, f"{project}: {' '.join(getattr(exc, 'messages', [str(exc)]))}")
    if done:
        messages.success(request, _("%(count)d project(s) updated.") % {"count": done})
    return done


@admin.action(description=_("Reject the selected projects (asks for a reason)"))
def reject_with_reason(modeladmin, request, queryset):
    """First call: a confirmation page asking for the reason. Its form posts the same action
    back with `apply`; then `reject_project` runs for each project (audit, notification)."""
    form = RejectForm(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        _run_for_each(request, queryset, services.reject_project, reason=form.cleaned_data["reason"])
        return None  # back to the change list
    return TemplateResponse(request, "projects/admin/project_reject.html", {
        **modeladmin.admin_site.each_context(request),
        "title": _("Reject projects"), "opts": modeladmin.model._meta,
        "projects": queryset.select_related("edition", "proposer"), "form": form,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    })


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "edition", "area", "proposer", "customer", "status", "submitted_at"]
    list_filter = ["status", "edition", "area", "customer"]
    search_fields = ["title", "summary", "keywords", "proposer__full_name", "proposer__email"]
    autocomplete_fields = ["proposer", "co_supervisors", "customer"]
    readonly_fields = ["status", "rejection_reason", "submitted_at", "decided_at", "decided_by",
                       "created_at", "updated_at"]
    list_select_related = ["edition", "area", "proposer", "customer"]
    inlines = [AttachmentInline]
    actions = [
        _workflow_action(services.submit_project, _("Submit the selected drafts")),
        _workflow_action(services.approve_project, _("Approve the selected projects (creates teams)")),
        reject_with_reason,
        _workflow_action(services.activate_project, _("Start the selected projects")),
        _workflow_action(services.complete_project, _("Complete the selected projects")),
    ]


@admin.register(ProjectAttachment)
class ProjectAttachmentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "project", "kind", "size", "uploaded_by", "uploaded_at"]
    list_filter = ["kind"]
    search_fields = ["original_name", "project__title"]
    list_select_related = ["project", "uploaded_by"]
    readonly_fields = ["content_type", "size", "uploaded_at"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "edition", "joined_at"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "edition", "capacity", "project"]
    list_filter = ["edition"]
    search_fields = ["name", "project__title"]
    list_select_related = ["edition", "project"]
    readonly_fields = ["project", "edition"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "team", "role", "edition", "joined_at"]
    list_filter = ["role", "edition"]
    search_fields = ["user__full_name", "user__email", "team__name"]
    list_select_related = ["user", "team", "edition"]
    autocomplete_fields = ["user", "team"]
