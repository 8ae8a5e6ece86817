"""The movement register services: each kind, each validation rule (refused with its
Vietnamese message, nothing written), voids, and status from history."""

from datetime import date

import pytest

from db import fields, kinds, movement_register, movements
from db.errors import SisoError
from db.events import status_on
from db.models import Audit, Event, Span, Student
from db.roster import class_counts
from db.school import add_class, add_year
from db.students import add_student


@pytest.fixture
def school(year):
    a = add_class("6A1", 6, year)
    b = add_class("6A2", 6, year)
    c = add_class("7A1", 7, year)
    s1 = add_student({"name": "Nguyễn Văn An", "dob": "01/01/2013", "gender": "nam", "code": "HS1"},
                     year, a, day="10/09/2024")
    s2 = add_student({"name": "Trần Thị Bình", "dob": "02/02/2013", "gender": "nữ", "code": "HS2"}, year, a,
                     day=year.start)
    return year, a, b, c, s1, s2


def counts():
    return (Event.select().count(), Span.select().count(), Audit.select().count(),
            Student.select().count())


def refused(fn, *words):
    before = counts()
    with pytest.raises(SisoError) as err:
        fn()
    assert counts() == before, "a refused action wrote something"
    for w in words:
        assert w in str(err.value), str(err.value)
    return err.value


def test_each_kind_is_recorded_with_its_fields(school):
    year, a, b, c, s1, s2 = school
    out = movements.record_transfer_out(s2, year, "15/01/2025", school="THCS Lê Lợi", province="Gia Lai",
                                        district="Xã Ia Pa", scope="ngoai-tinh", vocational=True,
                                        doc_no="05/GCT", note="theo gia đình")
    assert (out.kind, out.klass_id, out.semester, out.scope, out.vocational, out.doc_no) == (
        kinds.TRANSFER_OUT, a.id, "HK2", "02", True, "05/GCT")
    back = movements.record_transfer_in(year, "01/03/2025", b, student=s2, school="THCS Lê Lợi",
                                        scope="01")
    assert (back.kind, back.klass_id, back.scope) == (kinds.TRANSFER_IN, b.id, "01")
    d = movements.record_dropout(s1, year, "10/06/2025", "3", without_visits="gia đình đi làm ăn xa, chưa gặp được")
    assert (d.reason, d.semester) == ("03", "HE")  # after 31/05: summer
    r = movements.record_return(s1, year, "20/06/2025")
    assert r.klass_id == a.id  # back to the old class
    cc = movements.record_class_change(s1, year, "01/07/2025", b, doc_no="QĐ 1")
    assert (cc.from_klass_id, cc.klass_id) == (a.id, b.id)
    dead = movements.record_decrease(s2, year, "02/07/2025", kinds.OTHER_DECREASE, reason="Xuất ngũ")
    assert dead.klass_id == b.id
    new = movements.record_transfer_in(year, "12/11/2024", c, data={"name": "Lê Hoa", "dob": "03/03/2012",
                                                                     "gender": "nữ"},
                                       school="TH-THCS Kim Đồng", province="Kon Tum", district="Xã X",
                                       scope="02", doc_no="9/GT")
    assert (new.province, new.district, new.scope, new.doc_no, new.school) == (
        "Kon Tum", "Xã X", "02", "9/GT", "TH-THCS Kim Đồng")
    assert status_on(s1.id, date(2025, 6, 15), year)[0] == "bo_hoc"
    assert status_on(s1.id, date(2025, 6, 25), year) == ("dang_hoc", a)
    assert status_on(s1.id, date(2025, 7, 1), year) == ("dang_hoc", b)
    assert status_on(s2.id, date(2025, 2, 1), year)[0] == "chuyen_di"
    assert status_on(s2.id, date(2025, 7, 2), year)[0] == "giam_khac"
    # each service is one transaction with one audit line
    assert Audit.select().where(Audit.action.startswith("event.")).count() == 7


def test_validation_rules_refuse_with_a_message_and_write_nothing(school):
    year, a, b, c, s1, s2 = school
    movements.record_dropout(s2, year, "10/10/2024", "01", without_visits="gia đình đi làm ăn xa, chưa gặp được")
    # not enrolled on that date
    refused(lambda: movements.record_dropout(s2, year, "11/10/2024", "01", without_visits="gia đình đi làm ăn xa, chưa gặp được"), "không đang học", "Bỏ học")
    refused(lambda: movements.record_transfer_out(s2, year, "11/10/2024", school="X", scope="01"),
            "không đang học")
    refused(lambda: movements.record_class_change(s2, year, "11/10/2024", b), "không đang học")
    # enrolled, but a return / transfer in needs a student who is not
    refused(lambda: movements.record_return(s1, year, "11/10/2024"), "đang học lớp 6A1")
    refused(lambda: movements.record_transfer_in(year, "11/10/2024", b, student=s1, school="X"),
            "đang học lớp 6A1")
    # a return only after a dropout
    movements.record_transfer_out(s1, year, "12/10/2024", school="THCS Y", scope="03")
    refused(lambda: movements.record_return(s1, year, "13/10/2024"), "chỉ ghi cho học sinh đã bỏ học")
    # dates inside the school year and not before the admission
    refused(lambda: movements.record_dropout(s2, year, "01/09/2024", "01", without_visits="gia đình đi làm ăn xa, chưa gặp được"), "ngoài năm học 2024-2025")
    refused(lambda: movements.record_dropout(s2, year, "05/09/2025", "01", without_visits="gia đình đi làm ăn xa, chưa gặp được"), "ngoài năm học")
    refused(lambda: movements.record_dropout(s1, year, "07/09/2024", "01", without_visits="gia đình đi làm ăn xa, chưa gặp được"), "trước ngày học sinh",
            "10/09/2024")
    refused(lambda: movements.record_dropout(s1, year, "31/02/2025", "01", without_visits="gia đình đi làm ăn xa, chưa gặp được"), "không có trên lịch")
    # class change only inside the grade and the year
    y2 = add_year("2025-2026", "05/09/2025", "31/05/2026")
    other_year = add_class("6A1", 6, y2)
    movements.record_return(s2, year, "01/11/2024")
    refused(lambda: movements.record_class_change(s2, year, "02/11/2024", c), "cùng khối", "7A1")
    refused(lambda: movements.record_class_change(s2, year, "02/11/2024", other_year),
            "không thuộc năm học 2024-2025")
    refused(lambda: movements.record_class_change(s2, year, "02/11/2024", a), "đã ở lớp này")
    # a dropout needs a reason from the national list
    refused(lambda: movements.record_dropout(s2, year, "02/11/2024", "", without_visits="gia đình đi làm ăn xa, chưa gặp được"), "cần có lý do")
    refused(lambda: movements.record_dropout(s2, year, "02/11/2024", "99", without_visits="gia đình đi làm ăn xa, chưa gặp được"), "không có trong danh mục")
    # no two contradicting events on one date
    refused(lambda: movements.record_dropout(s2, year, "01/11/2024", "01", without_visits="gia đình đi làm ăn xa, chưa gặp được"), "cùng ngày", "Đi học lại")
    # a transfer names the school and the scope
    refused(lambda: movements.record_transfer_out(s2, year, "02/11/2024", scope="01"), "tên trường")
    refused(lambda: movements.record_transfer_out(s2, year, "02/11/2024", school="X"), "phạm vi")
    refused(lambda: movements.record_transfer_out(s2, year, "02/11/2024", school="X", scope="xa"),
            "không hợp lệ")
    # an event earlier than later ones it would break
    refused(lambda: movements.record_dropout(s2, year, "05/10/2024", "01", without_visits="gia đình đi làm ăn xa, chưa gặp được"), "sẽ không còn đúng",
            "«Bỏ học» ngày 10/10/2024")
    refused(lambda: movements.record_decrease(s2, year, "02/11/2024", kinds.OTHER_DECREASE), "lý do")


def test_void_keeps_the_event_counts_it_nowhere_and_refuses_when_others_depend(school):
    year, a, b, c, s1, s2 = school
    drop = movements.record_dropout(s1, year, "10/10/2024", "01", without_visits="gia đình đi làm ăn xa, chưa gặp được")
    back = movements.record_return(s1, year, "03/12/2024")
    err = refused(lambda: movements.void_event(drop.id, "ghi nhầm"), "Không hủy được",
                  f"«Đi học lại» ngày 03/12/2024 (số {back.id})")
    assert err.field == "so"
    refused(lambda: movements.void_event(back.id, ""), "lý do hủy")
    refused(lambda: movements.void_event(99999, "x"), "Không có sự kiện")
    movements.void_event(back.id, "ghi nhầm")
    movements.void_event(drop.id, "ghi nhầm")
    refused(lambda: movements.void_event(drop.id, "lần nữa"), "đã bị hủy")
    # both stay in the history, marked
    evs = {e.id: e for e in Event.select()}
    assert evs[drop.id].void_reason == "ghi nhầm" and evs[drop.id].voided_at is not None
    # and count nowhere: An is enrolled all year in 6A1
    assert status_on(s1.id, date(2024, 11, 1), year) == ("dang_hoc", a)
    assert [(c.name, c.start, c.now) for c in class_counts(year, date(2024, 11, 1))] == [
        ("6A1", 2, 2), ("6A2", 0, 0), ("7A1", 0, 0)]
    assert movement_register.list_events(year, include_voided=False) == []
    listed = movement_register.list_events(year)
    assert [(r.id, r.voided) for r in listed] == [(drop.id, True), (back.id, True)]
    # a class change voided puts the student back in the old class
    cc = movements.record_class_change(s2, year, "01/11/2024", b)
    assert status_on(s2.id, date(2024, 11, 2), year) == ("dang_hoc", b)
    movements.void_event(cc.id, "nhầm lớp")
    assert status_on(s2.id, date(2024, 11, 2), year) == ("dang_hoc", a)


def test_void_is_refused_when_a_later_year_depends_on_it(school):
    year, a, b, c, s1, s2 = school
    y2 = add_year("2025-2026", "05/09/2025", "31/05/2026")
    k2 = add_class("7A1", 7, y2)
    drop = movements.record_dropout(s1, year, "10/03/2025", "02", without_visits="gia đình đi làm ăn xa, chưa gặp được")
    back = movements.record_return(s1, y2, "15/09/2025", k2)
    refused(lambda: movements.void_event(drop.id, "nhầm"), f"(số {back.id})", "dựa trên")


def test_list_events_filters_by_period_kind_and_class(school):
    year, a, b, c, s1, s2 = school
    d = movements.record_dropout(s1, year, "10/10/2024", "01", without_visits="gia đình đi làm ăn xa, chưa gặp được")
    cc = movements.record_class_change(s2, year, "11/11/2024", b)
    assert [r.id for r in movement_register.list_events(year)] == [d.id, cc.id]
    assert [r.id for r in movement_register.list_events(year, start="01/11/2024")] == [cc.id]
    assert [r.id for r in movement_register.list_events(year, end="31/10/2024")] == [d.id]
    assert [r.id for r in movement_register.list_events(year, kind="class-change")] == [cc.id]
    assert [r.id for r in movement_register.list_events(year, klass="6A1")] == [d.id, cc.id]  # left 6A1
    assert [r.id for r in movement_register.list_events(year, klass=b)] == [cc.id]
    row = movement_register.list_events(year, kind=kinds.CLASS_CHANGE)[0]
    assert (row.klass, row.from_klass, row.name, row.code) == ("6A2", "6A1", "Trần Thị Bình", "HS2")
    with pytest.raises(SisoError, match="không có"):
        movement_register.list_events(year, kind="nhap-nham")


def test_an_impossible_date_is_reported_before_a_missing_reason(db, year):
    from db.school import add_class
    from db.students import add_student

    k = add_class("6A9", 6, year)
    st = add_student({"name": "Lò Văn Páo", "dob": "01/01/2013", "gender": "nam"}, year, k,
                     day=year.start)
    with pytest.raises(SisoError, match="31/02/2025") as err:
        movements.record("dropout", st, year, "31/02/2025", reason=None)
    assert err.value.field == fields.NGAY
