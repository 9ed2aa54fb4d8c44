"""The portfolio's exports: JSON Resume (jsonresume.org schema v1) and a PDF. Neither carries the
e-mail address: a public portfolio states what the person did, not how to reach them."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from .pdf import _line, _new_pdf


def json_resume(portfolio, data: dict) -> dict:
    person = data["person"]
    base = settings.SITE_URL
    return {
        "$schema": "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json",
        "basics": {
            "name": person.full_name, "label": person.get_status_display(),
            "url": f"{base}{reverse('certificates:public_portfolio', args=[portfolio.slug])}"
            if portfolio.is_public else "",
            "location": {"countryCode": str(person.country or "")},
            "profiles": [{"network": "ORCID", "username": person.orcid,
                          "url": f"https://orcid.org/{person.orcid}"}] if person.orcid else [],
        },
        "education": [{"institution": person.university.name}] if person.university else [],
        "projects": [{
            "name": p["title"], "entity": p["team"], "roles": [p["role"]],
            "description": _("Students Project Marathon %(year)d; team universities: %(names)s")
            % {"year": p["edition"], "names": ", ".join(p["universities"])},
            "type": "research"} for p in data["projects"]],
        "publications": [{"name": p.title, "publisher": p.venue, "releaseDate": str(p.year),
                          "url": f"https://doi.org/{p.doi}" if p.doi else ""} for p in data["publications"]],
        "volunteer": [],
        "work": [{"name": i["organisation"], "position": i["title"]} for i in data["internships"]],
        "awards": [{"title": c.contribution_title, "awarder": c.conference, "date": c.start_date.isoformat(),
                    "summary": _("Conference presentation")} for c in data["conferences"]],
        "certificates": [{"name": c.number, "date": c.issued_at.date().isoformat(),
                          "issuer": c.data["issuer"]["name"], "url": c.data["verify_url"]}
                         for c in data["certificates"]],
        "skills": [{"name": s.strip()} for s in person.skills.split(",") if s.strip()],
        "languages": [{"language": s.strip()} for s in person.languages.split(",") if s.strip()],
        "meta": {"canonical": f"{base}/", "version": "v1.0.0"},
    }


def portfolio_pdf(data: dict) -> bytes:
    person = data["person"]
    pdf = _new_pdf(_("Research portfolio of %(name)s") % {"name": person.full_name})
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 18)
    pdf.multi_cell(0, 10, person.full_name, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 11)
    pdf.multi_cell(0, 6, _("Research portfolio — International Students Project Marathon"),
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    _line(pdf, _("Projects and roles"), "\n".join(
        f"{p['edition']}: {p['title']} ({p['role']}) — {', '.join(p['universities'])}" for p in data["projects"]))
    _line(pdf, _("Publications"), "\n".join(f"{p.title}. {p.venue}, {p.year}" for p in data["publications"]))
    _line(pdf, _("Conferences"), "\n".join(
        f"{c.contribution_title} — {c.conference}, {c.start_date}" for c in data["conferences"]))
    _line(pdf, _("Mobility stays"), "\n".join(
        f"{m.get_kind_display()}: {m.host_university.name}, {m.planned_start} – {m.planned_end}"
        for m in data["mobilities"]))
    _line(pdf, _("Internships"), "\n".join(f"{i['title']} — {i['organisation']}" for i in data["internships"]))
    _line(pdf, _("Certificates"), "\n".join(f"{c.number}: {c.data['verify_url']}" for c in data["certificates"]))
    return bytes(pdf.output())
