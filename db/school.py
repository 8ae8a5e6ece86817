"""The school's settings, school years and classes."""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import partial

from . import audit, clock, fields, text
from .dates import fmt_date, parse_date
from .errors import SisoError, collect
from .models import SchoolClass, SchoolYear, Setting

# key -> (Vietnamese label, default)
SETTINGS = {
    "ten_truong": ("Tên trường", ""),
    "co_quan_quan_ly": ("Cơ quan quản lý", ""),
    "xa": ("Xã / phường", ""),
    "tinh": ("Tỉnh / thành phố", ""),
    "cap_hoc": ("Cấp học (TH, THCS, THPT, TH-THCS, THCS-THPT)", "THCS"),
    "dia_danh": ("Địa danh ghi trên biểu mẫu", ""),
    "hieu_truong": ("Hiệu trưởng", ""),
    "nguoi_lap_bieu": ("Người lập biểu", ""),
    "ngon_ngu": ("Ngôn ngữ giao diện (vi, en)", "vi"),
    "ky_tu_don_gian": ("Ký tự đơn giản, không biểu tượng (có, không)", "không"),
    "so_dang_bo_bat_dau": ("Số đăng bộ bắt đầu (tiếp nối sổ giấy)", "1"),  # db.register
    "nghi_lien_tiep_toi_da": ("Nghỉ liên tiếp tối đa", "3"),
    "khong_phep_30_ngay_toi_da": ("Không phép 30 ngày tối đa", "3"),
}
COUNT_SETTINGS = ("nghi_lien_tiep_toi_da", "khong_phep_30_ngay_toi_da")  # whole numbers ≥ 0
_YES = ("co", "c", "yes", "y", "1", "true")
_NO = ("khong", "k", "no", "n", "0", "false", "")


def is_yes(value: str | None) -> bool:
    """A yes/no setting: «có» (co, yes, 1) or «không» (khong, no, 0, empty)."""
    return text.fold(text.clean(value or "")) in _YES
LEVELS = {
    "TH": range(1, 6), "THCS": range(6, 10), "THPT": range(10, 13),
    "TH-THCS": range(1, 10), "THCS-THPT": range(6, 13),
}
LEVEL_NAMES = {
    "TH": "tiểu học", "THCS": "trung học cơ sở", "THPT": "trung học phổ thông",
    "TH-THCS": "liên cấp tiểu học và trung học cơ sở",
    "THCS-THPT": "liên cấp trung học cơ sở và trung học phổ thông",
}
# the last grade of each level: a student there completes the level (hoàn thành chương
# trình tiểu học, tốt nghiệp THCS / THPT)
COMPLETION_GRADES = (5, 9, 12)


def level_of_grade(grade: int) -> str:
    return "TH" if grade <= 5 else "THCS" if grade <= 9 else "THPT"


def school_level() -> str:
    """The school's level setting (``cap_hoc``): a key of :data:`LEVELS`."""
    level = (get_settings().get("cap_hoc") or "THCS").upper()
    return level if level in LEVELS else "THCS"


def level_grades(level: str | None = None) -> range:
    """The grades a level teaches (the school's level by default); combined schools span both."""
    return LEVELS[level or school_level()]


def completion_grades(level: str | None = None) -> tuple[int, ...]:
    """The grades of a level where a student completes a level: 5 (tiểu học), 9 (THCS),
    12 (THPT), those the level teaches. A TH-THCS school has two: grade 5, after which its
    students go on to its own grade 6, and grade 9, after which they leave."""
    grades = level_grades(level)
    return tuple(g for g in COMPLETION_GRADES if g in grades)


def _grade_span(grades) -> str:
    return f"khối {grades[0]} đến khối {grades[-1]}"


def get_settings() -> dict[str, str]:
    values = {k: default for k, (_, default) in SETTINGS.items()}
    values.update({s.key: s.value for s in Setting.select()})
    return values


def _check_setting(key: str, value: str) -> str:
    if key not in SETTINGS:
        raise SisoError(
            f"Không có mục cài đặt «{key}». Các mục: {', '.join(SETTINGS)}.", fields.MUC_CAI_DAT)
    value = text.clean(value)
    from .limits import check_lengths

    check_lengths(Setting, {"value": value}, {"value": SETTINGS[key][0]}, {"value": key})
    if key == "cap_hoc":
        value = value.upper()
        if value not in LEVELS:
            raise SisoError(f"Cấp học «{value}» không hợp lệ: cần một trong {', '.join(LEVELS)}.", fields.CAP_HOC)
    if key == "ngon_ngu" and value not in ("vi", "en"):
        raise SisoError("Ngôn ngữ cần là vi hoặc en.", fields.NGON_NGU)
    if key == "ky_tu_don_gian":
        folded = text.fold(value)
        if folded not in _YES + _NO:
            raise SisoError(f"«{value}» không hợp lệ cho «{SETTINGS[key][0]}»: cần «có» hoặc «không».", fields.KY_TU_DON_GIAN)
        value = "có" if folded in _YES else "không"
    if key == "so_dang_bo_bat_dau":
        from .register import check_start_setting

        value = check_start_setting(value)
    if key in COUNT_SETTINGS:
        if not re.fullmatch(r"[0-9]{1,3}", value):
            raise SisoError(f"«{value}» không hợp lệ cho «{SETTINGS[key][0]}»: cần một số nguyên "
                            "từ 0 đến 999.", key)  # a field constant too (tests/test_fields.py)
        value = str(int(value))
    if key == "ten_truong" and not value:
        raise SisoError("Tên trường không được để trống.", fields.TEN_TRUONG)
    return value


def settings_errors(values: dict[str, str]) -> list[tuple[str | None, str]]:
    """Every refused setting at once (``set_settings`` stops at the first)."""
    return collect(*(partial(_check_setting, k, v) for k, v in values.items()))


def set_settings(values: dict[str, str]) -> dict[str, str]:
    """Save several settings in one transaction; nothing is written if one is invalid."""
    from . import users

    users.require_admin("sửa thông tin nhà trường")
    clean = {k: _check_setting(k, v) for k, v in values.items()}
    old = get_settings()
    if "cap_hoc" in clean and clean["cap_hoc"] != old.get("cap_hoc"):
        _check_level_fits_classes(clean["cap_hoc"])
    with audit.write("settings", "settings",
                     before={k: old.get(k) for k in clean}, after=clean):
        for k, v in clean.items():
            Setting.put(k, v)
        if "so_dang_bo_bat_dau" in clean:
            from .register import apply_start_setting

            apply_start_setting(clean["so_dang_bo_bat_dau"])
    return clean


def _check_level_fits_classes(level: str) -> None:
    """Refuse a level that leaves out a grade the school already has classes of, in the
    current school year or a later one (past years keep the level they had)."""
    from . import clock

    current = current_year(clock.today())
    if current is None:
        return
    grades = LEVELS[level]
    outside = (SchoolClass.select(SchoolClass.name, SchoolClass.grade, SchoolYear.name)
               .join(SchoolYear).where((SchoolYear.start >= current.start)
                                       & SchoolClass.grade.not_in(list(grades)))
               .order_by(SchoolYear.start, SchoolClass.grade, SchoolClass.name).tuples())
    found = [f"{name} (khối {grade}, năm học {year})" for name, grade, year in outside]
    if found:
        more = f" và {len(found) - 5} lớp khác" if len(found) > 5 else ""
        raise SisoError(f"Không đổi cấp học thành {level} ({LEVEL_NAMES[level]}, {_grade_span(grades)}): "
                        f"trường đang có lớp {', '.join(found[:5])}{more} ngoài các khối đó.",
                        fields.CAP_HOC)


def set_setting(key: str, value: str) -> str:
    return set_settings({key: value})[key]


def setup_errors(settings: dict[str, str], year_name: str, start, end,
                 ref=None) -> list[tuple[str | None, str]]:
    """Every problem of the first-run form at once, each field checked on its own
    (``setup_school`` checks everything again, and how the dates fit together)."""
    settings = {"ten_truong": "", **settings}
    checks = [partial(_check_setting, k, v) for k, v in settings.items()]
    checks.append(partial(parse_year_name, year_name))
    for key, value in (("start", start), ("end", end), ("ref", ref)):
        if key != "ref" or value not in (None, ""):
            checks.append(partial(parse_date, value, *_YEAR_DATES[key]))
    return collect(*checks)


def setup_school(settings: dict[str, str], year_name: str, start, end, ref=None,
                 hk2=None) -> SchoolYear:
    """First run: the school's details and its first school year, in one transaction
    (nothing is written when either is refused). ``settings`` must name the school."""
    from . import users

    users.require_admin("thiết lập nhà trường")
    settings = {"ten_truong": "", **settings}
    for k, v in settings.items():
        _check_setting(k, v)
    with audit.write("school.setup", "settings", year=year_name):
        set_settings(settings)
        return add_year(year_name, start, end, ref=ref, hk2=hk2)


# ---- school years ---------------------------------------------------------------------------

_YEAR_NAME = re.compile(r"^(\d{4})\s*-\s*(\d{4})$")
FIRST_YEARS = (1900, 2999)  # the first calendar year of a school year
# the name a year's date goes by in messages
_YEAR_DATES = {"start": ("ngày bắt đầu", fields.NGAY_BAT_DAU),
               "end": ("ngày kết thúc", fields.NGAY_KET_THUC),
               "ref": ("ngày chốt sĩ số đầu năm", fields.NGAY_CHOT_SI_SO),
               "hk2": ("ngày bắt đầu học kỳ II", fields.NGAY_BAT_DAU_HK2)}  # label, field


def parse_year_name(name: str) -> tuple[int, int]:
    """A school year's name as its two calendar years: «2024-2025» (spaces around the dash
    allowed) → (2024, 2025). A Vietnamese error (field ``nam_hoc``) unless the two years
    follow each other and the first is within :data:`FIRST_YEARS`."""
    m = _YEAR_NAME.match(text.clean(name))
    if not m or int(m.group(2)) != int(m.group(1)) + 1:
        raise SisoError(f"Tên năm học «{name}» không hợp lệ: cần dạng 2024-2025 (hai năm liền nhau).",
                        fields.NAM_HOC)
    first = int(m.group(1))
    if not FIRST_YEARS[0] <= first <= FIRST_YEARS[1]:  # the calendar (and its summers) must hold it
        raise SisoError(f"Năm học «{name}» không hợp lệ: cần bắt đầu từ năm {FIRST_YEARS[0]} "
                        f"đến năm {FIRST_YEARS[1]}.", fields.NAM_HOC)
    return first, first + 1


def year_name_of(first: int) -> str:
    """The name of the school year starting in calendar year ``first``: 2024 → «2024-2025»."""
    return f"{first}-{first + 1}"


def default_dates(first: int) -> tuple[date, date, date, date]:
    """(start, end, reference date, semester II start) a school year starting in calendar
    year ``first`` takes when none are given: 05/09, 31/05 of the next year, 30/09, and the
    first Monday on or after 12/01 (a semester starts on a Monday)."""
    hk2 = date(first + 1, 1, 12)
    hk2 += timedelta(days=(7 - hk2.weekday()) % 7)
    return date(first, 9, 5), date(first + 1, 5, 31), date(first, 9, 30), hk2


def proposed_year(today: date) -> tuple[str, date, date, date, date]:
    """(name, start, end, reference date, semester II start) of the school year ``today``
    falls in, with :func:`default_dates`: the latest one whose default first day (05/09) has
    come, so a summer still belongs to the year just ended, as in ``clock.year_of``. What a
    new database proposes (the welcome screen) and what the demo school is built on."""
    first = today.year if today >= default_dates(today.year)[0] else today.year - 1
    return (year_name_of(first), *default_dates(first))


def add_year(name: str, start, end, ref=None, hk2=None, school_days=None) -> SchoolYear:
    """``school_days``: the teaching weekdays (``ngay_hoc``), ``2-6`` (default) or ``2-7``."""
    from . import users
    from .attendance_days import check_school_days

    users.require_admin("thêm năm học")

    first, _second = parse_year_name(name)
    name = year_name_of(first)
    ngay_hoc = check_school_days(school_days) if school_days not in (None, "") else "2-6"
    start = parse_date(start, *_YEAR_DATES["start"])
    end = parse_date(end, *_YEAR_DATES["end"])
    ref = parse_date(ref, *_YEAR_DATES["ref"]) if ref not in (None, "") else start
    hk2 = parse_date(hk2, *_YEAR_DATES["hk2"]) if hk2 not in (None, "") else default_dates(first)[3]
    if start.year != first:
        raise SisoError(f"Ngày bắt đầu {fmt_date(start)} phải thuộc năm {first} của năm học {name}.", fields.NGAY_BAT_DAU)
    if not start < end:
        raise SisoError(f"Ngày kết thúc {fmt_date(end)} phải sau ngày bắt đầu {fmt_date(start)}.", fields.NGAY_KET_THUC)
    if end.year != first + 1:
        raise SisoError(f"Ngày kết thúc {fmt_date(end)} phải thuộc năm {first + 1}.", fields.NGAY_KET_THUC)
    if not start <= ref <= end:
        raise SisoError(f"Ngày chốt sĩ số đầu năm {fmt_date(ref)} phải nằm trong năm học "
                        f"({fmt_date(start)} – {fmt_date(end)}).", fields.NGAY_CHOT_SI_SO)
    if not start < hk2 <= end:
        raise SisoError(f"Ngày bắt đầu học kỳ II {fmt_date(hk2)} phải nằm trong năm học.", fields.NGAY_BAT_DAU_HK2)
    if SchoolYear.get_or_none(SchoolYear.name == name):
        raise SisoError(f"Năm học {name} đã có.", fields.NAM_HOC)
    overlap = (SchoolYear.select().where((SchoolYear.start <= end) & (SchoolYear.end >= start))
               .first())
    if overlap is not None:
        raise SisoError(f"Năm học {name} ({fmt_date(start)} – {fmt_date(end)}) trùng thời gian với "
                        f"năm học {overlap.name} ({fmt_date(overlap.start)} – {fmt_date(overlap.end)}).",
                        fields.NGAY_BAT_DAU)
    with audit.write("year.add", f"year:{name}", name=name, start=start, end=end, ref=ref, hk2=hk2,
                     ngay_hoc=ngay_hoc):
        year = SchoolYear.create(name=name, start=start, end=end, ref_date=ref, hk2_start=hk2,
                                 ngay_hoc=ngay_hoc)
        from . import deadlines  # imported here: not needed before the first screen

        deadlines.add_defaults(year)  # the reporting calendar's default deadlines
        return year


def list_years() -> list[SchoolYear]:
    return list(SchoolYear.select().order_by(SchoolYear.start))


def current_year(today: date | None = None) -> SchoolYear | None:
    """The school year today (``clock.today()`` unless given) belongs to: the one whose first
    day … end of summer contains it (``clock.year_of``). Between years — before the first
    year starts, or after a summer when the next year is not created yet — the latest year
    started, else the first one."""
    today = today or clock.today()
    found = clock.year_of(today)
    if found is not None:
        return found
    years = list_years()
    if not years:
        return None
    started = [y for y in years if y.start <= today]
    return started[-1] if started else years[0]


def get_year(name: str | None = None) -> SchoolYear:
    """The named year, or the current one. Vietnamese error when it does not exist."""
    if not name:
        y = current_year()
        if y is None:
            raise SisoError("Chưa có năm học nào: tạo bằng «siso year add 2024-2025 --start … --end …».",
                            fields.NAM_HOC)
        return y
    norm = text.clean(name).replace(" ", "")
    y = SchoolYear.get_or_none(SchoolYear.name == norm)
    if y is None:
        names = ", ".join(y.name for y in list_years()) or "chưa có"
        raise SisoError(f"Không có năm học «{name}». Các năm học: {names}.", fields.NAM_HOC)
    return y


# ---- classes --------------------------------------------------------------------------------

_CLASS_NAME = re.compile(r"^[0-9A-Za-zÀ-ỹĐđ][0-9A-Za-zÀ-ỹĐđ/.\-]{0,19}$")
_LEADING_DIGITS = re.compile(r"\d+")


def check_grade(grade, level: str | None = None) -> int:
    """A grade (khối) 1–12, as an int; a Vietnamese error otherwise.

    With ``level`` (a key of :data:`LEVELS`, e.g. the school's ``school_level()``) the grade
    must also be one that level teaches: a THCS school has grades 6–9 only, a TH-THCS
    school 1–9. Every class (CLI, TUI, import, rollover) is checked against the school's
    level through :func:`add_class` / :func:`check_class_grade`."""
    try:
        grade = int(str(grade).strip())
    except (TypeError, ValueError):
        raise SisoError(f"Khối «{grade}» không hợp lệ: cần số từ 1 đến 12.", fields.KHOI) from None
    if not 1 <= grade <= 12:
        raise SisoError(f"Khối {grade} không hợp lệ: cần số từ 1 đến 12.", fields.KHOI)
    if level is not None:
        grades = LEVELS[level]
        if grade not in grades:
            raise SisoError(
                f"Khối {grade} không thuộc cấp học của trường: trường {level} "
                f"({LEVEL_NAMES[level]}) chỉ có {_grade_span(grades)}. Sửa khối của lớp, hoặc đổi "
                "cấp học của trường trong thông tin nhà trường (mục cap_hoc).", fields.KHOI)
    return grade


def check_class_grade(grade, level: str | None = None) -> int:
    """The grade of a class of this school: 1–12 and taught at the school's level (``level``
    when the caller has read it already, else read here)."""
    return check_grade(grade, level or school_level())


def normalize_class_name(name: str | None) -> str:
    """A class name as typed, the way it is stored and looked up: «6a 1» → «6A1» (capitals,
    no spaces). Not checked: :func:`check_class_name` also refuses what cannot be a name."""
    return text.clean(name).upper().replace(" ", "")


def grade_in_name(name: str | None) -> int | None:
    """The grade a class name starts with (6A1 → 6, 10/2 → 10, «6a 1» → 6); None when the
    name does not start with a number (A1)."""
    lead = _LEADING_DIGITS.match(normalize_class_name(name))
    return int(lead.group()) if lead else None


def check_class_name(name: str) -> str:
    """A class name as stored (6a1 → 6A1); a Vietnamese error when it cannot be one."""
    name = normalize_class_name(name)
    if not _CLASS_NAME.match(name):
        raise SisoError(f"Tên lớp «{name}» không hợp lệ: ví dụ 6A1, 6/2, 9C.", fields.LOP)
    return name


def class_errors(name: str, grade, level: str | None = None) -> list[tuple[str | None, str]]:
    """The problems of a new class's name and grade, both at once (``add_class`` checks
    them again, and that the class fits the grade and the year); ``level``: the school's
    level when the caller has read it already."""
    return collect(partial(check_class_name, name), partial(check_class_grade, grade, level))


def _check_homeroom(homeroom: str) -> None:
    from .limits import check_lengths

    check_lengths(SchoolClass, {"homeroom": homeroom}, {"homeroom": "Giáo viên chủ nhiệm"},
                  {"homeroom": fields.GVCN})


def add_class(name: str, grade: int | str, year: SchoolYear, homeroom: str = "") -> SchoolClass:
    from . import users

    users.require_admin("thêm lớp")
    name = check_class_name(name)
    grade = check_class_grade(grade)
    lead = grade_in_name(name)
    if lead is not None and lead != grade:
        raise SisoError(f"Lớp {name} không thuộc khối {grade}.", fields.KHOI)
    if SchoolClass.get_or_none((SchoolClass.year == year) & (SchoolClass.name == name)):
        raise SisoError(f"Lớp {name} đã có trong năm học {year.name}.", fields.LOP)
    homeroom = text.title_name(homeroom) if homeroom else ""
    _check_homeroom(homeroom)
    with audit.write("class.add", f"class:{year.name}/{name}", name=name, grade=grade, gvcn=homeroom):
        return SchoolClass.create(name=name, grade=grade, year=year, homeroom=homeroom)


def update_class(klass: SchoolClass, homeroom: str) -> SchoolClass:
    from . import users

    users.require_admin("sửa lớp")
    homeroom = text.title_name(homeroom) if homeroom else ""
    _check_homeroom(homeroom)
    with audit.write("class.edit", f"class:{klass.id}", before=klass.homeroom, after=homeroom):
        klass.homeroom = homeroom
        klass.save()
    return klass


def list_classes(year: SchoolYear) -> list[SchoolClass]:
    """Classes in grade then natural name order (6A2 before 6A10)."""
    return sorted(SchoolClass.select().where(SchoolClass.year == year),
                  key=lambda c: (c.grade, text.natural_key(c.name)))


def get_class(name: str, year: SchoolYear) -> SchoolClass:
    norm = normalize_class_name(name)
    k = SchoolClass.get_or_none((SchoolClass.year == year) & (SchoolClass.name == norm))
    if k is None:
        names = ", ".join(c.name for c in list_classes(year)) or "chưa có lớp nào"
        raise SisoError(f"Không có lớp «{name}» trong năm học {year.name}. Các lớp: {names}.", fields.LOP)
    return k
