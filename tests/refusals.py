"""A refusal changes nothing: ``refused(fn, …)`` calls ``fn``, which must raise SisoError and
leave every table as it was (``snapshot()``: the row count of every model)."""

import pytest

from db.errors import SisoError
from db.models import MODELS


def snapshot() -> dict[str, int]:
    return {m.__name__: m.select().count() for m in MODELS}


def refused(fn, *args, match=None, **kwargs):
    """Call ``fn``; it must raise SisoError and leave every table as it was."""
    before = snapshot()
    with pytest.raises(SisoError, match=match) as exc:
        fn(*args, **kwargs)
    assert snapshot() == before
    return exc.value
