"""Schema 5 → 6: the incoming cohort (huy động ra lớp).

The tables of expected children, their sources (the lists they are on) and the clerk's
match decisions are created empty; nothing existing changes."""

from __future__ import annotations


def migrate(db) -> None:
    from .models import ExpectedChild, ExpectedDecision, ExpectedSource

    db.create_tables([ExpectedChild, ExpectedSource, ExpectedDecision], safe=True)
