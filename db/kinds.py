"""Event kinds, their Vietnamese names, and what each does to enrolment."""

from __future__ import annotations

ADMIT = "admit"  # nhập học (new to the school)
ENROLL = "enroll"  # vào lớp đầu năm (carried over by the rollover)
TRANSFER_IN = "transfer_in"
RETURN = "return"
TRANSFER_OUT = "transfer_out"
DROPOUT = "dropout"
CLASS_CHANGE = "class_change"
DEATH = "death"
OTHER_DECREASE = "other_decrease"
PROMOTED = "promoted"
PENDING = "pending"
HELD_BACK = "held_back"
COMPLETED = "completed"

LABELS = {
    ADMIT: "Nhập học",
    ENROLL: "Vào lớp đầu năm",
    TRANSFER_IN: "Chuyển đến",
    RETURN: "Đi học lại",
    TRANSFER_OUT: "Chuyển đi",
    DROPOUT: "Bỏ học",
    CLASS_CHANGE: "Chuyển lớp",
    DEATH: "Chết / mất",
    OTHER_DECREASE: "Giảm khác",
    PROMOTED: "Lên lớp",
    PENDING: "Thi lại / rèn luyện hè",
    HELD_BACK: "Lưu ban",
    COMPLETED: "Hoàn thành chương trình",
}

# The CLI spells kinds with hyphens.
CLI_NAMES = {k: k.replace("_", "-") for k in LABELS}
FROM_CLI = {v: k for k, v in CLI_NAMES.items()}

ENTRIES = (ADMIT, ENROLL, TRANSFER_IN, RETURN)  # open a span
EXITS = (TRANSFER_OUT, DROPOUT, DEATH, OTHER_DECREASE)  # close the span
OUTCOMES = (PROMOTED, PENDING, HELD_BACK, COMPLETED)  # year end, no change of class
ALL = tuple(LABELS)

SEMESTER_LABELS = {"HK1": "Học kỳ I", "HK2": "Học kỳ II", "HE": "Hè"}
SCOPES = {"01": "Trong tỉnh", "02": "Ngoài tỉnh", "03": "Nước ngoài"}
SCOPE_FROM_CLI = {"trong-tinh": "01", "ngoai-tinh": "02", "nuoc-ngoai": "03"}

# A student's status after an event (None: unchanged)
STATUS_AFTER = {
    ADMIT: "dang_hoc", ENROLL: "dang_hoc", TRANSFER_IN: "dang_hoc", RETURN: "dang_hoc",
    CLASS_CHANGE: "dang_hoc", TRANSFER_OUT: "chuyen_di", DROPOUT: "bo_hoc", DEATH: "da_mat",
    OTHER_DECREASE: "giam_khac",
}
STATUS_LABELS = {
    "dang_hoc": "Đang học",
    "chuyen_di": "Đã chuyển đi",
    "bo_hoc": "Bỏ học",
    "da_mat": "Đã mất",
    "giam_khac": "Giảm khác",
    "chua_vao": "Chưa vào trường",
}
