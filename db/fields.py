"""The names of the fields a refusal can point at: the only values ``SisoError.field`` takes.

One spelling for every door: the Vietnamese ASCII snake_case keys of the machine-readable
output (the JSON keys of docs/forms.md, ``StudentField.field``). A form shows a refusal
beside the widget whose id is its prefix plus the field (``tui.screens.base.FormFields``);
the CLI names the option that gave the field (``cli``). Code passes ``fields.X``, never
a string literal (tests/test_fields.py walks every ``SisoError(…)`` to check it).
"""

# ---- a student ---------------------------------------------------------------------------
HO_TEN = "ho_ten"  # full name (of a student, a child expected, a user)
NGAY_SINH = "ngay_sinh"  # date of birth
GIOI_TINH = "gioi_tinh"  # gender
DAN_TOC = "dan_toc"  # ethnic group
MA = "ma"  # student code (HS000001 …)
MA_DINH_DANH = "ma_dinh_danh"  # national personal id (12 digits)
KHUYET_TAT = "khuyet_tat"  # disability code
NOI_SINH = "noi_sinh"  # birthplace
THON = "thon"  # village (thôn / làng / buôn)
XA_PHUONG = "xa_phuong"  # commune of the student's address
DIA_CHI = "dia_chi"  # address
HO_TEN_CHA = "ho_ten_cha"  # father's name
HO_TEN_ME = "ho_ten_me"  # mother's name
NGUOI_GIAM_HO = "nguoi_giam_ho"  # guardian
DIEN_THOAI = "dien_thoai"  # phone number
SO_DANG_BO = "so_dang_bo"  # register number
CACH_VAO = "cach_vao"  # how a new student enters: admission or transfer in
NGAY_VAO = "ngay_vao"  # the day a new student enters the school
HOC_SINH = "hoc_sinh"  # which student (a number or code given)

# ---- classes, years, school ----------------------------------------------------------------
LOP = "lop"  # a class (6A1 …)
KHOI = "khoi"  # a grade (6 … 9)
KHOI_PHU_TRACH = "khoi_phu_trach"  # the grades a vice-principal looks after
GVCN = "gvcn"  # homeroom teacher of a class
NAM_HOC = "nam_hoc"  # school year (2024-2025)
NGAY_BAT_DAU = "ngay_bat_dau"  # first day of a school year
NGAY_KET_THUC = "ngay_ket_thuc"  # last day of a school year
NGAY_CHOT_SI_SO = "ngay_chot_si_so"  # the day the start-of-year count is taken
NGAY_BAT_DAU_HK2 = "ngay_bat_dau_hk2"  # first day of the second semester
NGAY_HOC = "ngay_hoc"  # the teaching weekdays (2-6, 2-7)
CAP_HOC = "cap_hoc"  # school level (THCS …)
TEN_TRUONG = "ten_truong"  # the school's name
CO_QUAN_QUAN_LY = "co_quan_quan_ly"  # the authority the school reports to
DIA_DANH = "dia_danh"  # the place name printed on the forms
MUC_CAI_DAT = "muc_cai_dat"  # a setting's name (siso settings)
# the other settings (db.school.SETTINGS): each setting's key is its field
HIEU_TRUONG = "hieu_truong"  # the principal's name, signed on the forms
NGUOI_LAP_BIEU = "nguoi_lap_bieu"  # who drew up the forms
NGON_NGU = "ngon_ngu"  # the screens' language (vi, en)
KY_TU_DON_GIAN = "ky_tu_don_gian"  # plain characters instead of icons
SO_DANG_BO_BAT_DAU = "so_dang_bo_bat_dau"  # the register's first number (after the paper book)
NGHI_LIEN_TIEP_TOI_DA = "nghi_lien_tiep_toi_da"  # absences in a row before a student is flagged
KHONG_PHEP_30_NGAY_TOI_DA = "khong_phep_30_ngay_toi_da"  # unexcused absences in 30 days before a flag

# ---- events, absences, dropout risk ------------------------------------------------------
NGAY = "ngay"  # the day of an event, an absence, a visit …
LOAI = "loai"  # kind of an event
LY_DO = "ly_do"  # reason
LY_DO_HUY = "ly_do_huy"  # why a record is voided
SO = "so"  # the number of a record (an event, a visit, an absence, a submission …)
TRUONG = "truong"  # the other school of a transfer
PHAM_VI = "pham_vi"  # scope of a transfer, of a target
CHUYEN_NAM = "chuyen_nam"  # the year-end move of a student
KET_QUA = "ket_qua"  # a result (of the year, of a visit, of a case)
NOI_HOC_TIEP = "noi_hoc_tiep"  # where a leaver goes on to study
KHONG_VAN_DONG = "khong_van_dong"  # why a dropout has fewer than three home visits
BUOI = "buoi"  # session of an absence (sáng, chiều)
TEN = "ten"  # a name (of a holiday, of a target)
DEN = "den"  # last day of a range (an absence, a holiday)
NGUOI_DI = "nguoi_di"  # the people who made a home visit
NGUYEN_NHAN = "nguyen_nhan"  # the cause of a dropout risk
DO_DAU = "do_dau"  # a sponsor of a student at risk
DIA_DIEM = "dia_diem"  # where a visit took place
NGUOI_GAP = "nguoi_gap"  # who was met on a visit
TINH_HINH = "tinh_hinh"  # what a visit found
NGUOI_KY = "nguoi_ky"  # who signed a visit's minutes
CAM_KET = "cam_ket"  # what the family committed to
NGUON = "nguon"  # where a child expected comes from
TINH = "tinh"  # province of the other school
XA = "xa"  # commune (of a village, of the other school)
TRUONG_THON = "truong_thon"  # head of a village
DIEN_THOAI_TRUONG_THON = "dien_thoai_truong_thon"  # phone of a village's head
CAN_BO = "can_bo"  # the staff member in charge of a village
HOC_NGHE = "hoc_nghe"  # a transfer out to vocational training
SO_VAN_BAN = "so_van_ban"  # number of the decision or letter
GHI_CHU = "ghi_chu"  # a note

# ---- reports, targets, deadlines -------------------------------------------------------------
BIEU_MAU = "bieu_mau"  # a form (si-so, bo-hoc …)
TU_NGAY = "tu_ngay"  # first day of a period
DEN_NGAY = "den_ngay"  # last day of a period, the day a report is taken
KY = "ky"  # reporting period of a deadline
NOI_NHAN = "noi_nhan"  # who a form is sent to
GIA_TRI = "gia_tri"  # a target's value
SO_SANH = "so_sanh"  # a target's comparison (>=, <=)
CAN_BANG = "can_bang"  # a form whose counts do not balance

# ---- files and the database --------------------------------------------------------------
TEP = "tep"  # a file read or written
TEP_RA = "tep_ra"  # the file a command writes its output to (-o)
DINH_DANG = "dinh_dang"  # file format (xlsx, ods, csv, json)
ANH_XA = "anh_xa"  # a mapping given by the user (columns, classes OLD=NEW)
LAN_NHAP = "lan_nhap"  # an import batch
CSDL = "csdl"  # the database
BAN_SAO = "ban_sao"  # a backup copy
SO_HOC_SINH = "so_hoc_sinh"  # how many students the demo school gets
XAC_NHAN = "xac_nhan"  # a confirmation asked for
HAT_GIONG = "hat_giong"  # the seed of the demo school

# ---- users and the web door --------------------------------------------------------------
TEN_DANG_NHAP = "ten_dang_nhap"  # a user's login
MAT_KHAU = "mat_khau"  # password
VAI_TRO = "vai_tro"  # a user's role
QUYEN = "quyen"  # what the acting user's role may do
NGUOI_DUNG = "nguoi_dung"  # the acting user, whose record is asked for
TAI_KHOAN_HE_THONG = "tai_khoan_he_thong"  # the system account (a user without a person)
MAY_CHU = "may_chu"  # the web door's host
CONG = "cong"  # the web door's port
DIA_CHI_WEB = "dia_chi_web"  # the web door's public address


def all_fields() -> dict[str, str]:
    """Constant name -> field name, every field of this module."""
    return {k: v for k, v in globals().items() if k.isupper() and isinstance(v, str)}
