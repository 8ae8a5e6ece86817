"""Vietnamese names: the order a teacher expects, NFC storage, accent-insensitive search."""

import random
import unicodedata
from datetime import date

import pytest

from db import text
from db.roster import roster_rows
from db.school import add_class
from db.students import add_student

# The exact order of a Vietnamese class list: given name, then middle, then family, then
# date of birth; letters before tones; tones none, huyền, hỏi, ngã, sắc, nặng; alphabet
# a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y.
EXPECTED = [
    ("Trần An", "01/01/2013"),            # given An, no middle name first
    ("Lê Văn An", "01/01/2013"),          # same middle: family Lê before Nguyễn
    ("Nguyễn Văn An", "04/03/2012"),      # same name: the older first
    ("Nguyễn Văn An", "06/05/2013"),
    ("Đỗ Ngọc Anh", "01/01/2013"),        # An < Anh (shorter first); middle Ngọc < Thị
    ("Hoàng Thị Anh", "01/01/2013"),
    ("Phạm Thị Ánh", "01/01/2013"),       # letters equal: no tone before sắc
    ("Vũ Ngọc Ân", "01/01/2013"),         # a < â, whatever the tones
    ("Lê Thị Bình", "01/01/2013"),
    ("Đinh Văn Blưn", "01/01/2013"),      # Ba Na
    ("Y Hăm Byă", "01/01/2013"),          # Ê Đê, given name Byă
    ("Nguyễn Thị Châu", "01/01/2013"),
    ("Hoàng Minh Cường", "01/01/2013"),   # h < ư
    ("Trần Thị Dung", "01/01/2013"),
    ("Phạm Văn Dũng", "01/01/2013"),
    ("Đặng Thị Đào", "01/01/2013"),       # d < đ
    ("Nguyễn Văn Đạt", "01/01/2013"),
    ("Lê Thu Hà", "01/01/2013"),          # letters before tones: Hà < Hai
    ("Trần Văn Hai", "01/01/2013"),
    ("Ksor H'Hen", "01/01/2013"),         # Gia Rai; the apostrophe takes no part
    ("Đinh Thị Hiên", "01/01/2013"),      # tones: none, huyền, hỏi, sắc, nặng
    ("Nguyễn Thị Hiền", "01/01/2013"),
    ("Lê Văn Hiển", "01/01/2013"),
    ("Trần Văn Hiến", "01/01/2013"),
    ("Phạm Văn Hiện", "01/01/2013"),
    ("Siu Hlim", "01/01/2013"),           # Gia Rai
    ("Bùi Thị Hoa", "01/01/2013"),
    ("Đỗ Thị Hòa", "01/01/2013"),
    ("Trần Thị My", "01/01/2013"),        # none, hỏi, ngã, nặng
    ("Sùng Thị Mỷ", "01/01/2013"),        # Mông
    ("Nguyễn Thị Mỹ", "01/01/2013"),
    ("Lê Thị Mỵ", "01/01/2013"),
    ("Vũ Thị Nga", "01/01/2013"),
    ("Lê Thị Ngân", "01/01/2013"),
    ("Phạm Bảo Ngọc", "01/01/2013"),
    ("Trương Yến Nhi", "01/01/2013"),
    ("Hoàng Thị Nhung", "01/01/2013"),
    ("H'Linh Niê", "01/01/2013"),         # Ê Đê, registered with Niê as the given name
    ("Lò Thị Ơn", "01/01/2013"),          # Thái; ơ < p
    ("Sùng A Pà", "01/01/2013"),
    ("Vũ Văn Tú", "01/01/2013"),
    ("Nguyễn Anh Tuấn", "01/01/2013"),
    ("Nguyễn Thị Uyên", "01/01/2013"),
    ("Hà Văn Ướng", "01/01/2013"),        # u < ư
    ("Lê Thị Vi", "01/01/2013"),
    ("Trần Văn Vĩ", "01/01/2013"),
    ("Rơ Châm Yuih", "01/01/2013"),       # Gia Rai, family Rơ Châm
    ("Đinh Thị Yưn", "01/01/2013"),
]


@pytest.fixture
def klass(year):
    return add_class("6A1", 6, year)


def test_the_list_has_enough_real_names():
    assert len(EXPECTED) >= 30
    assert len({n for n, _ in EXPECTED}) == len(EXPECTED) - 1  # one pair differs only by dob


def test_roster_order_is_the_vietnamese_order(year, klass):
    shuffled = EXPECTED[:]
    random.Random(7).shuffle(shuffled)
    for name, dob in shuffled:
        add_student({"name": name, "dob": dob, "gender": "nam"}, year, klass, day=year.start)
    rows = roster_rows(year, date(2024, 10, 1), klass=klass)
    assert [(r.full_name, r.dob.strftime("%d/%m/%Y")) for r in rows] == EXPECTED


def test_plain_string_order_would_be_wrong():
    """The list is a real test: Python's own order differs from it."""
    names = [n for n, _ in EXPECTED]
    assert sorted(names, key=lambda n: n.split()[-1]) != names


def test_old_and_new_tone_placement_are_the_same_name(year, klass):
    a = add_student({"name": "Đỗ Thị Hòa", "dob": "01/01/2013", "gender": "nữ"}, year, klass,
                    day=year.start)
    b = add_student({"name": "Đỗ Thị Hoà", "dob": "01/01/2013", "gender": "nữ"}, year, klass,
                    day=year.start)
    assert a.sort_key == b.sort_key
    assert a.name_folded == b.name_folded == "do thi hoa"
    found = {r.code for r in roster_rows(year, date(2024, 10, 1), search="Hoà")}
    assert found == {a.code, b.code}


def test_nfd_input_is_stored_as_nfc(year, klass):
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Ánh")
    assert nfd != "Nguyễn Thị Ánh"
    st = add_student({"name": nfd, "dob": "01/01/2013", "gender": "nữ", "village": nfd,
                       "new_village": True},
                     year, klass, day=year.start)
    st = type(st).get_by_id(st.id)
    assert (st.family, st.middle, st.given) == ("Nguyễn", "Thị", "Ánh")
    assert unicodedata.is_normalized("NFC", st.full_name)
    assert st.village == "Nguyễn Thị Ánh"
    assert st.sort_key == text.sort_key("Nguyễn", "Thị", "Ánh", date(2013, 1, 1))


def test_icelandic_eth_becomes_vietnamese_d(year, klass):
    st = add_student({"name": "\u00d0inh V\u0103n Blưn", "dob": "01/01/2013", "gender": "nam"},
                     year, klass, day=year.start)
    assert st.family == "Đinh" and st.family[0] == "\u0110"
    assert text.clean("\u00f0") == "đ"


def test_accent_insensitive_search(year, klass):
    an = add_student({"name": "Nguyễn Văn An", "dob": "01/01/2013", "gender": "nam"}, year, klass,
                     day=year.start)
    dang = add_student({"name": "Đặng Thị Lan", "dob": "01/01/2013", "gender": "nữ"}, year, klass,
                       day=year.start)
    other = add_student({"name": "Nguyễn Văn Bình", "dob": "01/01/2013", "gender": "nam"}, year, klass,
                        day=year.start)
    day = date(2024, 10, 1)

    def codes(query):
        return {r.code for r in roster_rows(year, day, search=query)}

    assert codes("nguyen van an") == {an.code}
    assert codes("dang") == {dang.code}
    assert codes("NGUYỄN") == {an.code, other.code}
    assert codes("đặng lan") == {dang.code}
    assert codes(an.code.lower()) == {an.code}
    assert codes("tran") == set()
    # words match from the start of a word of the name: "an" is not the "an" inside "Văn"
    assert codes("an") == {an.code}
    assert codes("van") == {an.code, other.code}
    hen = add_student({"name": "Ksor H'Hen", "dob": "01/01/2013", "gender": "nữ"}, year, klass,
                      day=year.start)
    assert codes("hen") == {hen.code}
    assert codes("ksor h'hen") == {hen.code}


def test_title_name_and_split():
    assert text.title_name("  nguyễn   văn  an ") == "Nguyễn Văn An"
    assert text.title_name("KSOR H'HEN") == "Ksor H'hen"
    assert text.title_name("Ksor H'Hen") == "Ksor H'Hen"
    assert text.split_name("Rơ Châm Yuih") == ("Rơ", "Châm", "Yuih")
    assert text.split_name("Siu Hlim") == ("Siu", "", "Hlim")


def test_class_names_sort_naturally():
    assert sorted(["6A10", "6A2", "6A1"], key=text.natural_key) == ["6A1", "6A2", "6A10"]
