"""What the interface shows to each role: the app's keys and menu entries a role cannot use
are hidden. This is only a convenience: the services in ``db/`` refuse what the acting role
may not do (``db.users.require``), whatever a screen shows."""

from __future__ import annotations

from db import users

ADMINS = users.ADMINS
# app action -> the roles that may use it (an action not listed: everyone)
ACTIONS = {
    "open_import": ADMINS,
    "open_year_end": ADMINS,
    "open_rollover": ADMINS,
    "add_class": ADMINS,
    "open_attendance": ("clerk", "homeroom"),
    "attendance": ("clerk", "homeroom"),  # F12 on a list
    "add_student": ADMINS,
    "edit_student": ADMINS,
    "edit_class": ADMINS,
    "transfer_in": ADMINS + ("vice-principal", "homeroom"),
    "open_cohort": ADMINS,  # the expected children: the clerk's and the principal's list
}


def may(action: str) -> bool:
    """Whether the acting person's roles may use the app action (no users: everyone)."""
    roles = ACTIONS.get(action)
    if roles is None:
        return True
    actor = users.known_actor()
    return actor is None or actor.has(*roles)
