"""Home visits for tests that record a dropout the ordinary way (the dropout rule asks for
3 visits to the student in the school year, dated on or before the dropout)."""

from db import risk


def visits(student, *days, by: str = "Lò Thị Mai:Giáo viên chủ nhiệm"):
    """One recorded visit (family promised) per date; returns the visits."""
    return [risk.add_visit(student, day, [by], "Mẹ của em", "Em nghỉ học ở nhà, giúp gia đình",
                           "Cho em đi học lại", "promised", "Mẹ của em") for day in days]


THREE = ("01/10/2024", "15/10/2024", "01/11/2024")
