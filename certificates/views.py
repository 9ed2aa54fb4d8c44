"""Pages: the holder's certificates and portfolio, the office's issuing pages, and the public
verify page (no login; only what the certificate states)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marathon.decorators import office_required
from marathon.models import Edition, User
from marathon.uploads import PDF, validate_upload

from . import badges, content, selectors, services, signing
from .forms import IssueOneForm, PdfCheckForm, RevokeForm, SettingsForm
from .labels import degree_label, mobility_label, result_label, role_label, workload_label
from .models import Certificate, IssueRun, Portfolio
from .pdf import verify_pdf
from .portfolio import json_resume, portfolio_pdf

PDF_CHECK_MAX_BYTES = 5 * 1024 * 1024


def get_certificate_for(user, pk: int) -> Certificate:
    certificate = selectors.certificate_visible_to(user, pk)
    if certificate is None:
        raise Http404(_("No such certificate."))
    return certificate


def printed(data: dict) -> dict:
    """The data with their labels, for templates (the verify page shows exactly these)."""
    return {
        **data, "roles_label": ", ".join(role_label(r) for r in data["roles"]),
        "degree_label": degree_label(data.get("degree_level", "")),
        "workload_label": workload_label(data.get("workload")),
        "projects": [{**p, "result_label": result_label(p.get("result"))} for p in data["projects"]],
        "mobility": [{**m, "kind_label": mobility_label(m["kind"])} for m in data["mobility"]],
    }


# --- holder ----------------------------------------------------------------------------------
@login_required
def mine(request):
    return render(request, "certificates/certificate_list.html",
                  {"certificates": selectors.certificates_of(request.user)})


@login_required
def detail(request, pk: int):
    certificate = get_certificate_for(request.user, pk)
    return render(request, "certificates/certificate_detail.html", {
        "certificate": certificate, "data": printed(certificate.data), "revoke_form": RevokeForm()})


@login_required
def download(request, pk: int):
    certificate = get_certificate_for(request.user, pk)
    response = HttpResponse(services.pdf_bytes(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def credential(request, pk: int):
    certificate = get_certificate_for(request.user, pk)
    response = JsonResponse(badges.signed_credential(certificate), json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}.credential.json"'
    return response


# --- office ----------------------------------------------------------------------------------
@office_required
def office(request):
    editions = Edition.objects.order_by("-year")
    return render(request, "certificates/office.html", {"editions": editions})


def _edition_or_404(year: int) -> Edition:
    return get_object_or_404(Edition, year=year)


@office_required
def edition_page(request, year: int):
    edition = _edition_or_404(year)
    cert_settings = content.settings_for(edition)
    settings_form = SettingsForm(request.POST or None, instance=cert_settings)
    if request.method == "POST" and settings_form.is_valid():
        try:
            services.update_settings(edition=edition, actor=request.user, data={
                name: settings_form.cleaned_data[name] for name in SettingsForm.Meta.fields})
        except ValidationError as error:
            settings_form.add_error(None, error)
        else:
            messages.success(request, _("The certificate settings were saved."))
            return redirect("certificates:edition", year=year)
    page = Paginator(selectors.certificates_for_office(edition=edition, query=request.GET.get("q", "")),
                     50).get_page(request.GET.get("page"))
    without = User.objects.filter(pk__in=content.eligible_person_ids(edition)).exclude(
        certificates__edition=edition).order_by("full_name")
    return render(request, "certificates/edition.html", {
        "edition": edition, "settings_form": settings_form, "page": page,
        "published": content.published_snapshot(edition) is not None,
        "runs": selectors.runs_of(edition)[:5], "issue_form": IssueOneForm(people=without),
        "query": request.GET.get("q", ""),
        "querystring": urlencode({"q": request.GET["q"]}) if request.GET.get("q") else "",
    })


@office_required
@require_POST
def start_run(request, year: int):
    edition = _edition_or_404(year)
    try:
        run = services.start_bulk_issue(edition=edition, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("certificates:edition", year=year)
    return redirect("certificates:run", pk=run.pk)


@office_required
@require_POST
def issue_one(request, year: int):
    edition = _edition_or_404(year)
    people = User.objects.filter(pk__in=content.eligible_person_ids(edition))
    form = IssueOneForm(request.POST, people=people)
    if form.is_valid():
        try:
            certificate = services.issue_certificate(person=form.cleaned_data["person"], edition=edition,
                                                     actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Certificate %(number)s issued.") % {"number": certificate.number})
            return redirect("certificates:detail", pk=certificate.pk)
    else:
        messages.error(request, _("Choose a person who took part in this edition."))
    return redirect("certificates:edition", year=year)


@office_required
def run_detail(request, pk: int):
    run = get_object_or_404(IssueRun.objects.select_related("edition"), pk=pk)
    return render(request, "certificates/run_detail.html", {"run": run})


@office_required
def run_status(request, pk: int):
    run = get_object_or_404(IssueRun.objects.select_related("edition"), pk=pk)
    return render(request, "certificates/_run_status.html", {"run": run})


@office_required
@require_POST
def run_resume(request, pk: int):
    run = get_object_or_404(IssueRun, pk=pk)
    try:
        services.resume_run(run=run, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("certificates:run", pk=pk)


@office_required
@require_POST
def revoke(request, pk: int):
    certificate = get_certificate_for(request.user, pk)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.revoke_certificate(certificate=certificate, actor=request.user,
                                        reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The certificate was revoked."))
    else:
        messages.error(request, _("Give the reason for revoking."))
    return redirect("certificates:detail", pk=pk)


# --- public ----------------------------------------------------------------------------------
def verify(request, code: str):
    """No login, one query: the certificate's status and exactly the data it states."""
    result = selectors.verification(selectors.certificate_by_code(code))
    if result["status"] == "unknown":
        return render(request, "certificates/verify_unknown.html", {"form": PdfCheckForm()}, status=404)
    return render(request, "certificates/verify.html", {"result": result, "data": printed(result["data"])})


def verify_index(request):
    """Check a PDF: its embedded signed data, its printed text, and the registry's status."""
    form = PdfCheckForm(request.POST or None, request.FILES or None)
    check = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            validate_upload(upload, allowed=PDF, max_bytes=PDF_CHECK_MAX_BYTES)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            check = verify_pdf(upload.read())
            if check.status == "valid":
                registered = selectors.certificate_by_code(check.code)
                if registered is None:
                    check.status = "unknown"
                elif registered.canonical != signing.canonical_json(check.data):
                    check.status = "invalid"
                elif registered.status == "revoked":
                    check.status = "revoked"
    return render(request, "certificates/verify_check.html", {"form": form, "check": check},
                  status=400 if form.errors else 200)


def achievement(request, year: int, role: str):
    edition = _edition_or_404(year)
    if role not in {"student", "team_lead", "supervisor", "expert", "visiting_professor"}:
        raise Http404
    return render(request, "certificates/achievement.html", {"edition": edition, "role_label": role_label(role)})


# --- portfolio -------------------------------------------------------------------------------
@login_required
def portfolio(request):
    own = services.portfolio_of(request.user)
    return render(request, "certificates/portfolio.html", {
        "portfolio": own, "data": selectors.portfolio_data(request.user), "own": True})


@login_required
@require_POST
def portfolio_visibility(request):
    public = request.POST.get("public") == "1"
    services.set_portfolio_public(user=request.user, actor=request.user, public=public)
    messages.success(request, _("Your portfolio is public now.") if public else _("Your portfolio is private now."))
    return redirect("certificates:portfolio")


def _portfolio_for(request, slug: str | None) -> Portfolio:
    if slug is None:
        if not request.user.is_authenticated:
            raise Http404
        return services.portfolio_of(request.user)
    found = Portfolio.objects.select_related("user__university").filter(slug=slug, is_public=True).first()
    if found is None:
        raise Http404(_("No such public portfolio."))
    return found


def public_portfolio(request, slug: str):
    found = _portfolio_for(request, slug)
    return render(request, "certificates/portfolio.html", {
        "portfolio": found, "data": selectors.portfolio_data(found.user), "own": False})


def portfolio_json(request, slug: str | None = None):
    found = _portfolio_for(request, slug)
    response = JsonResponse(json_resume(found, selectors.portfolio_data(found.user)),
                            json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="resume.json"'
    return response


def portfolio_pdf_view(request, slug: str | None = None):
    found = _portfolio_for(request, slug)
    response = HttpResponse(portfolio_pdf(selectors.portfolio_data(found.user)), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="portfolio.pdf"'
    return response
