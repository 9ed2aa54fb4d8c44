"""Portal roles that are not tied to a single object.

The programme office is `User.is_staff`. Other cross-cutting roles are Django groups, so the
office manages them in the admin and the navbar reads them with a single query per page
(`nav_groups` in the template context). Object-level roles (supervisor of a project, expert of
a commission) live in the apps' own tables; the apps keep the matching group in sync."""

MOBILITY_COORDINATORS = "Mobility coordinators"
COMMISSION_MEMBERS = "Commission members"
COMMISSION_CHAIRS = "Commission chairs"


def group_names(user) -> frozenset[str]:
    """The user's group names, loaded once per user object (i.e. once per request)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    if not hasattr(user, "_portal_group_names"):
        user._portal_group_names = frozenset(user.groups.values_list("name", flat=True))
    return user._portal_group_names
