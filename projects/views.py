"""Project pages: thin views that parse a form, call one service, redirect or render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marathon.exceptions import RuleViolation
from marathon.uploads import serve_file

from . import permissions, selectors, services
from .filters import ProjectFilter
from .forms import AttachmentForm, ProjectForm, RejectForm, chosen_co_supervisors
from .models import DegreeLevel, Project, ProjectAttachment
from .permissions import PUBLIC_STATUSES

PAGE_SIZE = 12


def catalogue(request):
    base = selectors.with_list_data(selectors.projects_visible_to(request.user))
    if not request.GET.get("status"):
        base = base.filter(status__in=PUBLIC_STATUSES)
    filterset = ProjectFilter(request.GET or None, queryset=base)
    filterset.offer_statuses_visible_to(request.user)
    projects = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    if filterset.is_bound and not filterset.is_valid():
        projects = base.none()
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    selectors.attach_compositions(page.object_list)
    params = request.GET.copy()
    params.pop("page", None)
    # htmx filter requests swap only the results (the form stays as the user left it).
    template = "projects/_results.html" if request.htmx else "projects/project_list.html"
    return render(request, template, {
        "filter": filterset, "page": page, "querystring": params.urlencode(),
    })


def detail(request, pk):
    project = selectors.project_detail(request.user, pk)
    user = request.user
    context = {
        "project": project,
        "supervisors": [project.proposer, *project.co_supervisors.all()],
        "can_edit": permissions.can_edit(user, project),
        "can_decide": permissions.is_office(user) and project.status == "submitted",
        "can_run": permissions.can_run(user, project),
        "can_upload": permissions.can_upload(user, project),
        "degree_levels": [DegreeLevel(v).label for v in project.wanted_degree_levels
                          if v in DegreeLevel.values],
        "attachments": [a for a in project.attachments.all() if _may_download(user, a, project)],
        "reject_form": RejectForm(),
        "attachment_form": AttachmentForm(),
    }
    return render(request, "projects/project_detail.html", context)


def _may_download(user, attachment, project):
    attachment.project = project  # already loaded with its team
    return permissions.can_download(user, attachment)


@login_required
def propose(request):
    if not permissions.can_propose(request.user):
        raise PermissionDenied(_("Only professors, researchers and the programme office can "
                                 "propose projects."))
    form = ProjectForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.create_project(actor=request.user, data=form.service_data())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Your project has been saved as a draft."))
            return redirect(project)
    return _form_page(request, form, None)


@login_required
def edit(request, pk):
    project = _get_for_proposer(request.user, pk)
    if not permissions.can_edit(request.user, project):
        messages.error(request, _("Only drafts can be edited."))
        return redirect(project)
    # The form validates on its own copy; the service compares against the stored row.
    form = ProjectForm(request.POST or None, instance=Project.objects.get(pk=pk), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_project(project=project, actor=request.user, data=form.service_data())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Your changes have been saved."))
            return redirect(project)
    return _form_page(request, form, project)


def _form_page(request, form, project):
    chosen = chosen_co_supervisors(form)
    return render(request, "projects/project_form.html", {
        "form": form, "project": project, "chosen": chosen,
        "results": selectors.search_co_supervisors(request.GET.get("q", ""), exclude_ids=_ids(chosen, request)),
        "q": request.GET.get("q", "")})


def _ids(chosen, request):
    return {user.pk for user in chosen} | {request.user.pk}


@login_required
def co_supervisor_search(request):
    """htmx partial of the co-supervisor picker: the ticked people stay, the matches follow."""
    if not permissions.can_propose(request.user):
        raise PermissionDenied(_("Only professors, researchers and the programme office can "
                                 "propose projects."))
    ids = [int(v) for v in request.GET.getlist("co_supervisors") if v.isdigit()]
    chosen = list(selectors.co_supervisor_candidates().filter(pk__in=ids)) if ids else []
    query = request.GET.get("q", "")
    return render(request, "projects/_co_supervisor_choices.html", {
        "chosen": chosen, "q": query,
        "results": selectors.search_co_supervisors(query, exclude_ids=_ids(chosen, request))})


@login_required
@require_POST
def submit(request, pk):
    project = _get_visible(request.user, pk)
    return _run(request, project, lambda: services.submit_project(project=project, actor=request.user),
                _("The project has been submitted to the programme office."))


@login_required
@require_POST
def delete(request, pk):
    project = _get_visible(request.user, pk)
    try:
        services.delete_project(project=project, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(project)
    messages.success(request, _("The draft has been deleted."))
    return redirect("projects:mine")


@login_required
@require_POST
def approve(request, pk):
    project = _get_visible(request.user, pk)
    return _run(request, project, lambda: services.approve_project(project=project, actor=request.user),
                _("The project has been approved and its team created."),
                next_url="projects:review")


@login_required
@require_POST
def reject(request, pk):
    project = _get_visible(request.user, pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for the rejection."))
        return redirect(request.POST.get("next") == "review" and "projects:review" or project)
    return _run(request, project,
                lambda: services.reject_project(project=project, actor=request.user,
                                                reason=form.cleaned_data["reason"]),
                _("The project has been rejected."), next_url="projects:review")


@login_required
@require_POST
def activate(request, pk):
    project = _get_visible(request.user, pk)
    return _run(request, project, lambda: services.activate_project(project=project, actor=request.user),
                _("The project is now active."))


@login_required
@require_POST
def complete(request, pk):
    project = _get_visible(request.user, pk)
    return _run(request, project, lambda: services.complete_project(project=project, actor=request.user),
                _("The project is completed."))


@login_required
@require_POST
def upload(request, pk):
    project = _get_visible(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(project)
    return _run(request, project,
                lambda: services.upload_attachment(project=project, actor=request.user,
                                                   kind=form.cleaned_data["kind"],
                                                   upload=form.cleaned_data["file"]),
                _("The file has been added."))


@login_required
def download(request, pk):
    attachment = get_object_or_404(
        ProjectAttachment.objects.select_related("project").prefetch_related(
            "project__co_supervisors", "project__team__memberships"), pk=pk)
    if not permissions.can_download(request.user, attachment):
        raise Http404
    return serve_file(attachment.file, filename=attachment.original_name,
                      content_type=attachment.content_type)


@login_required
def mine(request):
    projects = selectors.with_list_data(selectors.projects_of(request.user))
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    selectors.attach_compositions(page.object_list)
    return render(request, "projects/project_mine.html", {"page": page, "querystring": ""})


@login_required
def review(request):
    if not permissions.is_office(request.user):
        raise PermissionDenied(_("Only the programme office reviews projects."))
    page = Paginator(selectors.review_queue(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "projects/project_review.html", {
        "page": page, "querystring": "", "reject_form": RejectForm()})


# --- helpers --------------------------------------------------------------------------------
def _get_visible(user, pk) -> Project:
    """The one scoped lookup: a project the user may see, else 404."""
    return get_object_or_404(selectors.projects_visible_to(user).select_related("proposer"), pk=pk)


def _get_for_proposer(user, pk) -> Project:
    project = _get_visible(user, pk)
    if not permissions.is_proposer(user, project):
        raise PermissionDenied(_("Only the proposer can edit this project."))
    return project


def _run(request, project, action, success_message, next_url=None):
    try:
        action()
    except RuleViolation as exc:
        messages.error(request, " ".join(exc.messages))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success_message)
        if next_url and request.POST.get("next") == "review":
            return redirect(next_url)
        return redirect(project)
    if next_url and request.POST.get("next") == "review":
        return redirect(next_url)
    return redirect(project)


def _add_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
