"""Printed labels of the codes a certificate's data hold, translated (EN and RU on every PDF)."""

from django.utils.translation import gettext as _


def role_label(code: str) -> str:
    return {
        "student": _("student participant"), "team_lead": _("student team lead"),
        "supervisor": _("project supervisor"), "expert": _("expert of the commission"),
        "visiting_professor": _("visiting professor"),
    }.get(code, code)


def degree_label(code: str) -> str:
    return {"bachelor": _("Bachelor student"), "master": _("Master student"),
            "phd": _("PhD student")}.get(code, "")


def mobility_label(code: str) -> str:
    return {
        "student_study": _("Study stay"), "student_research": _("Research stay"),
        "staff_teaching": _("Teaching stay"), "staff_training": _("Staff training"),
    }.get(code, code)


def result_label(result: dict | None) -> str:
    if not result:
        return ""
    if "rank" in result:
        return _("rank %(rank)d of %(of)d projects") % result
    percent = {"top_10": 10, "top_25": 25, "top_50": 50}.get(result.get("band"), 0)
    return _("among the best %(percent)d %% of %(of)d projects") % {"percent": percent, "of": result["of"]}


def workload_label(workload: dict | None) -> str:
    if not workload:
        return ""
    parts = []
    if workload.get("hours"):
        parts.append(_("%(hours)d hours") % {"hours": workload["hours"]})
    if workload.get("ects"):
        parts.append(_("%(ects)s ECTS credits") % {"ects": workload["ects"]})
    return ", ".join(parts)
