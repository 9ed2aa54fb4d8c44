"""Statistics pages (office, public summary), export start/progress/download."""


from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Max, Min
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marathon.decorators import office_required
from marathon.models import Edition

from . import services
from .caching import cached_statistics
from .charts import bar_chart
from .definitions import BLOCK_LABELS, DEFINITIONS, FIGURES, LABELS, SHORT_LABELS, definition_rows
from .exports import CONTENT_TYPES
from .forms import ExportForm, YearRangeForm
from .models import ExportJob, ExportStatus
from .statistics import MAX_YEAR, MIN_YEAR


def default_years() -> tuple[int, int]:
    years = Edition.objects.aggregate(first=Min("year"), last=Max("year"))
    this_year = timezone.localdate().year

    def clamp(year):
        return min(max(year or this_year, MIN_YEAR), MAX_YEAR)
    return clamp(years["first"]), clamp(years["last"])


def _year_range(request) -> tuple[YearRangeForm, int, int]:
    first, last = default_years()
    if "from" in request.GET or "to" in request.GET:
        form = YearRangeForm(request.GET)
        if form.is_valid():
            return form, form.cleaned_data["from"], form.cleaned_data["to"]
        return form, first, last
    return YearRangeForm(initial={"from": first, "to": last}), first, last


def _charts(stats) -> list:
    return [
        bar_chart("chart-figures", _("Summary"),
                  [(SHORT_LABELS[name], getattr(stats, name)) for name in FIGURES]),
        bar_chart("chart-years", _("Participants per year"),
                  [(row["year"], row["participants"]) for row in stats.by_year]),
        bar_chart("chart-areas", _("Projects per scientific area"),
                  [(row["area"], row["projects"]) for row in stats.by_area]),
        bar_chart("chart-countries", _("Participants per country"),
                  [(row["country_name"], row["participants"]) for row in countries_with_participants(stats)]),
        bar_chart("chart-degrees", _("Participants per degree level"),
                  [(row["label"], row["participants"]) for row in stats.by_degree_level]),
    ]


def countries_with_participants(stats) -> list[dict]:
    """The page lists only countries people came from; a country that only hosted a conference
    or co-authored a paper stays in the exports and the API breakdown."""
    return [row for row in stats.by_country if row["participants"]]


def _figures(stats) -> list[dict]:
    return [{"key": name, "label": LABELS[name], "short_label": SHORT_LABELS[name],
             "block_label": BLOCK_LABELS[name], "value": getattr(stats, name),
             "definition": DEFINITIONS[name]} for name in FIGURES]


@office_required
def statistics(request):
    form, year_from, year_to = _year_range(request)
    stats = cached_statistics(year_from=year_from, year_to=year_to)
    return render(request, "reports/statistics.html", {
        "form": form, "stats": stats, "figures": _figures(stats), "charts": _charts(stats),
        "definitions": definition_rows(), "countries": countries_with_participants(stats),
        "export_form": ExportForm(initial={"from": year_from, "to": year_to, "format": "xlsx"}),
        "recent_exports": ExportJob.objects.filter(owner=request.user)[:5],
    })


def public_summary(request):
    """Aggregates only: no names of people, nothing per person."""
    form, year_from, year_to = _year_range(request)
    stats = cached_statistics(year_from=year_from, year_to=year_to)
    return render(request, "reports/public_summary.html", {
        "form": form, "stats": stats, "figures": _figures(stats),
        "charts": _charts(stats)[:3], "definitions": definition_rows(),
    })


@office_required
@require_POST
def export_create(request):
    form = ExportForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("reports:statistics")
    try:
        job = services.start_export(actor=request.user, year_from=form.cleaned_data["from"],
                                    year_to=form.cleaned_data["to"], format=form.cleaned_data["format"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("reports:statistics")
    return redirect("reports:export_detail", pk=job.pk)


@office_required
def export_detail(request, pk: int):
    job = get_object_or_404(ExportJob, pk=pk)
    return render(request, "reports/export_detail.html", {"job": job})


@office_required
@require_POST
def export_retry(request, pk: int):
    try:
        services.retry_export(job=get_object_or_404(ExportJob, pk=pk), actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("reports:export_detail", pk=pk)


@office_required
def export_status(request, pk: int):
    job = get_object_or_404(ExportJob, pk=pk)
    return render(request, "reports/_export_status.html", {"job": job})


@office_required
def export_download(request, pk: int):
    job = get_object_or_404(ExportJob, pk=pk, status=ExportStatus.DONE)
    if not job.file_available():
        raise Http404(_("The file has expired; please export again."))
    return FileResponse(job.open_file(), as_attachment=True, filename=job.download_name,
                        content_type=CONTENT_TYPES[job.format])
