"""Mobility pages: thin — parse with a form, call one service, redirect or render."""

from datetime import timedelta
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marathon.models import AuditEntry, Edition, University
from marathon.uploads import serve_file

from . import exports, permissions, selectors, services
from .forms import DocumentForm, EstimateForm, MobilityForm, PeriodForm, RejectForm
from .grants import estimate_grant, stored_grant
from .models import Mobility, MobilityDocument, MobilityStatus

PAGE_SIZE = 25
CALENDAR_PAGE_SIZE = 50
MAX_CALENDAR_WEEKS = 53


def get_mobility_for(user, pk: int) -> Mobility:
    """The mobility if `user` may see it (participant or coordinator), else 404."""
    mobility = get_object_or_404(
        Mobility.objects.select_related(*selectors.LIST_RELATED, "project", "team",
                                        "decided_by", "rate_table"), pk=pk)
    if not permissions.can_view(user, mobility):
        raise Http404
    return mobility


def coordinator_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not permissions.is_coordinator(request.user):
            raise PermissionDenied(_("Only mobility coordinators can see this page."))
        return view(request, *args, **kwargs)
    return wrapper


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# --- participant ----------------------------------------------------------------------------
@login_required
def mobility_list(request):
    page = Paginator(selectors.mobilities_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "mobility/mobility_list.html", {"page": page})


@login_required
def mobility_apply(request):
    form = MobilityForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            mobility = services.create_mobility(actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            if "submit" in request.POST:
                return _submit_and_redirect(request, mobility)
            messages.success(request, _("Your draft has been saved."))
            return redirect(mobility)
    return render(request, "mobility/mobility_form.html", {
        "form": form, "estimate": _estimate_for(form.data or form.initial)})


@login_required
def mobility_edit(request, pk):
    mobility = get_mobility_for(request.user, pk)
    if not permissions.can_edit(request.user, mobility):
        raise PermissionDenied(_("Only the participant can edit a draft."))
    form = MobilityForm(request.POST or None, user=request.user,
                        instance=Mobility.objects.get(pk=mobility.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_mobility(mobility=mobility, actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            if "submit" in request.POST:
                return _submit_and_redirect(request, mobility)
            messages.success(request, _("Your draft has been saved."))
            return redirect(mobility)
    data = form.data or {name: form[name].value() for name in EstimateForm.base_fields}
    return render(request, "mobility/mobility_form.html", {
        "form": form, "mobility": mobility, "estimate": _estimate_for(data)})


def _submit_and_redirect(request, mobility):
    try:
        services.submit_mobility(mobility=mobility, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your application has been submitted to the coordinator."))
    return redirect("mobility:detail", pk=mobility.pk)


@login_required
def mobility_estimate(request):
    """The live estimate under the apply form (htmx partial)."""
    return render(request, "mobility/_estimate.html", {"estimate": _estimate_for(request.GET)})


def _estimate_for(data):
    form = EstimateForm(data)
    if not form.is_valid():
        return None
    d = form.cleaned_data
    home, host, start, end = (d["home_university"], d["host_university"], d["planned_start"],
                              d["planned_end"])
    if not (home and host and start and end and d["kind"]) or home == host or end < start:
        return None
    return estimate_grant(home=home, host=host, kind=d["kind"], start=start, end=end,
                          green=d["green_travel"], call_year=d["erasmus_call_year"])


@login_required
def mobility_detail(request, pk):
    mobility = get_mobility_for(request.user, pk)
    user = request.user
    live_estimate = None
    if mobility.status == MobilityStatus.DRAFT or not mobility.grant_computed_at:
        live_estimate = estimate_grant(
            home=mobility.home_university, host=mobility.grant_host, kind=mobility.kind,
            start=mobility.planned_start, end=mobility.planned_end, green=mobility.green_travel,
            call_year=mobility.erasmus_call_year)
    history = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Mobility), object_id=str(mobility.pk)
    ).select_related("actor")
    return render(request, "mobility/mobility_detail.html", {
        "mobility": mobility, "documents": mobility.documents.all(), "history": history,
        "estimate": live_estimate, "grant": stored_grant(mobility),
        "reject_form": RejectForm(), "document_form": DocumentForm(),
        "can": {
            "edit": permissions.can_edit(user, mobility),
            "submit": permissions.can_edit(user, mobility),
            "decide": permissions.can_decide(user, mobility),
            "start": permissions.can_start(user, mobility),
            "complete": permissions.can_complete(user, mobility),
            "cancel": permissions.can_cancel(user, mobility),
            "upload": permissions.can_upload(user, mobility),
        },
    })


def _workflow_view(service, success):
    @login_required
    @require_POST
    def view(request, pk):
        mobility = get_mobility_for(request.user, pk)
        try:
            service(mobility=mobility, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, success())
        return redirect("mobility:detail", pk=pk)
    return view


mobility_submit = _workflow_view(services.submit_mobility,
                                 lambda: _("Your application has been submitted to the coordinator."))
mobility_approve = _workflow_view(services.approve_mobility, lambda: _("The mobility is approved."))
mobility_start = _workflow_view(services.start_mobility, lambda: _("The mobility is in progress."))
mobility_complete = _workflow_view(services.complete_mobility,
                                   lambda: _("The mobility is completed."))
mobility_cancel = _workflow_view(services.cancel_mobility, lambda: _("The mobility is cancelled."))


@login_required
@require_POST
def mobility_reject(request, pk):
    mobility = get_mobility_for(request.user, pk)
    form = RejectForm(request.POST)
    try:
        services.reject_mobility(mobility=mobility, actor=request.user,
                                 reason=form.data.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The mobility is rejected; the applicant has been told why."))
    return redirect("mobility:detail", pk=pk)


@login_required
@require_POST
def mobility_delete(request, pk):
    mobility = get_mobility_for(request.user, pk)
    try:
        services.delete_mobility(mobility=mobility, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("mobility:detail", pk=pk)
    messages.success(request, _("The draft has been deleted."))
    return redirect("mobility:list")


@login_required
@require_POST
def document_upload(request, pk):
    mobility = get_mobility_for(request.user, pk)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("mobility:detail", pk=pk)
    try:
        services.upload_document(mobility=mobility, actor=request.user,
                                 kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The document has been uploaded."))
    return redirect("mobility:detail", pk=pk)


@login_required
def document_download(request, pk, document_pk):
    mobility = get_mobility_for(request.user, pk)
    document = get_object_or_404(MobilityDocument, pk=document_pk, mobility=mobility)
    return serve_file(document.file, filename=document.original_name,
                      content_type=document.content_type)


# --- coordinator ----------------------------------------------------------------------------
@coordinator_required
def mobility_queue(request):
    page = Paginator(selectors.mobility_queue(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "mobility/mobility_queue.html", {"page": page,
                                                            "reject_form": RejectForm()})


@coordinator_required
def university_flows(request):
    universities = list(University.objects.all())
    chosen = next((u for u in universities if str(u.pk) == request.GET.get("university")),
                  next((u for u in universities if u.is_host), universities[0] if universities else None))
    incoming = outgoing = []
    if chosen:
        incoming = list(selectors.incoming_to(chosen)[:200])
        outgoing = list(selectors.outgoing_from(chosen)[:200])
    return render(request, "mobility/university_flows.html", {
        "universities": universities, "university": chosen, "incoming": incoming,
        "outgoing": outgoing})


@coordinator_required
def who_is_where(request):
    start, end = selectors.default_calendar_period()
    form = PeriodForm(request.GET or None, initial={"start": start, "end": end})
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    # A two-year period at scale holds thousands of stays: one page of rows at a time.
    page = Paginator(selectors.who_is_where(start, end), CALENDAR_PAGE_SIZE).get_page(
        request.GET.get("page"))
    weeks = [start + timedelta(days=7 * i) for i in range(((end - start).days // 7) + 1)]
    if len(weeks) > MAX_CALENDAR_WEEKS:
        weeks = []  # too wide to draw: the dates column says it all
    rows = [{"mobility": m, "cells": [m.planned_start <= w + timedelta(days=6) and m.planned_end >= w
                                      for w in weeks]} for m in page]
    return render(request, "mobility/who_is_where.html", {
        "form": form, "start": start, "end": end, "rows": rows, "weeks": weeks, "page": page,
        "querystring": urlencode({"start": start.isoformat(), "end": end.isoformat()})})


@coordinator_required
def grant_summary(request):
    editions = list(Edition.objects.all())
    edition = next((e for e in editions if str(e.pk) == request.GET.get("edition")), None)
    per_edition = list(
        selectors.erasmus_grants().values("edition__year")
        .annotate(count=Count("id"), total=Sum("grant_total")).order_by("edition__year"))
    return render(request, "mobility/grant_summary.html", {
        "editions": editions, "edition": edition, "summary": selectors.grant_summary(edition),
        "per_edition": per_edition})


@coordinator_required
def grant_summary_export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    edition_id = request.GET.get("edition", "")
    edition = Edition.objects.filter(pk=edition_id).first() if edition_id.isdigit() else None
    summary = selectors.grant_summary(edition)
    if fmt == "xlsx":
        return exports.grants_xlsx(summary, selectors.erasmus_grants(edition=edition))
    return exports.grants_csv(summary)
