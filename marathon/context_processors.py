from .models import Edition


def portal(request):
    """Navbar data: unread notifications and the current edition, one query each."""
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        unread = user.notifications.filter(read_at__isnull=True).count()
    return {"unread_notifications": unread, "current_edition": Edition.objects.current}
