from functools import cache

from django.apps import apps
from django.db import connection
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from .models import Edition, Notification
from .roles import group_names


@cache
def nav_templates() -> tuple[str, ...]:
    """`<app>/_nav.html` of every installed app that has one, in INSTALLED_APPS order: a new app
    adds its menu by shipping the partial, without editing base.html. Looked up once per process."""
    found = []
    for config in apps.get_app_configs():
        name = f"{config.label}/_nav.html"
        try:
            get_template(name)
        except TemplateDoesNotExist:
            continue
        found.append(name)
    return tuple(found)


def portal(request):
    """Navbar data: unread notifications, the user's group names (roles) and the current
    edition. A constant number of queries on every page: nav partials must use only these
    (and `user.is_staff`), never a query of their own."""
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        with connection.cursor() as cursor:
            cursor.execute(_unread_sql(), [user.pk])
            unread = cursor.fetchone()[0]
    return {
        "unread_notifications": unread,
        "nav_groups": group_names(user),
        "current_edition": Edition.objects.current,
        "nav_templates": nav_templates(),
    }


@cache
def _unread_sql() -> str:
    """`user.notifications.filter(read_at__isnull=True).count()` written out (on every page:
    building it with the ORM cost more CPU than running it on `notification_unread_idx`)."""
    table = connection.ops.quote_name(Notification._meta.db_table)
    return f"SELECT COUNT(*) FROM {table} WHERE recipient_id = %s AND read_at IS NULL"
