from services.kit.problems import Conflict, InvalidInput, NotFound


class ShiftNotFound(NotFound):
    code, title, title_zh = "shift_not_found", "Shift not found", "未找到该班次"


class ShiftInPast(InvalidInput):
    code, title, title_zh = "shift_in_past", "A shift must start in the future", "班次开始时间必须在未来"


class ShiftTooFarAhead(InvalidInput):
    code, title, title_zh = (
        "shift_too_far_ahead",
        "A shift may start at most 90 days ahead",
        "班次最多可提前90天发布",
    )


class TooManyShifts(InvalidInput):
    code, title, title_zh = (
        "too_many_shifts",
        "This posting has the most shifts allowed",
        "该岗位班次数量已达上限",
    )


class NotAGig(Conflict):
    code, title, title_zh = "not_a_gig", "Only gig postings have shifts", "只有零工岗位可以设置班次"
