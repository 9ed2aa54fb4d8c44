"""Portal roles that are not tied to a single object.

The programme office is `User.is_staff`. Other cross-cutting roles are Django groups, so the
office manages them in the admin and the navbar reads them with a single query per page
(`nav_groups` in the template context). Object-level roles (supervisor of a project, expert of
a commission) live in the apps' own tables; the apps keep the matching group in sync."""

from functools import cache

from django.db import connection

MOBILITY_COORDINATORS = "Mobility coordinators"
COMMISSION_MEMBERS = "Commission members"
COMMISSION_CHAIRS = "Commission chairs"


def group_names(user) -> frozenset[str]:
    """The user's group names, loaded once per user object (i.e. once per request)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    if not hasattr(user, "_portal_group_names"):
        with connection.cursor() as cursor:
            cursor.execute(_group_names_sql(), [user.pk])
            user._portal_group_names = frozenset(name for (name,) in cursor.fetchall())
    return user._portal_group_names


@cache
def _group_names_sql() -> str:
    """`user.groups.values_list("name", flat=True)` written out: every page asks, and building
    the ORM's join cost more CPU than running it."""
    from django.contrib.auth import get_user_model

    through = get_user_model().groups.through
    group_field = through._meta.get_field("group")
    user_field = through._meta.get_field(get_user_model()._meta.model_name)
    quote = connection.ops.quote_name
    return (f"SELECT g.{quote('name')} FROM {quote(group_field.related_model._meta.db_table)} g INNER JOIN "
            f"{quote(through._meta.db_table)} ug ON ug.{quote(group_field.column)} = g.{quote('id')} "
            f"WHERE ug.{quote(user_field.column)} = %s")
