"""Add, edit, find and list students."""

from __future__ import annotations

import re
from dataclasses import dataclass

from peewee import IntegrityError

from . import audit, clock, codes, fields, kinds, scope as scopes, text, villages
from .dates import fmt_date, parse_date
from .errors import SisoError, collect
from .events import check_date, record_event
from .models import SchoolClass, SchoolYear, Student, database

_NAME_OK = re.compile(r"^[^\W\d_]+(?:['’\-.][^\W\d_]*)*$")
_CODE_OK = re.compile(r"^[A-Za-z0-9_\-./]{1,32}$")

FIELDS = ("family", "middle", "given", "female", "dob", "ethnic", "disability", "national_id",
          "village", "commune", "birthplace", "father", "mother", "guardian", "phone", "address")


@dataclass(frozen=True)
class StudentField:
    """One field a new student is entered with, the same in every door (the add-student
    form F2, the transfer-in form F7 D, ``siso student add``, ``siso event add --kind
    transfer-in``; the importer reads the same keys from its columns).

    ``key``: the key of :func:`add_student`'s ``data`` (checked by :func:`check_fields`);
    ``label``: the Vietnamese label (a catalogue msgid); ``option``: the CLI option;
    ``help``: its CLI help; ``field``: the name :class:`SisoError` gives the field (and the
    event form's widget id); ``required``: a new student cannot be added without it;
    ``default``: what an empty field means, always shown (pre-filled in the forms, named in
    the CLI help and printed when the option is left out); ``hint``: the forms' placeholder;
    ``choices``: (value, label) for a field chosen from a list."""

    key: str
    label: str
    option: str
    help: str
    field: str
    required: bool = False
    default: str | None = None
    hint: str = ""
    choices: tuple[tuple[str, str], ...] = ()


ETHNIC_DEFAULT = "01"  # Kinh

STUDENT_FIELDS: tuple[StudentField, ...] = (
    StudentField("name", "Họ và tên", "--name", "họ và tên", fields.HO_TEN, required=True),
    StudentField("dob", "Ngày sinh", "--dob", "ngày sinh (dd/mm/yyyy)", fields.NGAY_SINH,
                 required=True, hint="dd/mm/yyyy"),
    StudentField("gender", "Giới tính", "--gender", "giới tính: nam hoặc nu", fields.GIOI_TINH,
                 required=True, choices=(("nam", "Nam"), ("nu", "Nữ"))),
    StudentField("ethnic", "Dân tộc", "--ethnic",
                 "dân tộc: mã 01–55 hoặc tên (mặc định Kinh)", fields.DAN_TOC,
                 default="Kinh", hint="mã hoặc tên: Kinh, Ba Na, 13…"),
    StudentField("code", "Mã học sinh", "--code", "mã học sinh (mặc định: tự cấp HS000001…)",
                 fields.MA, hint="để trống: tự cấp"),
    StudentField("national_id", "Mã định danh", "--national-id",
                 "mã định danh cá nhân (12 chữ số)", fields.MA_DINH_DANH, hint="12 chữ số"),
    StudentField("disability", "Khuyết tật (mã)", "--disability", "loại khuyết tật: mã 01–06",
                 fields.KHUYET_TAT, hint="01–06, để trống nếu không"),
    StudentField("birthplace", "Nơi sinh", "--birthplace", "nơi sinh", fields.NOI_SINH),
    StudentField("village", "Thôn/xóm", "--village",
                 "thôn / làng / buôn đã có (db.villages; thôn mới: thêm --new-village)", fields.THON,
                 hint="chọn thôn đã có"),
    StudentField("commune", "Xã/phường", "--commune", "xã / phường", fields.XA_PHUONG),
    StudentField("address", "Địa chỉ", "--address", "địa chỉ", fields.DIA_CHI),
    StudentField("father", "Họ tên cha", "--father", "họ tên cha", fields.HO_TEN_CHA),
    StudentField("mother", "Họ tên mẹ", "--mother", "họ tên mẹ", fields.HO_TEN_ME),
    StudentField("guardian", "Người giám hộ", "--guardian", "người giám hộ (khi không phải cha, mẹ)",
                 fields.NGUOI_GIAM_HO),
    StudentField("phone", "Điện thoại", "--phone", "số điện thoại", fields.DIEN_THOAI),
)


def parse_gender(value) -> bool:
    """True for female. Accepts nam/nu/nữ, male/female, m/f, 0/1 (1 = nữ), x (cột Nữ)."""
    v = text.fold(str(value or ""))
    if v in ("nu", "f", "female", "1", "x", "gai", "con gai"):
        return True
    if v in ("nam", "m", "male", "0", "trai", "con trai"):
        return False
    if not v:
        raise SisoError("Thiếu giới tính: cần «nam» hoặc «nữ».", fields.GIOI_TINH)
    raise SisoError(f"Giới tính «{value}» không hợp lệ: cần «nam» hoặc «nữ».", fields.GIOI_TINH)


def check_name(full: str) -> tuple[str, str, str]:
    full = text.title_name(full)
    if not full:
        raise SisoError("Thiếu họ và tên học sinh.", fields.HO_TEN)
    for word in full.split(" "):
        if not _NAME_OK.match(word):
            raise SisoError(f"Họ tên «{full}» có ký tự không hợp lệ «{word}»: chỉ dùng chữ cái, "
                            "dấu nháy và gạch nối.", fields.HO_TEN)
    family, middle, given = text.split_name(full)
    if not family:
        raise SisoError(f"Họ tên «{full}» cần có cả họ và tên.", fields.HO_TEN)
    if len(full) > 100:
        raise SisoError("Họ tên dài quá 100 ký tự.", fields.HO_TEN)
    return family, middle, given


def field_errors(data: dict, *, year: SchoolYear | None = None) -> list[tuple[str | None, str]]:
    """Every field's problem at once, in the order of ``data`` (``check_fields`` stops at
    the first)."""
    return collect(*(lambda key=key: check_fields({key: data[key]}, year=year) for key in data))


def check_fields(data: dict, *, year: SchoolYear | None = None) -> dict:
    """Validate and normalise student fields; raises SisoError naming the first bad field."""
    out: dict = {}
    if "name" in data:
        out["family"], out["middle"], out["given"] = check_name(data["name"])
    if "dob" in data:
        dob = parse_date(data["dob"], "ngày sinh", fields.NGAY_SINH)
        ref = year.start if year else clock.today()
        age = ref.year - dob.year
        if not 3 <= age <= 30:
            raise SisoError(f"Ngày sinh {fmt_date(dob)} không hợp lý: học sinh {age} tuổi "
                            f"vào năm {ref.year}.", fields.NGAY_SINH)
        out["dob"] = dob
    if "gender" in data:
        out["female"] = parse_gender(data["gender"])
    if "ethnic" in data:
        raw = data["ethnic"]
        code = codes.match_ethnic(raw) if text.clean(raw) else ETHNIC_DEFAULT
        if code is None:
            raise SisoError(f"Dân tộc «{raw}» không có trong danh mục 54 dân tộc "
                            "(ghi mã 01–55 hoặc tên, ví dụ 01 hoặc Kinh).", fields.DAN_TOC)
        out["ethnic"] = code
    if "disability" in data:
        raw = text.clean(data["disability"])
        if raw:
            code = f"{int(raw):02d}" if raw.isdigit() else None
            if code not in codes.disability_types():
                raise SisoError(f"Loại khuyết tật «{raw}» không có: cần mã 01–06 "
                                f"({', '.join(f'{k} {v}' for k, v in codes.disability_types().items())}).",
                                fields.KHUYET_TAT)
            out["disability"] = code
        else:
            out["disability"] = None
    if "national_id" in data:
        nid = re.sub(r"\s", "", text.clean(data["national_id"]))
        if nid and not re.fullmatch(r"\d{12}", nid):
            raise SisoError(f"Mã định danh «{nid}» không hợp lệ: cần đúng 12 chữ số.", fields.MA_DINH_DANH)
        out["national_id"] = nid or None
    if "phone" in data:
        phone = re.sub(r"[\s.\-]", "", text.clean(data["phone"]))
        if phone.startswith("+84"):
            phone = "0" + phone[3:]
        if phone and not re.fullmatch(r"0\d{9,10}", phone):
            raise SisoError(f"Số điện thoại «{data['phone']}» không hợp lệ: cần 10 chữ số, "
                            "bắt đầu bằng 0.", fields.DIEN_THOAI)
        out["phone"] = phone
    for key in ("village", "commune", "birthplace", "address"):
        if key in data:
            out[key] = text.clean(data[key])
    for key in ("father", "mother", "guardian"):
        if key in data:
            out[key] = text.title_name(data[key]) if text.clean(data[key]) else ""
    if "code" in data and data["code"] not in (None, ""):
        code = text.clean(data["code"]).upper()
        if not _CODE_OK.match(code):
            raise SisoError(f"Mã học sinh «{code}» không hợp lệ: chỉ dùng chữ, số, - _ . / "
                            "(tối đa 32 ký tự).", fields.MA)
        out["code"] = code
    from .limits import check_lengths

    check_lengths(Student, out, {s.key: s.label for s in STUDENT_FIELDS},
                  {s.key: s.field for s in STUDENT_FIELDS})
    return out


def next_code() -> str:
    last = Student.select(Student.id).order_by(Student.id.desc()).first()
    n = (last.id if last else 0) + 1
    while Student.select().where(Student.code == f"HS{n:06d}").exists():
        n += 1
    return f"HS{n:06d}"


def possible_duplicates(name: str, dob) -> list[Student]:
    """Students who may be this one: the import's rule, the same name (letters compared
    without tones or case) and the same date of birth."""
    from .dates import parse_date

    try:
        day = parse_date(dob, "ngày sinh", fields.NGAY_SINH)
    except SisoError:
        return []  # the add itself says what is wrong with the date
    return list(Student.select().where(Student.name_folded == text.fold(text.clean(name)),
                                       Student.dob == day))


def duplicates_message(same: list[Student]) -> str:
    """What to say of :func:`possible_duplicates` before adding a student (CLI and app)."""
    who = ", ".join(f"{st.full_name} ({st.code})" for st in same[:3])
    more = f" và {len(same) - 3} học sinh khác" if len(same) > 3 else ""
    return f"Có thể trùng học sinh đã có {who}{more}: cùng họ tên và ngày sinh."


def _check_unique(values: dict, exclude_id: int | None = None) -> None:
    if values.get("code"):
        q = Student.select().where(Student.code == values["code"])
        if exclude_id:
            q = q.where(Student.id != exclude_id)
        if q.exists():
            raise SisoError(f"Mã học sinh {values['code']} đã có.", fields.MA)
    if values.get("national_id"):
        q = Student.select().where(Student.national_id == values["national_id"])
        if exclude_id:
            q = q.where(Student.id != exclude_id)
        other = q.first()
        if other:
            raise SisoError(f"Mã định danh {values['national_id']} đã là của học sinh "
                            f"{other.full_name} ({other.code}).", fields.MA_DINH_DANH)


def _save_unique(st: Student, values: dict, exclude_id: int | None = None) -> None:
    """Save ``st``; when another writer took the same code or personal ID between the check
    and the write (the UNIQUE constraint refuses it), the same message as the check's."""
    try:
        with database.atomic():  # a savepoint: the transaction stays usable on every engine
            st.save()
    except IntegrityError:
        _check_unique(values, exclude_id=exclude_id)  # names the student who has it
        raise


def start_count_warning(year: SchoolYear, day) -> str | None:
    """The warning for a student entering on ``day`` when that day is on or before the year's
    reference date and the reference date has passed: the start-of-year count already taken
    (and perhaps reported) changes. None otherwise."""
    day = parse_date(day, "ngày vào", fields.NGAY_VAO)
    if day <= year.ref_date < clock.today():
        return (f"Ngày vào {fmt_date(day)} không sau ngày chốt sĩ số đầu năm "
                f"{fmt_date(year.ref_date)}, ngày đó đã qua: sĩ số đầu năm của năm học "
                f"{year.name} (có thể đã báo cáo) sẽ thay đổi.")
    return None


def add_student(data: dict, year: SchoolYear, klass: SchoolClass, *, entry: str = kinds.ADMIT,
                day=None, from_school: str | None = None, batch=None, audit_it: bool = True,
                future: bool = False) -> Student:
    """Create a student and the event that brings them into ``klass`` — one transaction.

    ``data`` keys: name, dob, gender, ethnic and optionally code, national_id, disability,
    village, commune, birthplace, father, mother, guardian, phone, address. The student
    gets the next register number (``db.register``) in the same transaction. ``day`` defaults to
    ``clock.admission_day`` (today, clamped to the school year: never back-dated to the
    first day). A transfer in dated after today is refused (``clock.FutureDate``) unless
    ``future``; an admission is not (a class list is entered before the year starts).
    A day that changes the start-of-year count is taken as given: callers show
    ``start_count_warning``.
    """
    if audit_it:  # else the caller's write checked who may (an import, a transfer in)
        from . import users

        users.require_admin("thêm học sinh")
    for spec in STUDENT_FIELDS:
        if spec.required and not text.clean(str(data.get(spec.key) or "")):
            raise SisoError(f"Thiếu {spec.label.lower()}.", spec.field)
    values = check_fields({"ethnic": ETHNIC_DEFAULT, **data}, year=year)
    if entry not in (kinds.ADMIT, kinds.TRANSFER_IN):
        raise SisoError("Cách vào trường cần là admit (nhập học) hoặc transfer-in (chuyển đến).", fields.CACH_VAO)
    if klass.year_id != year.id:
        raise SisoError(f"Lớp {klass.name} không thuộc năm học {year.name}.", fields.LOP)
    if day in (None, ""):
        day = clock.admission_day(year)
    else:
        day = parse_date(day, "ngày vào", fields.NGAY_VAO)
        if entry == kinds.TRANSFER_IN:
            check_date(year, day, None, entry)
            clock.refuse_future(day, f"«{kinds.LABELS[entry]}»", future)
    _check_unique(values)
    place = villages.place_values(data, values)
    ctx = audit.write("student.add") if audit_it else _null()
    with ctx as info:
        if place is not None:
            villages.settle(place, values)
        values.setdefault("code", next_code())
        st = Student(**values, batch=batch)
        st.refresh_derived()
        _save_unique(st, values)
        record_event(st, year, entry, day, klass=klass, batch=batch,
                     school=text.clean(from_school) or None)
        if info is not None:
            info.update(_target=f"student:{st.code}", after={**values, "lop": klass.name, "ngay": day})
    return st


class _null:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


class EditConflict(SisoError):
    """Another user saved the same student since this edit read it: nothing written."""


def update_student(student: Student, data: dict, *, read_version: int | None = None) -> Student:
    """Edit a student's fields (not the class: that is an event). One transaction, audited
    with the fields given, before → after. A required field cannot be emptied.

    Two users editing the same student at once never overwrite each other: the edit is
    written only if the row still has ``read_version`` (default: ``student.version``, the
    version read with ``student``; a form passes the one it showed), and adds one to it;
    otherwise :class:`EditConflict` says who saved it and nothing is written."""
    from . import users

    users.require_admin("sửa thông tin học sinh")
    expected = student.version if read_version is None else read_version
    for spec in STUDENT_FIELDS:
        if spec.required and spec.key in data and not text.clean(str(data[spec.key] or "")):
            raise SisoError(f"Thiếu {spec.label.lower()}.", spec.field)
    if "code" in data and not text.clean(str(data["code"] or "")):
        raise SisoError(f"Mã học sinh không để trống được (đang là «{student.code}»): ghi mã mới, "
                        "hoặc bỏ trường này để giữ mã cũ.", fields.MA)
    values = check_fields(data)
    _check_unique(values, exclude_id=student.id)
    place = villages.place_values(data, values, student)
    before = {k: getattr(student, k) for k in values}
    with audit.write("student.edit", f"student:{student.code}", before=before, after=values):
        # the version check and the write in one statement: on PostgreSQL a second writer
        # waits for the first's commit, then finds the version changed (READ COMMITTED)
        taken = (Student.update(version=Student.version + 1)
                 .where((Student.id == student.id) & (Student.version == expected)).execute())
        if not taken:
            raise _conflict(student)
        if place is not None:
            villages.settle(place, values)
        fresh = Student.get_by_id(student.id)  # what the others wrote, with this edit on top
        for k, v in values.items():
            setattr(fresh, k, v)
        fresh.refresh_derived()
        _save_unique(fresh, values, exclude_id=student.id)
    student.__data__.update(fresh.__data__)
    return student


def _conflict(student: Student) -> EditConflict:
    """The message of an edit that came second (read in a fresh query: who saved, when)."""
    from .models import Audit

    last = (Audit.select().where((Audit.action == "student.edit")
                                 & (Audit.target == f"student:{student.code}"))
            .order_by(Audit.id.desc()).first())
    who = f" ({last.user}, lúc {last.at:%H:%M:%S %d/%m/%Y})" if last else ""
    return EditConflict(f"Học sinh {student.full_name} ({student.code}) vừa được người khác sửa"
                        f"{who} trong lúc bạn sửa: chưa ghi gì, để không xóa mất thay đổi của "
                        "họ. Mở lại học sinh này để xem bản mới rồi sửa lại.", fields.MA)


def get_student(code) -> Student:
    """The one way to find a student from what a caller gives: the student itself, an id
    (an ``int``: refused with the field ``HOC_SINH`` when there is none), or a code (case
    ignored: codes are stored in capitals) or, failing that, the 12-digit personal ID (mã định
    danh), refused with the field ``MA`` when nothing matches."""
    if isinstance(code, Student):
        return code
    if isinstance(code, int):
        st = Student.get_or_none(Student.id == code)
        if st is None:
            raise SisoError(f"Không có học sinh số {code}.", fields.HOC_SINH)
    else:
        norm = text.clean(str(code or "")).upper()
        if not norm:
            raise SisoError("Thiếu mã học sinh.", fields.MA)
        st = Student.get_or_none(Student.code == norm)
        if st is None and norm.isdigit() and len(norm) == 12:
            st = Student.get_or_none(Student.national_id == norm)
    if st is None:
        raise SisoError(f"Không có học sinh mã «{code}».", fields.MA)
    return st


def read_student(code: str) -> Student:
    """The student with this code (or personal ID) for reading their record: one outside
    the reader's scope is refused (``db.scope.check_student``), not shown. (A write finds the
    student with :func:`get_student`; whether the actor may write is ``db.users``' rule.)"""
    st = get_student(code)
    scopes.check_student(st)
    return st
