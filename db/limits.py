"""How long a free text may be: the length of its column (``max_length`` of a CharField),
and for a long text (a TextField) the limit the importer applies to one cell — Excel's own
limit, 32,767 characters. Every door (CLI, TUI, import) goes through the services that call
:func:`check_lengths`, so a text too long is refused the same way everywhere, before a
write (PostgreSQL would refuse it with an English error; SQLite would keep 120,000
characters of a pasted page)."""

from __future__ import annotations

from peewee import CharField, TextField

from .errors import SisoError

MAX_TEXT = 32_767  # Excel's limit for one cell: the importer's (exports.importer) too


def limit_of(model, key: str) -> int | None:
    """The most characters the column ``key`` of ``model`` keeps (None: not a text)."""
    field = model._meta.fields.get(key)
    if isinstance(field, CharField):
        return field.max_length
    if isinstance(field, TextField):
        return MAX_TEXT
    return None


def _count(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def check_lengths(model, values: dict, labels: dict[str, str],
                  names: dict[str, str] | None = None) -> None:
    """Refuse the first text of ``values`` longer than its column: one Vietnamese line
    naming the field (``labels[key]``) and its limit; ``names`` maps a key to the field
    name the forms use (default: the key)."""
    for key, value in values.items():
        limit = limit_of(model, key)
        if limit is None or not isinstance(value, str) or len(value) <= limit:
            continue
        raise SisoError(f"{labels.get(key, key)} dài {_count(len(value))} ký tự, quá "
                        f"{_count(limit)} ký tự cho phép: hãy rút gọn.",
                        (names or {}).get(key, key))
