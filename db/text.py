"""Vietnamese text: normalisation, name splitting, the sort key and the search fold.

The sort key follows ``docs/domain.md``: given name, then middle, then family name, then
date of birth; inside each part the letters are compared first (in the Vietnamese
alphabet a ă â b c d đ e ê … ơ … ư …) and the tones only when the letters are equal
(none, huyền, hỏi, ngã, sắc, nặng).  "Hòa" and "Hoà" give the same key.

The key is made only of the characters 0-9 so that it sorts the same under any
database collation (SQLite BINARY, PostgreSQL "C" or a locale collation).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache

# Combining marks that carry the tone, in dictionary order (index = tone rank).
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Vietnamese alphabet, with f j w z placed where Latin puts them (ethnic-minority names use them).
_ALPHABET = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m",
    "n", "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
]
# Two-digit code per letter; 00 ends a name part, 01 separates words inside it.
_CODE = {ch: f"{i + 20:02d}" for i, ch in enumerate(_ALPHABET)}
_DIGIT_CODE = {str(d): f"{d + 10:02d}" for d in range(10)}  # digits before letters

_SPACES = re.compile(r"\s+")
# control characters (C0 but tab/newline, DEL, C1) and the marks that reverse text direction:
# they change a terminal (title, clearing the screen) or disguise what is shown
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f"
                       "\u202a-\u202e\u2066-\u2069]")
_SHOWN_CONTROLS = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f"
                             "\u202a-\u202e\u2066-\u2069]")


def has_controls(value: str) -> bool:
    return bool(_CONTROLS.search(value))


def visible(value: str) -> str:
    """Text for a terminal: every control or direction character written as ``\\x1b``,
    ``\\u202e`` (a value stored before siso removed them never acts on the screen)."""
    if not _SHOWN_CONTROLS.search(value):
        return value
    return _SHOWN_CONTROLS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), value)


def clean(value: str | None) -> str:
    """NFC, ``Ð``→``Đ`` (and ``ð``→``đ``), stray spaces removed. ``None`` → ``""``."""
    if value is None:
        return ""
    text = _CONTROLS.sub("", unicodedata.normalize("NFC", str(value)))
    text = text.replace("\u00d0", "\u0110").replace("\u00f0", "\u0111")
    return _SPACES.sub(" ", text).strip()


def title_name(value: str) -> str:
    """Capitalise each word of a personal name ("nguyễn văn an" → "Nguyễn Văn An").

    Words with an apostrophe or hyphen keep their inner capitals as typed when the
    word was not all lower case ("H'Hen", "Rơ Châm").
    """
    words = []
    for word in clean(value).split(" "):
        if word and (word.islower() or word.isupper()):
            word = word[0].upper() + word[1:].lower()
        words.append(word)
    return " ".join(words)


def split_name(full: str) -> tuple[str, str, str]:
    """Split a full name into (family, middle, given). One word → given name only."""
    words = clean(full).split(" ")
    words = [w for w in words if w]
    if not words:
        return "", "", ""
    if len(words) == 1:
        return "", "", words[0]
    return words[0], " ".join(words[1:-1]), words[-1]


def join_name(family: str, middle: str, given: str) -> str:
    return " ".join(part for part in (clean(family), clean(middle), clean(given)) if part)


def _letters_and_tones(part: str) -> tuple[str, str]:
    letters: list[str] = []
    tones: list[str] = []
    for word in clean(part).lower().split(" "):
        if not word:
            continue
        if letters:
            letters.append("01")
        tone = 0
        for ch in unicodedata.normalize("NFD", word):
            if ch in _TONES:
                tone = _TONES[ch]
            elif unicodedata.combining(ch):
                # breve, circumflex, horn: rebuild the letter with its mark
                if letters and letters[-1] in _DECODE:
                    prev = letters.pop()
                    base = _DECODE.get(prev, "")
                    composed = unicodedata.normalize("NFC", base + ch)
                    letters.append(_CODE.get(composed, prev))
            elif ch in _CODE:
                letters.append(_CODE[ch])
            elif ch in _DIGIT_CODE:
                letters.append(_DIGIT_CODE[ch])
            # other characters (apostrophe, hyphen, dot) do not take part in the order
        tones.append(str(tone))
    return "".join(letters) + "00", "".join(tones)


_DECODE = {code: ch for ch, code in _CODE.items()}


@lru_cache(maxsize=65536)
def name_part_key(part: str) -> str:
    """Remembered: a school's family, middle and given names repeat (60,000 students of the
    demo have a few hundred distinct parts)."""
    letters, tones = _letters_and_tones(part)
    return letters + tones


def sort_key(family: str, middle: str, given: str, dob: date | None = None) -> str:
    """The stored key: given, middle, family (letters, then tones), then date of birth."""
    key = name_part_key(given) + "/" + name_part_key(middle) + "/" + name_part_key(family)
    return key.replace("/", "") + (dob.strftime("%Y%m%d") if dob else "00000000")


def fold(value: str | None) -> str:
    """Accent-insensitive form for search: lower case, no marks, ``đ``→``d``, single spaces."""
    text = clean(value).lower().replace("đ", "d")
    text = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    return text


def natural_key(name: str) -> tuple:
    """Order class names naturally: 6A2 before 6A10."""
    return tuple(int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", fold(name)))
