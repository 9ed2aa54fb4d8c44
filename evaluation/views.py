"""Pages of the expert commission: thin, one scoped lookup per entity, one service per action."""

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from marathon.uploads import serve_file
from projects.models import Membership, Team

from . import exports, selectors, services, tables
from .forms import (
    AssignForm,
    AutoAssignForm,
    ConflictForm,
    CriterionForm,
    MemberForm,
    PublishForm,
    RankingMethodForm,
    ResultSubmissionForm,
    ScoreSheetForm,
)
from .models import (
    Assignment,
    Commission,
    CommissionMember,
    ConflictOfInterest,
    Criterion,
    ResultSnapshot,
    ResultSubmission,
    ScoreSheet,
    SheetStatus,
)


# --- scoped lookups ------------------------------------------------------------------------
def get_sheet_for_user(user, pk, queryset=None, *, load=None) -> ScoreSheet:
    """The author's or a chair's view of a sheet; anyone else gets 404. The sheet comes from
    `queryset`, or from `load(pk)` (None when there is none: `selectors.sheet_for_page`)."""
    if load is not None:
        sheet = load(pk)
        if sheet is None:
            raise Http404
    else:
        sheet = get_object_or_404(queryset if queryset is not None else ScoreSheet.objects.select_related(
            "assignment__member__user", "assignment__member__commission__edition", "assignment__project__team"),
            pk=pk)
    commission = sheet.assignment.member.commission
    if sheet.assignment.member.user_id != user.pk and not selectors.is_chair(user, commission):
        raise Http404
    return sheet


def get_commission_for_chair(user, year) -> Commission:
    """Pages with individual scores or the live results: chairs only (not the office)."""
    commission = selectors.commission_for_year(year)
    if commission is None or not selectors.is_chair(user, commission):
        raise Http404
    return commission


def get_commission_for_manager(user, year) -> Commission:
    """The dashboard and its assignment/reminder actions: chairs and the programme office.
    Sets `commission.viewer_is_chair` so the page need not ask again."""
    commission = selectors.commission_for_year(year)
    if commission is None:
        raise Http404
    commission.viewer_is_chair = selectors.is_chair(user, commission)
    if not (commission.viewer_is_chair or user.is_staff):
        raise Http404
    return commission


# --- expert --------------------------------------------------------------------------------
SHEETS_PER_PAGE = 50


@login_required
def my_sheets(request):
    """The expert's sheets, newest edition first; paginated, as an expert may sit on many
    commissions over the years."""
    page = Paginator(selectors.sheets_of_expert(request.user), SHEETS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "evaluation/sheet_list.html", {
        "sheets": _with_edition_lines(page.object_list), "page": page, "querystring": "",
        "chaired": selectors.managed_commissions(request.user), "today": timezone.localdate()})


def _with_edition_lines(sheets) -> list:
    """Each sheet with its row's "year · deadline" line, translated and formatted once per edition
    rather than once per row (an expert's fifty rows span a few editions)."""
    lines, rows = {}, list(sheets)
    for sheet in rows:
        key = (sheet.year, sheet.deadline)
        if key not in lines:
            lines[key] = _("%(year)s · deadline %(deadline)s") % {
                "year": sheet.year, "deadline": formats.date_format(sheet.deadline)}
        sheet.edition_line = lines[key]
    return rows


def _sheet_context(sheet, form, user):
    """The page's context from the sheet loaded by `selectors.sheet_for_page` (team, results
    submission and conflict facts already joined)."""
    edition = sheet.assignment.member.commission.edition
    team = getattr(sheet.assignment.project, "team", None)
    submission = getattr(team, "result_submission", None) if team else None
    conflict = selectors.conflict_reason_of(sheet.assignment.member, sheet.assignment.project,
                                            declared=sheet.declared_conflict, co_supervises=sheet.co_supervises,
                                            in_team=sheet.in_team)
    editable = (sheet.assignment.member.user_id == user.pk and not conflict
                and timezone.localdate() <= edition.evaluation_end)
    revisions = selectors.recent_revisions(sheet.pk)
    return {"sheet": sheet, "form": form, "edition": edition, "submission": submission,
            "conflict": conflict, "editable": editable, "revisions": revisions, "history": _history(revisions)}


def _history(revisions) -> str:
    """The history's items as the template's loop wrote them ("#3 · <date and time> · saved"), the
    two words translated once rather than once per revision."""
    words = {"submitted": _("submitted"), "saved": _("saved")}
    return format_html_join("", "<li>#{} · {} · {}</li>", (
        (revision.number, formats.date_format(timezone.template_localtime(revision.created_at), "DATETIME_FORMAT"),
         words["submitted" if revision.action == "submitted" else "saved"]) for revision in revisions))


@login_required
def sheet_detail(request, pk):
    sheet = get_sheet_for_user(request.user, pk, load=selectors.sheet_for_page)
    criteria = selectors.criteria_with_scores(sheet.assignment.member.commission.edition_id, sheet.pk)
    form = ScoreSheetForm(request.POST or None, sheet=sheet, criteria=criteria)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_score_sheet(sheet=sheet, actor=request.user, scores=form.scores(),
                                      feedback=form.cleaned_data["feedback"],
                                      confidential_note=form.cleaned_data["confidential_note"])
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(_messages(exc)))
        else:
            messages.success(request, _("Your scores are saved."))
            return redirect(sheet)
    return render(request, "evaluation/sheet_detail.html", _sheet_context(sheet, form, request.user))


def _messages(exc) -> list[str]:
    return exc.messages if isinstance(exc, ValidationError) else [str(exc)]


@login_required
@require_POST
def sheet_autosave(request, pk):
    """htmx: save the draft on every change and answer with the status line only."""
    sheet = get_sheet_for_user(request.user, pk, selectors.sheet_to_save())
    criteria = selectors.criteria_with_scores(sheet.edition_id, sheet.pk)
    form = ScoreSheetForm(request.POST, sheet=sheet, criteria=criteria)
    error = ""
    if not form.is_valid():
        error = _("Some values are not valid.")
    else:
        try:
            sheet = services.save_score_sheet(sheet=sheet, actor=request.user, scores=form.scores(),
                                              feedback=form.cleaned_data["feedback"],
                                              confidential_note=form.cleaned_data["confidential_note"])
        except (ValidationError, PermissionDenied) as exc:
            error = " ".join(_messages(exc))
    # The status line needs no context processor (the navbar's queries).
    return HttpResponse(render_to_string("evaluation/_autosave_status.html", {"sheet": sheet, "error": error}))


@login_required
@require_POST
def sheet_submit(request, pk):
    sheet = get_sheet_for_user(request.user, pk, selectors.sheet_to_save())
    criteria = selectors.criteria_with_scores(sheet.edition_id, sheet.pk)
    form = ScoreSheetForm(request.POST, sheet=sheet, criteria=criteria)
    try:
        if form.is_valid() and sheet.status == SheetStatus.DRAFT:
            services.save_score_sheet(sheet=sheet, actor=request.user, scores=form.scores(),
                                      feedback=form.cleaned_data["feedback"],
                                      confidential_note=form.cleaned_data["confidential_note"])
        services.submit_score_sheet(sheet=sheet, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(_messages(exc)))
    else:
        messages.success(request, _("Your score sheet is submitted. You can still change it until the deadline."))
    return redirect(sheet)


@login_required
def submission_file(request, pk, kind):
    """A team's report or presentation: for its team, the experts assigned to it, and chairs."""
    submission = get_object_or_404(ResultSubmission.objects.select_related("team__project"), pk=pk)
    if kind not in ("final_report", "presentation") or not getattr(submission, kind):
        raise Http404
    project = submission.team.project
    allowed = (Membership.objects.filter(team=submission.team, user=request.user).exists()
               or selectors.assignments_visible_to(request.user).filter(project=project).exists())
    if not allowed:
        raise Http404
    return serve_file(getattr(submission, kind), filename=getattr(submission, f"{kind}_name"),
                      content_type=getattr(submission, f"{kind}_type"))


@login_required
def declare_conflict(request):
    seats = list(CommissionMember.objects.filter(user=request.user).select_related("commission__edition"))
    if not seats:
        raise Http404
    projects = selectors.projects_to_evaluate(seats[0].commission.edition).none()
    for seat in seats:
        projects = projects | selectors.projects_to_evaluate(seat.commission.edition)
    form = ConflictForm(request.POST or None, projects=projects.order_by("title"))
    if request.method == "POST" and form.is_valid():
        project = form.cleaned_data["project"]
        seat = next(s for s in seats if s.commission.edition_id == project.edition_id)
        try:
            services.declare_conflict(member=seat, project=project, reason=form.cleaned_data["reason"],
                                      actor=request.user)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, " ".join(_messages(exc)))
        else:
            messages.success(request, _("Your conflict of interest is recorded; you will not evaluate this project."))
            return redirect("evaluation:my_sheets")
    return render(request, "evaluation/conflict_form.html", {"form": form})


# --- chair ---------------------------------------------------------------------------------
METHODS = ("mean", "median", "normalised", "group_balanced")


def _number(value, places: int, separator: str) -> str:
    """`value|floatformat:places` in plain Python (half up, the locale's decimal separator,
    no grouping; '' for None), ~20x cheaper than the filter over 1,600 cells."""
    if value is None:
        return ""
    text = f"{Decimal(str(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP):f}"
    return text.replace(".", separator) if places else text


def _results_table_context(results: dict) -> dict:
    """The results table's rows with every number already formatted."""
    separator = formats.get_format("DECIMAL_SEPARATOR")
    rows = []
    for row in results["projects"]:
        scores, ranks = row["scores"], row["ranks"]
        rows.append({
            "official_rank": row["official_rank"], "title": row["title"], "sheets": row["sheets"],
            "disagreement_flag": row["disagreement_flag"], "rank_moves": row["rank_moves"],
            **{method: _number(scores[method], 1, separator) for method in METHODS},
            "ranks": " / ".join(str(ranks[m]) for m in METHODS),
            "range": f"{_number(row['min'], 0, separator)}–{_number(row['max'], 0, separator)}",
            "stdev": _number(row["stdev"], 1, separator),
        })
    agreement = results["agreement"]
    if agreement:
        agreement = {"icc1": _number(agreement["icc1"], 2, separator),
                     "icc1k": _number(agreement["icc1k"], 2, separator), "projects": agreement["projects"]}
    return {"rows": rows, "agreement": agreement}


class _GapTexts(Sequence):
    """A kind of publication gap as sentences, formatted when read: the dashboard shows ten of
    them and counts the rest (at the peer's size, 1,500 teams may still owe their results)."""

    def __init__(self, kind: str, rows: list[dict]):
        self.kind, self.rows = kind, rows

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [selectors.gap_text(self.kind, row) for row in self.rows[index]]
        return selectors.gap_text(self.kind, self.rows[index])


def _results_options(params) -> tuple[str, bool]:
    return (tables.choice(params, "r_sort", tables.RESULT_SORTS, "rank"), params.get("r_filter") == "disagreement")


def _results_table(commission, params=None, key: str | None = None,
                   reads: selectors.CountedReads | None = None) -> tuple[str, tables.Table]:
    """The chair's rendered results table (one page of it, sorted and filtered from `params`),
    cached under the live results' key (which changes with every input of the numbers) per
    language and table options: a repeated view costs the key's one primary-key query (none when
    the caller gives `key`). `reads` keeps the rows the results are computed from, if they are
    (`selectors.compute_results`)."""
    params = params if params is not None else QueryDict()
    sort, disagreement = _results_options(params)
    key = key or selectors.results_cache_key(commission)
    results = None
    table = None
    page_param = params.get("r_page", "1")
    html_key = f"{key}:table:{translation.get_language()}:{sort}:{int(disagreement)}:{page_param[:8]}"
    cached = selectors.results_cache().get(html_key)
    if cached is not None:
        html, meta = cached
        table = tables.Table(**meta)
    else:
        results = selectors.live_results(commission, key=key, details=False, reads=reads)
        rows = tables.results_rows(results["projects"], sort, disagreement)
        table = tables.paginate(params, "r", rows, sort=sort, sort_options=_result_sort_labels(), allow_all=True)
        html = render_to_string("evaluation/_results_table.html", _results_table_context(
            {"projects": table.rows, "agreement": results["agreement"]}))
        selectors.results_cache().set(html_key, (html, table.cacheable()), selectors.LIVE_RESULTS_TTL)
    return mark_safe(html), table  # noqa: S308 - our own template's output, escaped when rendered


def _result_sort_labels() -> dict:
    return {"rank": _("rank"), "title": _("title"), "sheets": _("sheets"), "spread": _("spread")}


def _progress_page(key: str, page, rows) -> tuple[int, int, list]:
    """One page of a progress table (`tables.queryset_page` of the queryset `rows()` builds),
    cached under the results key (`key` extends it with the table's sort and filter): every
    service that changes a count (assigning, removing, submitting, seats) bumps the results
    version, as `selectors.dashboard_gaps` says. The links around the page are built per request."""
    key = f"{key}:{str(page)[:8]}"
    store = selectors.results_cache()
    cached = store.get(key)
    if cached is None:
        cached = tables.queryset_page(rows(), page)
        store.set(key, cached, selectors.LIVE_RESULTS_TTL)
    return cached


@login_required
def dashboard(request, year):
    """Progress, assignment and reminders for chairs and the office; the live results table
    (and links to individual sheets) for chairs only. The manual-assignment form (a `<select>`
    of every expert and project) is loaded on demand (`assign_form`). Each table is sorted,
    filtered and paginated from the query string (`evaluation.tables`), so the page stays small
    whatever the commission's size; the full ranking is one link away and in the exports."""
    commission = get_commission_for_manager(request.user, year)
    snapshot = selectors.published_snapshot(commission)
    is_chair = commission.viewer_is_chair
    params = request.GET
    publishing = {}
    key = selectors.results_cache_key(commission)
    # The results table first: when it computes the live results (cold), the gaps count the
    # projects short of sheets from the same rows instead of a statement of their own.
    reads = selectors.CountedReads(commission) if is_chair and snapshot is None else None
    results_table, results = _results_table(commission, params, key, reads) if is_chair else ("", None)
    if is_chair and snapshot is None:
        gaps = selectors.dashboard_gaps(commission, key, reads)
        publishing = {
            "gaps": {kind: _GapTexts(kind, rows) for kind, rows in gaps.items()},
            "has_gaps": selectors.has_gaps(gaps),
            "publish_opens": commission.edition.evaluation_start,
            "can_publish": timezone.localdate() >= commission.edition.evaluation_start,
            "publish_form": PublishForm(),
            "method_form": RankingMethodForm(initial={"method": commission.ranking_method})}
    expert_sort = tables.choice(params, "e_sort", selectors.EXPERT_SORTS, "name")
    unfinished = params.get("e_filter") == "unfinished"
    project_sort = tables.choice(params, "p_sort", selectors.PROJECT_SORTS, "title")
    fewer_than = tables.positive_int(params, "p_lt")
    experts = tables.paginate(
        params, "e", _progress_page(
            f"{key}:experts:{expert_sort}:{int(unfinished)}", params.get("e_page"),
            lambda: selectors.progress_by_expert(commission, sort=expert_sort, unfinished=unfinished)),
        sort=expert_sort, sort_options={"name": _("name"), "submitted": _("submitted"), "open": _("most open")})
    projects = tables.paginate(
        params, "p", _progress_page(
            f"{key}:projects:{project_sort}:{fewer_than}", params.get("p_page"),
            lambda: selectors.progress_by_project(commission, sort=project_sort, fewer_than=fewer_than)),
        sort=project_sort, sort_options={"title": _("title"), "submitted": _("submitted"),
                                         "assigned": _("assigned")})
    return render(request, "evaluation/commission_dashboard.html", {
        **publishing,
        "commission": commission, "edition": commission.edition, "snapshot": snapshot, "is_chair": is_chair,
        "experts": experts, "unfinished": unfinished,
        "unfinished_url": tables.url_with(params, e_filter=None if unfinished else "unfinished", e_page=None),
        "projects": projects, "fewer_than": fewer_than,
        "fewer_than_clear_url": tables.url_with(params, p_lt=None, p_page=None),
        "carry_params": [(k, v) for k, v in params.items() if k not in ("p_lt", "p_page")],
        "results_table": results_table, "results": results,
        "disagreement": _results_options(params)[1],
        "disagreement_url": tables.url_with(
            params, r_filter=None if _results_options(params)[1] else "disagreement", r_page=None),
        "conflicts": ConflictOfInterest.objects.filter(member__commission=commission)
        .select_related("member__user", "project"),
        "auto_form": AutoAssignForm(),
    })


@login_required
def assign_form(request, year):
    """The manual-assignment form: the fragment for htmx (the dashboard's button), a page
    otherwise. Refused once the results are published."""
    commission = get_commission_for_manager(request.user, year)
    if selectors.published_snapshot(commission) is not None:
        raise Http404
    template = "evaluation/_assign_form.html" if request.headers.get("HX-Request") else "evaluation/assign_form.html"
    return render(request, template, {
        "commission": commission, "edition": commission.edition,
        "assign_form": AssignForm(commission=commission, projects=selectors.projects_to_evaluate(commission.edition))})


@login_required
def project_sheets(request, year, project_pk):
    """The chair's view of one project's individual sheets (authors, scores, confidential notes)."""
    commission = get_commission_for_chair(request.user, year)
    project = get_object_or_404(selectors.projects_to_evaluate(commission.edition), pk=project_pk)
    return render(request, "evaluation/project_sheets.html", {
        "commission": commission, "project": project,
        "sheets": selectors.sheets_of_project(commission, project)})


def _dashboard_action(request, year, action, lookup=get_commission_for_manager):
    commission = lookup(request.user, year)
    try:
        message = action(commission)
    except (ValidationError, PermissionDenied) as exc:
        for text in _messages(exc):
            messages.error(request, text)
    else:
        messages.success(request, message)
    return redirect("evaluation:dashboard", year)


@login_required
@require_POST
def assign(request, year):
    def action(commission):
        form = AssignForm(request.POST, commission=commission,
                          projects=selectors.projects_to_evaluate(commission.edition))
        if not form.is_valid():
            raise ValidationError(_("Choose an expert and a project."))
        services.assign_expert(member=form.cleaned_data["member"], project=form.cleaned_data["project"],
                               actor=request.user)
        return _("The expert is assigned.")
    return _dashboard_action(request, year, action)


@login_required
@require_POST
def auto_assign(request, year):
    def action(commission):
        form = AutoAssignForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Give a number of experts per project between 2 and 20."))
        created = services.auto_assign(commission=commission, per_project=form.cleaned_data["per_project"],
                                       actor=request.user)
        return ngettext("%(count)d assignment created.", "%(count)d assignments created.",
                        len(created)) % {"count": len(created)}
    return _dashboard_action(request, year, action)


@login_required
@require_POST
def remove_assignment(request, year, pk):
    """Withdraw an expert from a project; back to the project's sheets (chair) or the dashboard."""
    commission = get_commission_for_manager(request.user, year)
    assignment = get_object_or_404(Assignment.objects.select_related("member__commission", "project"),
                                   pk=pk, member__commission=commission)
    try:
        services.remove_assignment(assignment=assignment, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        for text in _messages(exc):
            messages.error(request, text)
    else:
        messages.success(request, _("The assignment is removed."))
    if commission.viewer_is_chair:
        return redirect("evaluation:project_sheets", year, assignment.project_id)
    return redirect("evaluation:dashboard", year)


@login_required
def members(request, year):
    """Chair or office: who sits on the commission; seat someone or change a seat."""
    commission = get_commission_for_manager(request.user, year)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_commission_member(
                commission=commission, user=form.cleaned_data["user"], group=form.cleaned_data["group"],
                is_chair=form.cleaned_data["is_chair"], organisation=form.cleaned_data["organisation"],
                actor=request.user)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, " ".join(_messages(exc)))
        else:
            messages.success(request, _("The commission is updated."))
            return redirect("evaluation:members", year)
    return render(request, "evaluation/commission_members.html", {
        "commission": commission, "edition": commission.edition, "form": form,
        "members": commission.members.select_related("user", "organisation").order_by("user__full_name")})


@login_required
def criteria(request, year, pk=None):
    """Chair or office: the edition's criteria; add one, or change the one given by `pk`."""
    commission = get_commission_for_manager(request.user, year)
    criterion = get_object_or_404(Criterion, pk=pk, edition=commission.edition) if pk else None
    form = CriterionForm(request.POST or None, instance=criterion or Criterion(edition=commission.edition))
    if request.method == "POST" and form.is_valid():
        try:
            services.save_criterion(commission=commission, actor=request.user, values=form.values(),
                                    criterion=criterion)
        except ValidationError as exc:
            _add_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The criteria are saved."))
            return redirect("evaluation:criteria", year)
    return render(request, "evaluation/criterion_list.html", {
        "commission": commission, "edition": commission.edition, "form": form, "editing": criterion,
        "criteria": selectors.criteria_of(commission.edition)})


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
@require_POST
def remove_member(request, year, pk):
    commission = get_commission_for_manager(request.user, year)
    member = get_object_or_404(commission.members.select_related("user", "commission"), pk=pk)
    try:
        services.remove_commission_member(member=member, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        for text in _messages(exc):
            messages.error(request, text)
    else:
        messages.success(request, _("%(name)s no longer sits on the commission.") % {"name": member.user.full_name})
    return redirect("evaluation:members", year)


@login_required
@require_POST
def remind(request, year):
    def action(commission):
        sent = services.send_reminders(commission=commission, actor=request.user)
        return ngettext("%(count)d expert reminded.", "%(count)d experts reminded.", sent) % {"count": sent}
    return _dashboard_action(request, year, action)


@login_required
@require_POST
def publish(request, year):
    def action(commission):
        form = PublishForm(request.POST)
        form.is_valid()  # both fields are optional; the reason is cut to its maximum length
        services.publish_results(commission=commission, actor=request.user,
                                 confirm_missing=form.cleaned_data.get("confirm_missing", False),
                                 reason=form.cleaned_data.get("reason", ""))
        return _("The results are published.")
    return _dashboard_action(request, year, action, lookup=get_commission_for_chair)


@login_required
@require_POST
def ranking_method(request, year):
    def action(commission):
        form = RankingMethodForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Choose one of the ranking methods."))
        commission = services.set_ranking_method(commission=commission, method=form.cleaned_data["method"],
                                                 actor=request.user)
        return _("The official ranking method is now: %(method)s.") % {
            "method": commission.get_ranking_method_display()}
    return _dashboard_action(request, year, action, lookup=get_commission_for_chair)


@login_required
def commission_home(request):
    """The navbar's "Commission dashboard": the latest commission the user chairs (or, for the
    office, runs); 404 when there is none."""
    commission = selectors.managed_commissions(request.user).order_by("-edition__year").first()
    if commission is None:
        raise Http404
    return redirect("evaluation:dashboard", commission.edition.year)


@login_required
def publish_progress(request, year):
    """htmx: how many team members the publication task has notified (counts only)."""
    commission = get_commission_for_manager(request.user, year)
    snapshot = selectors.published_snapshot(commission)
    if snapshot is None:
        raise Http404
    return render(request, "evaluation/_publish_progress.html",
                  {"snapshot": snapshot, "edition": commission.edition})


@login_required
def export(request, year, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    commission = get_commission_for_chair(request.user, year)
    results = selectors.live_results(commission)
    if fmt == "csv":
        content, content_type = exports.results_csv(results), "text/csv; charset=utf-8"
    else:
        content = exports.results_xlsx(results)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="results-{year}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- everyone ------------------------------------------------------------------------------
def results_index(request):
    """Published results are public; members of teams also find their results submission here."""
    snapshots = ResultSnapshot.objects.select_related("commission__edition").order_by("-commission__edition__year")
    teams = Team.objects.none()
    if request.user.is_authenticated:
        teams = Team.objects.filter(memberships__user=request.user).select_related("edition", "result_submission")
    return render(request, "evaluation/results_index.html", {"snapshots": snapshots, "teams": teams,
                                                             "today": timezone.localdate()})


def results(request, year):
    commission = selectors.commission_for_year(year)
    snapshot = selectors.published_snapshot(commission) if commission else None
    if snapshot is None:
        raise Http404
    return render(request, "evaluation/results_detail.html", {
        "commission": commission, "results": selectors.public_results(snapshot, request.user)})


@login_required
def submit_results(request, team_pk):
    team = get_object_or_404(Team.objects.select_related("edition", "project"), pk=team_pk,
                             memberships__user=request.user)
    existing = ResultSubmission.objects.filter(team=team).first()
    form = ResultSubmissionForm(request.POST or None, request.FILES or None,
                                initial={"summary": existing.summary if existing else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_results(team=team, actor=request.user, summary=form.cleaned_data["summary"],
                                    final_report=form.cleaned_data["final_report"],
                                    presentation=form.cleaned_data["presentation"])
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your team's results are submitted."))
            return redirect("evaluation:results_index")
    return render(request, "evaluation/submission_form.html", {"form": form, "team": team, "existing": existing})
