"""Exports of a team's record: one PDF (journal and reports, for the university's files) and the
journal as an `.eln` archive — the ELN Consortium's exchange format: a ZIP holding one top folder
with `ro-crate-metadata.json` (RO-Crate 1.1) and one Dataset folder per entry with its files."""

import io
import json
import logging
import zipfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from . import measurements as tables
from .models import EntryStatus, JournalEntry, ProgressReport

FONT_PATH = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONT_BOLD_PATH = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
ELN_MEDIA_TYPE = "application/vnd.eln+zip"


def _entries(team):
    return (JournalEntry.objects.filter(team=team, status=EntryStatus.SIGNED).select_related("author")
            .prefetch_related("files", "coauthors", "milestones").order_by("chain_index"))


def _font(pdf) -> tuple[str, Callable[[str], str]]:
    if FONT_PATH.exists() and FONT_BOLD_PATH.exists():
        pdf.add_font("DejaVu", "", str(FONT_PATH))
        pdf.add_font("DejaVu", "B", str(FONT_BOLD_PATH))
        return "DejaVu", str
    return "Helvetica", lambda text: str(text).encode("latin-1", "replace").decode("latin-1")


def _line(pdf, height: float, text: str) -> None:
    pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")


def build_pdf(team, on_progress: Callable[[int], None] = lambda _p: None) -> bytes:
    from fpdf import FPDF

    logging.getLogger("fontTools").setLevel(logging.WARNING)
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    font, text = _font(pdf)
    pdf.add_page()
    pdf.set_font(font, "B", 16)
    _line(pdf, 9, text(_("Research record of the team “%(team)s”") % {"team": team.name}))
    pdf.set_font(font, "", 10)
    _line(pdf, 6, text(f"{team.project.title} · {timezone.localdate():%Y-%m-%d}"))
    entries = list(_entries(team))
    reports = list(ProgressReport.objects.filter(team=team).order_by("period_start"))
    total = max(len(entries) + len(reports), 1)
    pdf.set_font(font, "B", 13)
    _line(pdf, 9, text(_("Lab journal")))
    for index, entry in enumerate(entries, start=1):
        _entry_pdf(pdf, font, text, entry)
        on_progress(round(90 * index / total))
    pdf.set_font(font, "B", 13)
    _line(pdf, 9, text(_("Progress reports")))
    for index, report in enumerate(reports, start=len(entries) + 1):
        pdf.set_font(font, "B", 11)
        _line(pdf, 7, text(f"{report.period_start:%Y-%m-%d} – {report.period_end:%Y-%m-%d} · "
                                  f"{report.get_status_display()}"))
        pdf.set_font(font, "", 9)
        for label, value in ((_("Done"), report.done), (_("Next"), report.next_steps), (_("Risks"), report.risks)):
            if value.strip():
                _line(pdf, 5, text(f"{label}: {value}"))
        on_progress(round(90 * index / total))
    return bytes(pdf.output())


def _entry_pdf(pdf, font, text, entry) -> None:
    pdf.set_font(font, "B", 11)
    _line(pdf, 7, text(f"#{entry.chain_index} {entry.title} (v{entry.version}, {entry.get_kind_display()})"))
    pdf.set_font(font, "", 9)
    _line(pdf, 5, text(f"{entry.author.full_name} · {entry.signed_at:%Y-%m-%d %H:%M} · SHA-256 "
                              f"{entry.content_hash}"))
    for label, value in ((_("Aim"), entry.aim), (_("Method"), entry.method), (_("Results"), entry.results),
                         (_("Conclusion"), entry.conclusion)):
        if value.strip():
            _line(pdf, 5, text(f"{label}: {value}"))
    if entry.measurements:
        _line(pdf, 5, text(tables.as_csv(entry.measurements)))
    pdf.ln(2)


def eln_filename(team) -> str:
    return f"{slugify(team.name) or 'team'}-journal.eln"


def build_eln(team) -> bytes:
    """The ELN archive of the team's signed journal entries (all versions)."""
    root = f"{slugify(team.name) or 'team'}-journal"
    entries = list(_entries(team))
    graph = [
        {"@id": "ro-crate-metadata.json", "@type": "CreativeWork", "about": {"@id": "./"},
         "conformsTo": {"@id": "https://w3id.org/ro/crate/1.1"}},
        {"@id": "./", "@type": "Dataset", "name": f"{team.name} — lab journal",
         "datePublished": timezone.now().isoformat(), "hasPart": [], "sdPublisher": {"@id": "#publisher"}},
        {"@id": "#publisher", "@type": "Organization", "name": "Project Marathon portal", "url": settings.SITE_URL},
    ]
    files: dict[str, bytes] = {}
    people = {}
    for entry in entries:
        folder = f"./entry-{entry.pk}-v{entry.version}/"
        graph[1]["hasPart"].append({"@id": folder})
        parts = []
        for stored in entry.files.all():
            name = f"{folder}{stored.original_name}"
            with stored.file.open("rb") as handle:
                files[name[2:]] = handle.read()
            parts.append({"@id": name})
            graph.append({"@id": name, "@type": "File", "name": stored.original_name,
                          "encodingFormat": stored.content_type, "contentSize": str(stored.size),
                          "sha256": stored.sha256})
        if entry.measurements:
            name = f"{folder}measurements.csv"
            files[name[2:]] = tables.as_csv(entry.measurements).encode("utf-8")
            parts.append({"@id": name})
            graph.append({"@id": name, "@type": "File", "name": "measurements.csv", "encodingFormat": "text/csv"})
        people[entry.author_id] = entry.author
        graph.append({
            "@id": folder, "@type": "Dataset", "name": entry.title, "genre": entry.kind,
            "author": {"@id": f"#person-{entry.author_id}"},
            "dateCreated": entry.created_at.isoformat(), "dateModified": entry.signed_at.isoformat(),
            "text": "\n\n".join(v for v in (entry.aim, entry.method, entry.results, entry.conclusion) if v),
            "version": str(entry.version), "identifier": entry.content_hash, "hasPart": parts,
            "keywords": entry.get_kind_display(),
        })
    graph += [{"@id": f"#person-{pk}", "@type": "Person", "name": user.full_name} for pk, user in people.items()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{root}/ro-crate-metadata.json",
                         json.dumps({"@context": "https://w3id.org/ro/crate/1.1/context", "@graph": graph},
                                    ensure_ascii=False, indent=1))
        for name, content in files.items():
            archive.writestr(f"{root}/{name}", content)
    return buffer.getvalue()
