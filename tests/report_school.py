"""A small school with a known history, shared by the report tests.

Year 2024-2025 (conftest ``year``): 05/09/2024 – 31/05/2025, start-of-year count at the
end of 30/09/2024, semester II from 13/01/2025. Everyone is admitted on 05/09/2024
unless said otherwise.

    6A1 (GVCN Lê Thị Hoa)
      s1  Nguyễn Văn An    nam
      s2  Trần Thị Bình    nữ, Tày (02)
      s3  Lê Thị Chi       nữ, disability 01, born 2012 (over-age for grade 6)
      s4  Phạm Văn Dũng    nam — transfer out 15/10/2024 (THCS Ea Kar, Đắk Lắk, ngoài tỉnh)
      s5  Hoàng Văn Em     nam, village "=1+1" — dropout 10/10/2024 (01), returns 20/11/2024
      s6  Vũ Thị Giang     nữ — class change to 6A2 on 01/10/2024
    6A2
      s7  Đỗ Thị Hà        nữ, Thái (03)
      s8  Bùi Văn Khoa     nam — death 31/10/2024
      s9  Ngô Thị Lan      nữ — transfer in 20/09/2024 (before the reference date)
      s10 Đặng Văn Minh    nam — admitted 15/10/2024 (after the reference date)
    6A10
      s11 Lý Văn Nam       nam
    7A1
      s12 Mai Thị Oanh     nữ, born 2012 — transfer in 05/11/2024 (THCS Ia Grai, trong tỉnh)
      s13 Tạ Văn Phúc      nam, born 2012 — dropout 30/09/2024 (02), on the reference date
      s14 Hồ Văn Quân      nam, born 2012 — dropout 12/10/2024, voided (counts nowhere)

Year end: 25/05/2025 outcomes s1, s2, s7, s10, s14 promoted; s3, s9 held back; s5, s6,
s12 pending; s5 promoted after the retest on 10/06/2025. s11 has no outcome.
Grade-6 students are born in 2013 (on-age) unless said.
"""

from __future__ import annotations

from datetime import date

from db import audit, clock
from db.events import rebuild_spans, record_event
from db.models import Event
from db.school import add_class, set_settings
from db.students import add_student

D = date


def _ev(student, year, kind, day, **kw):
    with audit.write(f"test.{kind}"):
        return record_event(student, year, kind, day, **kw)


def build_school(year) -> dict:
    """The school's history, written as if on the last day of the year's summer (every
    event has happened by then), whatever day the calling test then reports on."""
    with clock.fixed(date(year.end.year, 8, 31)):
        return _build_school(year)


def _build_school(year) -> dict:
    set_settings({"ten_truong": "Trường THCS Tơ Tung", "co_quan_quan_ly": "UBND xã Tơ Tung",
                  "dia_danh": "Tơ Tung", "hieu_truong": "Đinh Văn Hyun",
                  "nguoi_lap_bieu": "Nguyễn Thị Thu Hà"})
    c = {"6A1": add_class("6A1", 6, year, "Lê Thị Hoa"), "6A2": add_class("6A2", 6, year),
         "6A10": add_class("6A10", 6, year), "7A1": add_class("7A1", 7, year)}
    s = {}

    def st(key, name, klass, gender="nam", dob="01/03/2013", day="05/09/2024", entry="admit", **extra):
        data = {"name": name, "dob": dob, "gender": gender, "code": key.upper(), **extra}
        s[key] = add_student(data, year, c[klass], entry=entry, day=day)
        return s[key]

    st("s1", "Nguyễn Văn An", "6A1")
    st("s2", "Trần Thị Bình", "6A1", "nữ", ethnic="02")
    st("s3", "Lê Thị Chi", "6A1", "nữ", dob="15/08/2012", disability="01")
    st("s4", "Phạm Văn Dũng", "6A1")
    st("s5", "Hoàng Văn Em", "6A1", village="=1+1", new_village=True, guardian="Hoàng Văn Ba")
    st("s6", "Vũ Thị Giang", "6A1", "nữ")
    st("s7", "Đỗ Thị Hà", "6A2", "nữ", ethnic="03")
    st("s8", "Bùi Văn Khoa", "6A2")
    st("s9", "Ngô Thị Lan", "6A2", "nữ", day="20/09/2024", entry="transfer_in")
    st("s10", "Đặng Văn Minh", "6A2", day="15/10/2024")
    st("s11", "Lý Văn Nam", "6A10")
    st("s13", "Tạ Văn Phúc", "7A1", dob="02/02/2012")
    st("s14", "Hồ Văn Quân", "7A1", dob="03/03/2012")

    _ev(s["s6"], year, "class_change", D(2024, 10, 1), klass=c["6A2"])
    _ev(s["s13"], year, "dropout", D(2024, 9, 30), reason="02")
    _ev(s["s5"], year, "dropout", D(2024, 10, 10), reason="01")
    voided = _ev(s["s14"], year, "dropout", D(2024, 10, 12), reason="01")
    with audit.write("test.void"):
        Event.update(voided_at=D(2024, 10, 13), voided_by="test", void_reason="nhập nhầm").where(
            Event.id == voided.id).execute()
        rebuild_spans(s["s14"].id, year.id)
    _ev(s["s4"], year, "transfer_out", D(2024, 10, 15), school="THCS Ea Kar", province="Đắk Lắk",
        district="Ea Kar", scope="02", reason="Theo gia đình", doc_no="12/GCT")
    _ev(s["s8"], year, "death", D(2024, 10, 31))
    st("s12", "Mai Thị Oanh", "7A1", "nữ", dob="05/05/2012", day="05/11/2024", entry="transfer_in")
    Event.update(school="THCS Ia Grai", province="Gia Lai", district="Ia Grai", scope="01",
                 doc_no="7/GT").where((Event.student == s["s12"]) & (Event.kind == "transfer_in")).execute()
    _ev(s["s5"], year, "return", D(2024, 11, 20))
    end = D(2025, 5, 25)
    for key in ("s1", "s2", "s7", "s10", "s14"):
        _ev(s[key], year, "promoted", end)
    for key in ("s3", "s9"):
        _ev(s[key], year, "held_back", end)
    for key in ("s5", "s6", "s12"):
        _ev(s[key], year, "pending", end)
    _ev(s["s5"], year, "promoted", D(2025, 6, 10))
    return {"classes": c, "students": s}
