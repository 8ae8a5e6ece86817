"""The per-field parsers of an imported row (exports.import_fields), one by one: what a cell
gives and which problems it raises, under which field. Expected values written by hand."""

from datetime import date

from db.import_plan import ERROR, WARNING
from exports.import_fields import (
    cell_issues,
    parse_class,
    parse_disability,
    parse_dob_cell,
    parse_ethnic,
    parse_gender,
    parse_name,
    parse_national_id,
    parse_phone,
    parse_places,
    parse_register_no,
)


def test_female_mark_column_x_means_a_girl_empty_a_boy():
    columns = {"name", "female_mark"}
    assert parse_gender({"female_mark": "x"}, columns) == ("nữ", [])
    assert parse_gender({"female_mark": "X"}, columns) == ("nữ", [])
    assert parse_gender({"female_mark": "có"}, columns) == ("nữ", [])
    assert parse_gender({"female_mark": ""}, columns) == ("nam", [])
    assert parse_gender({"female_mark": "0"}, columns) == ("nam", [])


def test_an_unknown_female_mark_is_an_error_under_that_column():
    gender, issues = parse_gender({"female_mark": "y"}, {"female_mark"})
    assert gender is None
    assert issues == [("female_mark", "Cột «Nữ» ghi «y»: cần «x» cho học sinh nữ hoặc để trống cho "
                                      "học sinh nam.", ERROR)]


def test_gender_column_is_passed_on_as_written_and_may_not_be_empty():
    assert parse_gender({"gender": "Nữ"}, {"gender"}) == ("Nữ", [])
    assert parse_gender({"gender": ""}, {"gender"}) == (
        None, [("gender", "Thiếu giới tính: cần «Nam» hoặc «Nữ».", ERROR)])
    assert parse_gender({}, {"name"}) == (None, [])  # neither column: the plan reports it once


def test_a_foreign_nationality_overrides_the_ethnic_column():
    code, text, issues = parse_ethnic({"nationality": "Lào", "ethnic": "Kinh"}, {"nationality", "ethnic"})
    assert (code, text) == ("55", None)
    assert issues == [("ethnic", "Quốc tịch «Lào»: học sinh người nước ngoài, ghi dân tộc 55 "
                                 "(Người nước ngoài) thay cho «Kinh».", WARNING)]
    # the ethnic column already says 55, or is empty: nothing to report
    assert parse_ethnic({"nationality": "Lào", "ethnic": "Người nước ngoài"},
                        {"nationality", "ethnic"}) == ("55", None, [])
    assert parse_ethnic({"nationality": "Campuchia"}, {"nationality"}) == ("55", None, [])


def test_vietnamese_nationality_leaves_the_ethnic_column_to_the_rules():
    assert parse_ethnic({"nationality": "Việt Nam", "ethnic": "Gia Rai"},
                        {"nationality", "ethnic"}) == (None, "Gia Rai", [])
    assert parse_ethnic({"nationality": "VN", "ethnic": ""}, {"nationality", "ethnic"}) == (
        "01", None, [("ethnic", "Trống dân tộc: ghi là Kinh (01).", WARNING)])
    assert parse_ethnic({}, {"name"}) == ("01", None, [])  # no ethnic column: Kinh


def test_name_from_two_columns_and_an_empty_given_name():
    columns = {"family_middle", "given"}
    assert parse_name({"family_middle": "Rơ Châm", "given": "H'Lan"}, columns) == ("Rơ Châm H'Lan", [])
    assert parse_name({"family_middle": "Nguyễn Văn", "given": ""}, columns) == (
        "Nguyễn Văn", [("given", "Thiếu tên (cột «Tên» trống).", ERROR)])
    assert parse_name({"name": ""}, {"name"}) == ("", [("name", "Thiếu họ và tên học sinh.", ERROR)])


def test_dates_of_birth_a_year_alone_is_a_warning_an_impossible_day_an_error():
    assert parse_dob_cell("05/09/2012") == (date(2012, 9, 5), [])
    dob, issues = parse_dob_cell(2012)
    assert dob == date(2012, 1, 1)
    assert issues == [("dob", "Chỉ có năm sinh 2012: ghi ngày sinh 01/01/2012, cần sửa lại khi biết ngày.",
                       WARNING)]
    dob, issues = parse_dob_cell("31/02/2012")
    assert dob is None and [(f, s) for f, _, s in issues] == [("dob", ERROR)]


def test_national_id_gets_back_the_zero_excel_dropped_only_from_a_number():
    assert parse_national_id("64212000123", 64212000123) == (
        "064212000123", [("national_id", "Mã định danh bị Excel bỏ số 0 đầu: ghi 064212000123.", WARNING)])
    assert parse_national_id("64212000123", "64212000123") == ("64212000123", [])  # text: as written
    assert parse_national_id("064 212 000 124", "064 212 000 124") == ("064212000124", [])


def test_phone_gets_back_its_leading_zero_from_a_number_cell():
    assert parse_phone("912345678", 912345678) == "0912345678"
    assert parse_phone("912345678", "912345678") == "912345678"
    assert parse_phone("123", 123) == "123"  # too short to be a phone number: left to the rules


def test_address_from_the_sector_databases_province_district_commune_columns():
    columns = {"name", "village", "commune", "district", "province", "code"}
    texts = {"village": "Plei Ơi", "commune": "Ia Pa", "district": "Ia Pa", "province": "Gia Lai", "code": "HS1"}
    assert parse_places(texts, columns) == {"code": "HS1", "village": "Plei Ơi", "commune": "Ia Pa",
                                            "address": "Plei Ơi, Ia Pa, Ia Pa, Gia Lai"}
    # an address column of its own wins: the parts are not joined
    assert parse_places({"address": "12 Hùng Vương", "province": "Gia Lai"}, {"address", "province"}) == {
        "address": "12 Hùng Vương"}


def test_class_and_grade_must_agree():
    columns = {"klass", "grade"}
    assert parse_class({"klass": "6a 1", "grade": ""}, columns, "Khối") == ("6A1", 6, [])
    assert parse_class({"klass": "7a2", "grade": "Khối 6"}, columns, "Khối") == (
        "7A2", 6, [("klass", "Lớp 7A2 không thuộc khối 6 (cột «Khối»).", ERROR)])
    assert parse_class({"klass": "", "grade": "13"}, columns, "Khối") == (
        "", None, [("klass", "Thiếu lớp.", ERROR),
                   ("grade", "Khối «13» không hợp lệ: cần số từ 1 đến 12.", ERROR)])


def test_register_number_and_disability():
    assert parse_register_no("12") == (12, [])
    number, issues = parse_register_no("abc")
    assert number is None and issues == [
        ("so_dang_bo", "Số đăng bộ «abc» không hợp lệ: cần một số nguyên dương (1, 2, 3 …).", ERROR)]
    assert parse_disability("vận động") == ("01", [])
    assert parse_disability("Khuyết tật nhìn") == ("03", [])
    code, issues = parse_disability("không rõ")
    assert code is None and [(f, s) for f, _, s in issues] == [("disability", ERROR)]


def test_cell_issues_control_characters_and_foreign_digits():
    assert cell_issues("name", "Nguyễn An", "Nguyễn An") == []
    assert cell_issues("name", 12, "12") == []  # only text cells
    issues = cell_issues("name", "Lê\x1bC", "LêC")
    assert issues == [("name", "Đã bỏ ký tự điều khiển hoặc ký tự đảo chiều chữ (ESC, BEL, U+202E…) trong "
                               "ô: còn «LêC».", WARNING)]
    assert cell_issues("code", "HS\x00", "HS") == [
        ("code", "Ô có ký tự NUL (\\0) — tệp hỏng: sửa ô này rồi nhập lại.", ERROR)]
    assert cell_issues("phone", "09١٢", "09١٢") == [
        ("phone", "Ô có chữ số không phải 0–9 («09١٢»): hãy gõ lại bằng chữ số 0–9.", ERROR)]
