from .models import Edition
from .roles import group_names


def portal(request):
    """Navbar data: unread notifications, the user's group names (roles) and the current
    edition. A constant number of queries on every page: nav partials must use only these
    (and `user.is_staff`), never a query of their own."""
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        unread = user.notifications.filter(read_at__isnull=True).count()
    return {
        "unread_notifications": unread,
        "nav_groups": group_names(user),
        "current_edition": Edition.objects.current,
    }
