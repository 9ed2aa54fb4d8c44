"""Pages of the workspace: thin — a scoped lookup, a form, one service call, a redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marathon.models import Edition, User
from marathon.uploads import serve_file

from . import exports, selectors, services
from .forms import CommentForm, JournalEntryForm, MilestoneForm, ReportForm, ReviewForm, SettingsForm
from .models import (
    DigestPreference,
    EntryStatus,
    ExportStatus,
    JournalEntry,
    JournalFile,
    Milestone,
    ProgressReport,
    ReportStatus,
    WorkspaceExport,
)

JOURNAL_PER_PAGE = 20
TEAMS_PER_PAGE = 25


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _writable(user, team_id: int):
    team, access = selectors.team_for_workspace(user, team_id)
    if not access.write:
        raise PermissionDenied(_("Only the team's members and supervisors can change its workspace."))
    return team, access


def _members(team):
    return User.objects.filter(memberships__team=team).order_by("full_name", "pk")


# --- index and team page ---------------------------------------------------------------------
@login_required
def index(request):
    teams = (selectors.teams_for_workspace().filter(memberships__user=request.user)
             .order_by("-edition__year", "name").distinct())
    supervised = selectors.teams_for_workspace().filter(pk__in=selectors.supervised_team_ids(request.user))
    return render(request, "workspace/index.html", {"teams": list(teams) + [t for t in supervised if t not in teams],
                                                    "edition": Edition.objects.current()})


@login_required
def team_workspace(request, pk):
    team, access = selectors.team_for_workspace(request.user, pk)
    today = timezone.localdate()
    milestones = selectors.with_labels(selectors.work_plan(team), "kind", "status")
    for milestone in milestones:  # `Milestone.overdue` asks for today's date on every use
        milestone.overdue_today = milestone.is_overdue(today)
    # The page shows neither the entries' authors nor the activities' actors.
    recent = selectors.with_labels(selectors.journal_of(team).select_related(None)[:5], "kind", "status")
    return render(request, "workspace/team_workspace.html", {
        "team": team, "access": access, "milestones": milestones, "today": today,
        "timeline": selectors.timeline(milestones, team.edition), "recent": recent,
        "activity": selectors.activity_of(team).select_related(None),
        "customer_can_read": selectors.customer_can_read(team.project),
        "exports": WorkspaceExport.objects.filter(team=team, owner=request.user).defer("content")[:3],
    })


# --- milestones ------------------------------------------------------------------------------
@login_required
def milestone_create(request, pk):
    team, _access = _writable(request.user, pk)
    form = MilestoneForm(request.POST or None, request.FILES or None, members=_members(team))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("owners", "evidence_file", "version")}
        try:
            services.create_milestone(team=team, actor=request.user, data=data,
                                                  owners=form.cleaned_data["owners"],
                                                  evidence=form.cleaned_data["evidence_file"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The milestone is added to the work plan."))
            return redirect("workspace:team", team.pk)
    return render(request, "workspace/milestone_form.html", {"team": team, "form": form})


@login_required
def milestone_detail(request, pk):
    milestone = get_object_or_404(Milestone.objects.prefetch_related("owners"), pk=pk)
    team, access = selectors.team_for_workspace(request.user, milestone.team_id)
    form = None
    if access.write:
        form = MilestoneForm(request.POST or None, request.FILES or None, members=_members(team),
                             initial=MilestoneForm.initial_for(milestone))
        if request.method == "POST" and form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k not in ("owners", "evidence_file", "version")}
            try:
                services.update_milestone(milestone=milestone, actor=request.user, data=data,
                                          expected_version=form.cleaned_data["version"] or 0,
                                          owners=form.cleaned_data["owners"],
                                          evidence=form.cleaned_data["evidence_file"])
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("The milestone is saved."))
                return redirect(milestone)
    elif request.method == "POST":
        raise PermissionDenied
    return render(request, "workspace/milestone_detail.html", {
        "team": team, "access": access, "milestone": milestone, "form": form,
        "comments": selectors.comments_on(milestone=milestone), "comment_form": CommentForm(),
        "comment_url": ("milestone", milestone.pk)})


@login_required
def milestone_evidence(request, pk):
    milestone = get_object_or_404(Milestone, pk=pk)
    selectors.team_for_workspace(request.user, milestone.team_id)
    if not milestone.evidence_file:
        raise Http404
    return serve_file(milestone.evidence_file, filename=milestone.evidence_name, content_type=milestone.evidence_type)


# --- journal ---------------------------------------------------------------------------------
@login_required
def journal(request, pk):
    team, access = selectors.team_for_workspace(request.user, pk)
    query = request.GET.get("q", "").strip()
    entries = selectors.search_journal(selectors.journal_of(team), query)
    page = Paginator(entries, JOURNAL_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "workspace/journal.html", {
        "team": team, "access": access, "page": page, "q": query,
        "entries": selectors.with_labels(page.object_list, "kind", "status"),
        "querystring": f"q={query}&" if query else "", "chain": selectors.verify_chain(team)})


def _entry_form(request, team, initial=None):
    return JournalEntryForm(request.POST or None, request.FILES or None, initial=initial,
                            milestones=selectors.milestones_of(team),
                            people=User.objects.filter(memberships__team=team).exclude(pk=request.user.pk)
                            .order_by("full_name", "pk"))


@login_required
def entry_create(request, pk):
    team, _access = _writable(request.user, pk)
    form = _entry_form(request, team)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.create_entry(
                team=team, actor=request.user, data=form.entry_data(), milestones=form.cleaned_data["milestones"],
                coauthors=form.cleaned_data["coauthors"],
                files=[f for f in request.FILES.getlist("files") if f])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The entry is saved as a draft. Sign it when it is complete."))
            return redirect(entry)
    return render(request, "workspace/entry_form.html", {"team": team, "form": form})


@login_required
def entry_detail(request, pk):
    entry = selectors.entry_detail(pk)
    team, access = selectors.team_for_workspace(request.user, entry.team_id)
    editable = access.write and entry.status == EntryStatus.DRAFT and entry.author_id == request.user.pk
    form = _entry_form(request, team, initial=JournalEntryForm.initial_for(entry)) if editable else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.update_entry(entry=entry, actor=request.user, data=form.entry_data(),
                                      milestones=form.cleaned_data["milestones"],
                                      coauthors=form.cleaned_data["coauthors"],
                                      files=[f for f in request.FILES.getlist("files") if f])
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("The draft is saved."))
                return redirect(entry)
    return render(request, "workspace/entry_detail.html", {
        "team": team, "access": access, "entry": entry, "form": form, "versions": selectors.versions_of(entry),
        "has_newer": JournalEntry.objects.filter(previous_version=entry).exists(),
        "comments": selectors.comments_on(entry=entry), "comment_form": CommentForm(),
        "comment_url": ("entry", entry.pk)})


def _entry_action(request, pk, action, success):
    entry = get_object_or_404(JournalEntry, pk=pk)
    _writable(request.user, entry.team_id)
    try:
        result = action(entry=entry, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect(entry)
    messages.success(request, success)
    return redirect(result)


@login_required
@require_POST
def entry_sign(request, pk):
    return _entry_action(request, pk, services.sign_entry, _("The entry is signed; it can no longer change."))


@login_required
@require_POST
def entry_new_version(request, pk):
    return _entry_action(request, pk, services.new_version,
                         _("A new version is drafted; the signed one stays in the history."))


@login_required
def entry_file(request, pk):
    stored = get_object_or_404(JournalFile.objects.select_related("entry"), pk=pk)
    selectors.team_for_workspace(request.user, stored.entry.team_id)
    return serve_file(stored.file, filename=stored.original_name, content_type=stored.content_type)


# --- reports ---------------------------------------------------------------------------------
@login_required
def reports(request, pk):
    team, access = selectors.team_for_workspace(request.user, pk)
    config = selectors.edition_settings(team.edition)
    return render(request, "workspace/reports.html", {
        "team": team, "access": access, "rows": selectors.report_rows(team, config.report_cadence),
        "config": config})


@login_required
@require_POST
def report_start(request, pk):
    team, _access = _writable(request.user, pk)
    start = parse_date(request.POST.get("period_start", "") or "")
    try:
        report = services.start_report(team=team, actor=request.user, period_start=start) if start else None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("workspace:reports", team.pk)
    if report is None:
        messages.error(request, _("Choose a reporting period."))
        return redirect("workspace:reports", team.pk)
    return redirect(report)


@login_required
def report_detail(request, pk):
    report = get_object_or_404(ProgressReport.objects.select_related("submitted_by", "reviewed_by"), pk=pk)
    team, access = selectors.team_for_workspace(request.user, report.team_id)
    editable = access.write and report.status in (ReportStatus.DRAFT, ReportStatus.CHANGES_REQUESTED)
    form = ReportForm(request.POST or None, initial={"done": report.done, "next_steps": report.next_steps,
                                                     "risks": report.risks}) if editable else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                report = services.update_report(report=report, actor=request.user, data=form.cleaned_data)
                if "submit" in request.POST:
                    services.submit_report(report=report, actor=request.user)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("The report is submitted to the supervisors.") if "submit" in request.POST
                                 else _("The report is saved."))
                return redirect(report)
    return render(request, "workspace/report_detail.html", {
        "team": team, "access": access, "report": report, "form": form, "review_form": ReviewForm(),
        "reviews": report.reviews.select_related("reviewer"),
        "comments": selectors.comments_on(report=report), "comment_form": CommentForm(),
        "comment_url": ("report", report.pk)})


@login_required
@require_POST
def report_review(request, pk):
    report = get_object_or_404(ProgressReport, pk=pk)
    selectors.team_for_workspace(request.user, report.team_id)
    form = ReviewForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    try:
        if request.POST.get("decision") == "approve":
            services.approve_report(report=report, actor=request.user, comment=comment)
            messages.success(request, _("The report is approved."))
        else:
            services.request_changes(report=report, actor=request.user, comment=comment)
            messages.success(request, _("The report is sent back to the team."))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return redirect(report)


# --- discussion ------------------------------------------------------------------------------
TARGETS = {"milestone": Milestone, "entry": JournalEntry, "report": ProgressReport}


@login_required
@require_POST
def comment_add(request, kind, pk):
    model = TARGETS.get(kind)
    if model is None:
        raise Http404
    target = get_object_or_404(model, pk=pk)
    _writable(request.user, target.team_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.add_comment(actor=request.user, body=form.cleaned_data["body"], **{kind: target})
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Write a comment."))
    return redirect(f"{target.get_absolute_url()}#comments")


# --- exports ---------------------------------------------------------------------------------
@login_required
@require_POST
def export_pdf(request, pk):
    team, _access = selectors.team_for_workspace(request.user, pk)
    services.start_pdf_export(team=team, actor=request.user)
    messages.info(request, _("The PDF is being prepared; its progress shows below."))
    return redirect(f"{services.workspace_url(team)}#exports")


def _own_export(user, pk) -> WorkspaceExport:
    job = get_object_or_404(WorkspaceExport.objects.defer("content"), pk=pk, owner=user)
    selectors.team_for_workspace(user, job.team_id)
    return job


@login_required
def export_progress(request, pk):
    return render(request, "workspace/_export_row.html", {"job": _own_export(request.user, pk)})


@login_required
def export_download(request, pk):
    job = _own_export(request.user, pk)
    if job.status != ExportStatus.DONE:
        raise Http404
    content = WorkspaceExport.objects.values_list("content", flat=True).get(pk=job.pk)
    response = HttpResponse(bytes(content), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="workspace-{job.team_id}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def export_eln(request, pk):
    team, _access = selectors.team_for_workspace(request.user, pk)
    response = HttpResponse(exports.build_eln(team), content_type=exports.ELN_MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{exports.eln_filename(team)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def results_draft(request, pk):
    """The team's final results summary assembled from the workspace, to paste into (or compare
    with) the evaluation's results submission."""
    team, access = selectors.team_for_workspace(request.user, pk)
    summary = selectors.evaluation_summary(team)
    return render(request, "workspace/results_draft.html", {
        "team": team, "access": access, "summary": summary, "text": selectors.results_summary_text(summary)})


# --- settings and supervision ----------------------------------------------------------------
@login_required
@require_POST
def customer_access(request, pk):
    team, _access = selectors.team_for_workspace(request.user, pk)
    try:
        services.set_customer_access(project=team.project, actor=request.user,
                                     allowed=request.POST.get("allowed") == "1")
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Saved."))
    return redirect("workspace:team", team.pk)


@login_required
def preferences(request):
    current = DigestPreference.objects.filter(user=request.user).first()
    form = SettingsForm(request.POST or None, initial={"digest_opt_out": bool(current and current.opted_out)})
    if request.method == "POST" and form.is_valid():
        services.set_digest_opt_out(user=request.user, opted_out=form.cleaned_data["digest_opt_out"])
        messages.success(request, _("Your workspace settings are saved."))
        return redirect("workspace:preferences")
    return render(request, "workspace/preferences.html", {"form": form})


@login_required
def supervision(request):
    """Teams at risk: the office sees every team of the edition, a supervisor their own."""
    if not (request.user.is_staff or request.user.is_supervisor):
        raise Http404
    editions = Edition.objects.order_by("-year")
    chosen = request.GET.get("edition", "")
    edition = (editions.filter(pk=chosen).first() if chosen.isdigit() else None) or Edition.objects.current()
    if edition is None:
        raise Http404
    sort = request.GET.get("sort", "risk")
    only = request.GET.get("all") != "1"
    config = selectors.edition_settings(edition)
    rows = selectors.team_risks(edition, user=request.user, config=config)
    teams = selectors.teams_at_risk(rows, only_at_risk=only, sort=sort)
    page = Paginator(teams, TEAMS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "workspace/supervision.html", {
        "edition": edition, "editions": editions, "page": page, "teams": page.object_list, "sort": sort,
        "only": only, "counts": selectors.risk_counts(rows), "config": config,
        "querystring": f"edition={edition.pk}&sort={sort}&{'' if only else 'all=1&'}"})
