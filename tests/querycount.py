"""Query budget shared by every page test, so a navbar change is one edit here.

An authenticated page costs PAGE_BASE before its own queries: the user, the unread notification
count and the user's group names (navbar roles). The session is read from the cache
(`marathon.sessions`), and so is the user from the second request after logging in on
(`marathon.auth_backends`; logging in saves `last_login`, which drops the cached row): a test's
first request after `login(...)` loads the user, a later one does not (PAGE_BASE - 1)."""

PAGE_BASE = 3
