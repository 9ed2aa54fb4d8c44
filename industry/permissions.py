"""Who may do what in the industry app. Pure checks over loaded rows; the organisations a user
represents come from `selectors.represented_organisation_ids` (one query, cached per user object)."""

from marathon.models import User

CUSTOMER_REPRESENTATIVES = "Customer representatives"


def is_signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_office(user) -> bool:
    return is_signed_in(user) and user.is_staff


def is_academic(user) -> bool:
    """Professors and researchers: they read the task catalogue and adopt tasks."""
    return is_signed_in(user) and user.status in User.SUPERVISOR_STATUSES


def is_student(user) -> bool:
    return is_signed_in(user) and user.status in User.STUDENT_STATUSES


def represents(user, organisation_id: int) -> bool:
    from .selectors import represented_organisation_ids

    return is_signed_in(user) and organisation_id in represented_organisation_ids(user)


def can_manage_task(user, task) -> bool:
    return is_office(user) or represents(user, task.organisation_id)


def can_manage_internship(user, internship) -> bool:
    return is_office(user) or represents(user, internship.organisation_id)


def can_view_application(user, application) -> bool:
    """The applicant, the customer's representatives and the office — nobody else."""
    return is_signed_in(user) and (application.student_id == user.pk or is_office(user)
                                   or represents(user, application.internship.organisation_id))
