"""Outcome pages: a project's outcomes with forms to add them, and filtered lists."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from projects.models import Project

from . import forms, selectors, services
from .models import ConferenceParticipation, GrantApplication, Publication
from .permissions import RECORDABLE_STATUSES, can_record_outcomes

PAGE_SIZE = 25


def get_project_for_recording(user, pk: int) -> Project:
    project = get_object_or_404(Project.objects.select_related("edition"), pk=pk)
    if not can_record_outcomes(user, project):
        raise PermissionDenied(_("You cannot record outcomes of this project."))
    return project


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _project_url(project) -> str:
    try:
        return project.get_absolute_url()
    except NoReverseMatch:  # the project pages are optional for this app
        return ""


@login_required
def project_outcomes(request, project_id: int):
    project = get_object_or_404(Project.objects.select_related("edition", "area"), pk=project_id)
    return render(request, "outcomes/project_outcomes.html", {
        "project": project,
        "project_url": _project_url(project),
        "can_record": project.status in RECORDABLE_STATUSES
        and can_record_outcomes(request.user, project),
        "publications": selectors.publication_list(project_id=project.pk),
        "grants": selectors.grant_application_list(project_id=project.pk),
        "conferences": selectors.conference_list(project_id=project.pk),
    })


def _save_valid(request, form, *, valid, save, success: str, project_id: int):
    """For a POST whose forms are `valid`, run `save()`: on success flash `success` and return the
    redirect to the project's outcomes; a rule the service refuses becomes a form error (None)."""
    if request.method != "POST" or not valid:
        return None
    try:
        save()
    except ValidationError as error:
        _apply_errors(form, error)
        return None
    messages.success(request, success)
    return redirect("outcomes:project", project_id=project_id)


@login_required
def publication_add(request, project_id: int):
    project = get_project_for_recording(request.user, project_id)
    people = forms.project_people(project)
    form = forms.PublicationForm(request.POST or None)
    authors = forms.AuthorFormSet(request.POST or None, people=people, prefix="authors")
    done = _save_valid(
        request, form, valid=form.is_valid() and authors.is_valid(), project_id=project.pk,
        success=_("The publication has been recorded."),
        save=lambda: services.record_publication(
            project=project, actor=request.user, **form.cleaned_data,
            authors=[services.AuthorInput(**row) for row in authors.authors()]))
    return done or render(request, "outcomes/publication_form.html",
                  {"project": project, "form": form, "authors": authors})


@login_required
def grant_application_add(request, project_id: int):
    project = get_project_for_recording(request.user, project_id)
    form = forms.GrantApplicationForm(request.POST or None)
    done = _save_valid(
        request, form, valid=form.is_valid(), project_id=project.pk,
        success=_("The grant application has been recorded."),
        save=lambda: services.record_grant_application(project=project, actor=request.user,
                                                       **form.cleaned_data))
    return done or render(request, "outcomes/grant_application_form.html", {"project": project, "form": form})


@login_required
def conference_add(request, project_id: int):
    project = get_project_for_recording(request.user, project_id)
    form = forms.ConferenceForm(request.POST or None, people=forms.project_people(project))
    done = _save_valid(
        request, form, valid=form.is_valid(), project_id=project.pk,
        success=_("The conference participation has been recorded."),
        save=lambda: services.record_conference_participation(project=project, actor=request.user,
                                                              **form.cleaned_data))
    return done or render(request, "outcomes/conference_form.html", {"project": project, "form": form})


def get_outcome_for_editing(user, model, pk: int):
    """The outcome, if `user` may change its project's outcomes (else 403)."""
    outcome = get_object_or_404(model.objects.select_related("project__edition"), pk=pk)
    if not can_record_outcomes(user, outcome.project):
        raise PermissionDenied(_("You cannot change outcomes of this project."))
    return outcome


def _author_initial(publication) -> list[dict]:
    return [{"user": author.user_id, "name": "" if author.user_id else author.name,
             "university": author.university_id,
             "affiliation": "" if author.user_id or author.university_id else author.affiliation,
             "country": "" if author.user_id or author.university_id else author.country.code}
            for author in publication.authors.all()]


@login_required
def publication_edit(request, pk: int):
    publication = get_outcome_for_editing(request.user, Publication, pk)
    project = publication.project
    initial = {name: getattr(publication, name) for name in ("title", "venue", "type", "year", "doi")}
    form = forms.PublicationForm(request.POST or None, initial=initial)
    authors = forms.AuthorFormSet(request.POST or None, people=forms.project_people(project),
                                  prefix="authors", initial=_author_initial(publication))
    done = _save_valid(
        request, form, valid=form.is_valid() and authors.is_valid(), project_id=project.pk,
        success=_("The publication has been updated."),
        save=lambda: services.update_publication(
            publication=publication, actor=request.user, **form.cleaned_data,
            authors=[services.AuthorInput(**row) for row in authors.authors()]))
    return done or render(request, "outcomes/publication_form.html",
                  {"project": project, "form": form, "authors": authors, "editing": publication})


@login_required
def grant_application_edit(request, pk: int):
    grant = get_outcome_for_editing(request.user, GrantApplication, pk)
    initial = {name: getattr(grant, name) for name in
               ("programme", "funder", "title", "submitted_on", "amount", "currency", "status")}
    initial["applicants"] = list(grant.applicants.values_list("pk", flat=True))
    form = forms.GrantApplicationForm(request.POST or None, initial=initial)
    done = _save_valid(
        request, form, valid=form.is_valid(), project_id=grant.project_id,
        success=_("The grant application has been updated."),
        save=lambda: services.update_grant_application(grant=grant, actor=request.user,
                                                       **form.cleaned_data))
    return done or render(request, "outcomes/grant_application_form.html",
                  {"project": grant.project, "form": form, "editing": grant})


@login_required
def conference_edit(request, pk: int):
    participation = get_outcome_for_editing(request.user, ConferenceParticipation, pk)
    initial = {name: getattr(participation, name) for name in
               ("conference", "city", "start_date", "end_date", "contribution_title",
                "other_presenters", "is_international")}
    initial["country"] = participation.country.code
    initial["presenters"] = list(participation.presenters.values_list("pk", flat=True))
    form = forms.ConferenceForm(request.POST or None, initial=initial,
                                people=forms.project_people(participation.project))
    done = _save_valid(
        request, form, valid=form.is_valid(), project_id=participation.project_id,
        success=_("The conference participation has been updated."),
        save=lambda: services.update_conference_participation(
            participation=participation, actor=request.user, **form.cleaned_data))
    return done or render(request, "outcomes/conference_form.html",
                  {"project": participation.project, "form": form, "editing": participation})


OUTCOME_MODELS = {"publication": Publication, "grant-application": GrantApplication,
                  "conference": ConferenceParticipation}


@login_required
@require_POST
def outcome_delete(request, kind: str, pk: int):
    if kind not in OUTCOME_MODELS:
        raise Http404
    outcome = get_object_or_404(OUTCOME_MODELS[kind].objects.select_related("project"), pk=pk)
    services.delete_outcome(outcome=outcome, actor=request.user)
    messages.success(request, _("“%(title)s” has been removed.") % {"title": outcome})
    return redirect("outcomes:project", project_id=outcome.project_id)


def _list_page(request, *, filter_form_class, selector, template, extra_filters=()):
    filters = filter_form_class(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    queryset = selector(project_id=data.get("project"), year=data.get("year"),
                        **{name: data.get(name) for name in extra_filters})
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, template, {"filters": filters, "page": page,
                                      "querystring": query.urlencode()})


@login_required
def publication_list(request):
    return _list_page(request, filter_form_class=forms.PublicationFilterForm,
                      selector=selectors.publication_list, template="outcomes/publication_list.html",
                      extra_filters=("joint",))


@login_required
def grant_application_list(request):
    return _list_page(request, filter_form_class=forms.GrantFilterForm,
                      selector=selectors.grant_application_list,
                      template="outcomes/grant_application_list.html")


@login_required
def conference_list(request):
    return _list_page(request, filter_form_class=forms.ConferenceFilterForm,
                      selector=selectors.conference_list, template="outcomes/conference_list.html",
                      extra_filters=("international",))


