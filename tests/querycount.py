"""Query budget shared by every page test, so a navbar change is one edit here.

An authenticated page costs PAGE_BASE before its own queries: the session, the user, the unread
notification count and the user's group names (navbar roles)."""

PAGE_BASE = 4
