"""The national code lists, carried as the program's own data (db/data/*.csv)."""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

from . import text
from .models import Student


@cache
def _load(name: str) -> dict[str, str]:
    with resources.files("db").joinpath("data", name).open(encoding="utf-8") as fh:
        return {row["ma"]: row["ten"] for row in csv.DictReader(fh)}


def ethnic_groups() -> dict[str, str]:
    """``{"01": "Kinh", …, "54": "Rơ Măm", "55": "Người nước ngoài"}``."""
    return _load("dan_toc.csv")


def dropout_reasons() -> dict[str, str]:
    return _load("ly_do_bo_hoc.csv")


def disability_types() -> dict[str, str]:
    return _load("khuyet_tat.csv")


def reason_text(code: str | None, tr=lambda name: name) -> str:
    """A dropout reason as «01 - name»; ``tr`` translates the name (a screen in English)."""
    if not code:
        return ""
    name = dropout_reasons().get(code)
    return f"{code} - {tr(name)}" if name else code


def ethnic_name(code: str | None) -> str:
    return ethnic_groups().get(code or "", code or "")


# Ethnic minority (DTTS) = national code 02–54 (01 is Kinh, 55 a foreigner).
MINORITY_CODES = ("02", "54")


def is_minority(code: str | None) -> bool:
    """Ethnic minority (DTTS): a national code in ``MINORITY_CODES``."""
    first, last = MINORITY_CODES
    return bool(code) and code.isdigit() and int(first) <= int(code) <= int(last)


# is_minority as a condition on the student's ethnic code, for the reports' queries.
MINORITY = Student.ethnic.between(*MINORITY_CODES)


# Spellings schools use for the same group (accents, hyphens, local names), folded.
_ETHNIC_ALIASES = {
    "ede": "12", "e de": "12", "rhade": "12",
    "gia rai": "10", "giarai": "10", "jrai": "10", "jarai": "10",
    "hmong": "08", "h mong": "08", "mong": "08", "meo": "08",
    "bana": "13", "ba na": "13", "bahnar": "13",
    "xo dang": "14", "xodang": "14", "sedang": "14",
    "k ho": "16", "co ho": "16", "coho": "16",
    "m nong": "20", "mnong": "20",
    "kho me": "05", "khome": "05", "khmer": "05",
    "thai": "03", "tay": "02", "muong": "06", "nung": "07",
    "bru van kieu": "23", "van kieu": "23", "bru": "23",
    "gie trieng": "27", "khomu": "29", "kho mu": "29",
    "ta oi": "31", "pa co": "31",
    "ra glai": "21", "raglai": "21",
    "hre": "19", "h re": "19",
    "xtieng": "22", "x tieng": "22", "stieng": "22",
    "nuoc ngoai": "55",
}


def _fold_ethnic(value: str) -> str:
    return " ".join(text.fold(value).replace("-", " ").replace("'", " ").split())


def match_ethnic(value: str) -> str | None:
    """The code for an ethnic group written as a code, a name, with or without accents,
    or a common variant ("Ê-đê", "Ede", "Jrai", "Hmông"). ``None`` when nothing matches."""
    raw = text.clean(value)
    if not raw:
        return None
    if raw.isdigit():
        code = f"{int(raw):02d}"
        return code if code in ethnic_groups() else None
    key = _fold_ethnic(raw)
    for code, name in ethnic_groups().items():
        if _fold_ethnic(name) == key or _fold_ethnic(name).replace(" ", "") == key.replace(" ", ""):
            return code
    return _ETHNIC_ALIASES.get(key) or _ETHNIC_ALIASES.get(key.replace(" ", ""))
