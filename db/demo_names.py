"""The demo school's people and places: the lists of names, villages and schools
(``db/data/demo_school.json``) and ``Maker``, which draws names as a clerk would type them,
guardians and phone numbers from the plan's random stream (``db.demo_plan``).
"""

from __future__ import annotations

import json
import random
from typing import TYPE_CHECKING

from . import text

if TYPE_CHECKING:
    from .demo_plan import PlannedStudent


def _demo_data() -> dict:
    from importlib import resources

    return json.loads(resources.files("db").joinpath("data/demo_school.json").read_text(encoding="utf-8"))


_D = _demo_data()
_KINH_FAMILY = _D["kinh_family"]
_KINH_MIDDLE_M = _D["kinh_middle_m"]
_KINH_MIDDLE_F = _D["kinh_middle_f"]
_KINH_GIVEN_M = _D["kinh_given_m"]
_KINH_GIVEN_F = _D["kinh_given_f"]
_BANA_GIVEN_M = _D["bana_given_m"]
_BANA_GIVEN_F = _D["bana_given_f"]
_JRAI_FAMILY = _D["jrai_family"]
_JRAI_GIVEN_M = _D["jrai_given_m"]
_JRAI_GIVEN_F = _D["jrai_given_f"]
_EDE_FAMILY = _D["ede_family"]
_EDE_GIVEN_M = _D["ede_given_m"]
_EDE_GIVEN_F = _D["ede_given_f"]
_XODANG_GIVEN_M = _D["xodang_given_m"]
_XODANG_GIVEN_F = _D["xodang_given_f"]
_MONG_FAMILY = _D["mong_family"]
_MONG_GIVEN_M = _D["mong_given_m"]
_MONG_GIVEN_F = _D["mong_given_f"]
_TAY_FAMILY = _D["tay_family"]
_THAI_FAMILY = _D["thai_family"]
_THAI_GIVEN_M = _D["thai_given_m"]
_THAI_GIVEN_F = _D["thai_given_f"]
_NUNG_FAMILY = _D["nung_family"]
_ETHNIC_WEIGHTS = [tuple(x) for x in _D["ethnic_weights"]]
LANG = _D["lang"]
THON = _D["thon"]
SCHOOLS_IN = [tuple(x) for x in _D["schools_in"]]
VOCATIONAL = [tuple(x) for x in _D["vocational"]]


class Maker:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.ethnic_codes = [c for c, _ in _ETHNIC_WEIGHTS]
        self.ethnic_weights = [w for _, w in _ETHNIC_WEIGHTS]
        self.guardian_female: list[bool] = []

    def pick(self, seq):
        return seq[self.rng.randrange(len(seq))]

    def ethnic(self) -> str:
        return self.rng.choices(self.ethnic_codes, self.ethnic_weights)[0]

    def name(self, ethnic: str, female: bool, family: str | None = None) -> tuple[str, str, str]:
        """(family, middle, given) as a clerk would type it into the register."""
        p, r = self.pick, self.rng.random()
        if ethnic == "13":  # Ba Na: Đinh Văn Blưn, Đinh Thị Hiên
            fam = family or ("Đinh" if r < 0.85 else p(["Mai", "Hồ", "Đinh"]))
            mid = "Thị" if female else p(["Văn", "Văn", "Văn", ""])
            return fam, mid, p(_BANA_GIVEN_F if female else _BANA_GIVEN_M)
        if ethnic == "10":  # Gia Rai: Ksor H'Hen, Rơ Châm Yuih, Siu Hlim
            fam = family or p(_JRAI_FAMILY)
            return fam, "", p(_JRAI_GIVEN_F if female else _JRAI_GIVEN_M)
        if ethnic == "12":  # Ê Đê, written as schools register them: H'Linh Niê, Y Thuận Niê
            surname = family or p(_EDE_FAMILY)
            if female:
                return "H'" + p(_EDE_GIVEN_F), "", surname
            return "Y", p(_EDE_GIVEN_M), surname
        if ethnic == "14":  # Xơ Đăng: A Blong, Y Dung
            if female:
                return family or "Y", "", p(_XODANG_GIVEN_F)
            return family or "A", "", p(_XODANG_GIVEN_M)
        if ethnic == "08":  # Mông: Giàng A Páo, Sùng Thị Mỷ
            return (family or p(_MONG_FAMILY), "Thị" if female else "A",
                    p(_MONG_GIVEN_F if female else _MONG_GIVEN_M))
        if ethnic == "03":  # Thái: Lò Văn Pánh, Lường Thị Xuân
            return (family or p(_THAI_FAMILY), "Thị" if female else "Văn",
                    p(_THAI_GIVEN_F if female else _THAI_GIVEN_M))
        fam = family or p(_TAY_FAMILY if ethnic == "02" else _NUNG_FAMILY if ethnic == "07"
                          else _KINH_FAMILY)
        return (fam, p(_KINH_MIDDLE_F if female else _KINH_MIDDLE_M),
                p(_KINH_GIVEN_F if female else _KINH_GIVEN_M))

    def guardian(self, st: PlannedStudent) -> str:
        e = st.ethnic
        if e in ("10", "12"):  # matrilineal: the child carries the mother's family name
            female, family = True, st.surname
        elif self.rng.random() < 0.75:  # the father
            female, family = False, st.surname
        else:
            female, family = True, None
        fam, mid, giv = self.name(e, female, family=family)
        self.guardian_female.append(female)  # the register's father / mother (demo_plan._parents)
        return text.join_name(fam, mid, giv)

    def phone(self) -> str:
        if self.rng.random() < 0.35:
            return ""
        return "0" + self.pick("35789") + "".join(str(self.rng.randrange(10)) for _ in range(8))


def teacher_names(maker: Maker, n: int) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < n:
        female = maker.rng.random() < 0.7
        eth = "13" if maker.rng.random() < 0.15 else "01"
        full = text.join_name(*maker.name(eth, female))
        if full not in seen:
            seen.add(full)
            names.append(full)
    return names
