"""Who may do what with a mobility. Services enforce these; views use them to show buttons."""

from marathon.roles import MOBILITY_COORDINATORS

from .models import Mobility, MobilityStatus


def is_coordinator(user) -> bool:
    """The programme office (staff) or a member of the mobility coordinators group."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff:
        return True
    if not hasattr(user, "_mobility_coordinator"):
        user._mobility_coordinator = user.groups.filter(name=MOBILITY_COORDINATORS).exists()
    return user._mobility_coordinator


def is_participant(user, mobility: Mobility) -> bool:
    return getattr(user, "pk", None) is not None and mobility.participant_id == user.pk


def can_view(user, mobility: Mobility) -> bool:
    return is_participant(user, mobility) or is_coordinator(user)


def can_edit(user, mobility: Mobility) -> bool:
    return is_participant(user, mobility) and mobility.status == MobilityStatus.DRAFT


def can_decide(user, mobility: Mobility) -> bool:
    return (mobility.status == MobilityStatus.SUBMITTED and is_coordinator(user)
            and not is_participant(user, mobility))


def can_start(user, mobility: Mobility) -> bool:
    return mobility.status == MobilityStatus.APPROVED and can_view(user, mobility)


def can_complete(user, mobility: Mobility) -> bool:
    return mobility.status == MobilityStatus.IN_PROGRESS and can_view(user, mobility)


def can_cancel(user, mobility: Mobility) -> bool:
    if is_coordinator(user) and mobility.status in CANCELLABLE_BY_COORDINATOR:
        return True
    return is_participant(user, mobility) and mobility.status in CANCELLABLE_BY_PARTICIPANT


def can_upload(user, mobility: Mobility) -> bool:
    return can_view(user, mobility) and mobility.status not in CLOSED


CANCELLABLE_BY_PARTICIPANT = (MobilityStatus.DRAFT, MobilityStatus.SUBMITTED,
                              MobilityStatus.APPROVED)
CANCELLABLE_BY_COORDINATOR = (MobilityStatus.SUBMITTED, MobilityStatus.APPROVED,
                              MobilityStatus.IN_PROGRESS)
CLOSED = (MobilityStatus.REJECTED, MobilityStatus.CANCELLED, MobilityStatus.COMPLETED)
