"""The certificate PDF (A4, one page in English and one in Russian, DejaVu fonts embedded, no
network): the signed data printed, a QR code and the short URL of the verify page, the number,
key id and signature. The canonical JSON and its signature are embedded as an attachment, so
`verify_pdf` can check a PDF offline: the signature over the attached data, and that the printed
text states exactly those data."""

import io
import json
import logging
import os
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext as _

from . import labels, signing

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
ATTACHMENT = "certificate.json"
LANGUAGES = ("en", "ru")


def qr_png(url: str) -> bytes:
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=8, border=2)
    return buffer.getvalue()


# Latin, Latin-1/Extended, Greek, Cyrillic, general punctuation, €, №: what certificates print.
SUBSET_RANGES = [(0x20, 0x7E), (0xA0, 0x24F), (0x370, 0x3FF), (0x400, 0x52F), (0x1E00, 0x1EFF),
                 (0x2010, 0x205E), (0x20AC, 0x20AC), (0x2116, 0x2116)]
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}


def _in_subset(text: str) -> bool:
    return all(any(low <= ord(char) <= high for low, high in SUBSET_RANGES) for char in text if char not in "\n\r\t")


@cache
def _subset_font(name: str) -> str:
    """A copy of the DejaVu font with only the scripts above, made once per process in a local
    temporary directory: parsing the full font took most of the time of every PDF (bulk issuing
    renders thousands). Text with other characters uses the full font."""
    from fontTools import subset

    target = Path(tempfile.gettempdir()) / f"marathon-certificates-{os.getuid()}-{name}"
    if not target.exists():
        options = subset.Options()
        options.layout_features = ["*"]
        font = subset.load_font(str(FONT_DIR / name), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=[c for low, high in SUBSET_RANGES for c in range(low, high + 1)])
        subsetter.subset(font)
        partial = target.with_suffix(f".{os.getpid()}.tmp")
        subset.save_font(font, str(partial), options)
        partial.replace(target)  # atomic: parallel workers never read a half-written file
    return str(target)


def _new_pdf(title: str, text: str = ""):
    from fpdf import FPDF

    logging.getLogger("fontTools").setLevel(logging.WARNING)
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    small = _in_subset(text)
    for style, name in FONT_FILES.items():
        pdf.add_font("DejaVu", style, _subset_font(name) if small else str(FONT_DIR / name))
    pdf.set_title(title)
    pdf.set_creator("Project Marathon portal")
    return pdf


def _line(pdf, label: str, value: str, size: int = 11) -> None:
    if not value:
        return
    pdf.set_font("DejaVu", "B", size)
    pdf.multi_cell(0, 6, label, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", size)
    pdf.multi_cell(0, 6, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _page(pdf, data: dict, signature: str, key_id: str, qr: bytes) -> None:
    pdf.add_page()
    pdf.image(io.BytesIO(qr), x=160, y=12, w=38, h=38, alt_text=data["verify_url"])
    pdf.set_font("DejaVu", "B", 20)
    pdf.multi_cell(140, 10, _("Certificate of participation"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 12)
    pdf.multi_cell(140, 7, _("International Students Project Marathon"), new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(140, 7, data["edition"]["title"], new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("DejaVu", "", 11)
    pdf.multi_cell(0, 6, _("This is to certify that"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "B", 18)
    pdf.multi_cell(0, 10, data["participant"]["name"], new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 11)
    if data["participant"]["university"]:
        pdf.multi_cell(0, 6, data["participant"]["university"], new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    roles = ", ".join(labels.role_label(role) for role in data["roles"])
    degree = labels.degree_label(data["degree_level"])
    pdf.multi_cell(0, 6, _("took part in the marathon as %(roles)s") % {"roles": roles}
                   + (f" ({degree})" if degree else "") + ".", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 6, _("Period: %(start)s – %(end)s") % data["period"], new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    for project in data["projects"]:
        text = "\n".join(filter(None, [
            project["title"], _("Team: %(team)s") % {"team": project["team"]},
            _("Universities: %(names)s") % {"names": ", ".join(project["universities"])},
            labels.result_label(project["result"]) and _("Commission result: %(result)s")
            % {"result": labels.result_label(project["result"])}]))
        _line(pdf, _("Project"), text)
    _line(pdf, _("Workload"), labels.workload_label(data["workload"]))
    _line(pdf, _("Publications"), "\n".join(
        f"{p['title']}. {p['venue']}, {p['year']}" + (f". DOI {p['doi']}" if p["doi"] else "")
        for p in data["publications"]))
    _line(pdf, _("Conferences"), "\n".join(
        f"{c['contribution']} — {c['conference']}, {c['city']}, {c['date']}" for c in data["conferences"]))
    _line(pdf, _("Mobility stays"), "\n".join(
        f"{labels.mobility_label(m['kind'])}: {m['host']}, {m['start']} – {m['end']}" for m in data["mobility"]))
    _line(pdf, _("Internships"), "\n".join(
        f"{i['title']} — {i['organisation']}" for i in data["internships"]))
    _line(pdf, _("Issued by"), "\n".join(
        [data["issuer"]["name"]] + [f"{s['name']}, {s['title']}" for s in data["issuer"]["signatories"]]))
    pdf.ln(2)
    pdf.set_font("DejaVu", "", 9)
    pdf.multi_cell(0, 5, _("Certificate number: %(number)s, issued on %(date)s")
                   % {"number": data["number"], "date": data["issued_on"]}, new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 5, _("Check this certificate at %(url)s") % {"url": data["verify_url"]},
                   new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 7)
    pdf.multi_cell(0, 4, _("Ed25519 signature (key %(key)s) of the canonical JSON of these data: %(signature)s")
                   % {"key": key_id, "signature": signature}, new_x="LMARGIN", new_y="NEXT")


def build_certificate_pdf(*, canonical: str, signature: str, key_id: str) -> bytes:
    data = json.loads(canonical)
    qr = qr_png(data["verify_url"])
    pdf = _new_pdf(f"{data['number']} — {data['participant']['name']}", canonical)
    for language in LANGUAGES:
        with translation.override(language):
            _page(pdf, data, signature, key_id, qr)
    pdf.embed_file(bytes=json.dumps({"canonical": canonical, "signature": signature, "key_id": key_id},
                                    ensure_ascii=False).encode("utf-8"),
                   basename=ATTACHMENT, mime_type="application/json")
    return bytes(pdf.output())


# --- offline check ---------------------------------------------------------------------------
@dataclass
class PdfCheck:
    status: str  # valid | revoked | invalid | unknown
    reasons: list[str] = field(default_factory=list)
    data: dict | None = None
    code: str = ""


def printed_values(data: dict) -> list[str]:
    """The values that every page must print as signed (compared without whitespace)."""
    values = [data["number"], data["participant"]["name"], data["participant"]["university"],
              data["edition"]["title"], data["verify_url"]]
    for project in data["projects"]:
        values += [project["title"], project["team"], *project["universities"]]
    values += [p["title"] for p in data["publications"]]
    values += [m["host"] for m in data["mobility"]]
    return [value for value in values if value]


def _squeeze(text: str) -> str:
    return "".join(text.split())


def read_pdf(content: bytes) -> tuple[dict | None, str, list[str]]:
    """(attached payload, extracted text of every page, problems)."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(content))
        attached = reader.attachments.get(ATTACHMENT) or []
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except Exception:  # pypdf raises many kinds on broken input; all mean "not our PDF"
        return None, "", [_("The file is not a readable PDF.")]
    if not attached:
        return None, text, [_("The PDF carries no signed certificate data.")]
    try:
        payload = json.loads(attached[0])
        assert isinstance(payload, dict) and {"canonical", "signature", "key_id"} <= payload.keys()
    except (ValueError, AssertionError):
        return None, text, [_("The signed certificate data in the PDF are damaged.")]
    return payload, text, []


def verify_pdf(content: bytes) -> PdfCheck:
    """Check a certificate PDF offline: the attached canonical JSON is signed by a programme key
    and every page prints exactly those data. (The caller adds the registry's status.)"""
    payload, text, problems = read_pdf(content)
    if problems:
        return PdfCheck(status="invalid", reasons=problems)
    if not signing.verify(payload["canonical"], payload["signature"], payload["key_id"]):
        return PdfCheck(status="invalid", reasons=[_("The signature does not match the certificate data.")])
    data = json.loads(payload["canonical"])
    squeezed = _squeeze(text)
    pages = max(1, len(LANGUAGES))
    missing = [value for value in printed_values(data) if squeezed.count(_squeeze(value)) < pages]
    if missing:
        return PdfCheck(status="invalid", data=data, code=data.get("code", ""),
                        reasons=[_("The printed text differs from the signed data (e.g. “%(value)s”).")
                                 % {"value": missing[0]}])
    return PdfCheck(status="valid", data=data, code=data.get("code", ""))
