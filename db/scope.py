"""What the person at the keyboard may see: the whole school, some grades, or some classes.

A process acts for one person (the CLI for one command, the TUI for one session, each browser
tab in a process of its own), so the reader's scope is kept per process, set by the door once
it knows who is acting. Every list, search, report and export reads through it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scope:
    """``grades`` None = every grade; ``class_ids`` None = every class of those grades.

    A homeroom teacher's scope names their classes (``class_ids``); a vice-principal's
    names their grades; the clerk and the principal see the whole school.
    """

    grades: frozenset[int] | None = None
    class_ids: frozenset[int] | None = None
    label: str = "Toàn trường"

    @property
    def whole(self) -> bool:
        return self.grades is None and self.class_ids is None


WHOLE_SCHOOL = Scope()

_current: Scope = WHOLE_SCHOOL


def current() -> Scope:
    """The scope of the person this process acts for (the whole school until a door says)."""
    return _current


def set_current(scope: Scope | None) -> None:
    global _current
    _current = scope or WHOLE_SCHOOL
