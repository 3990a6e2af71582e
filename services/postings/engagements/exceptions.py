from services.kit.problems import Conflict, InvalidInput, NotFound, ProblemError


class EngagementNotFound(NotFound):
    code, title, title_zh = "engagement_not_found", "Engagement not found", "未找到该用工记录"


class PostingNotOpen(Conflict):
    code, title, title_zh = "posting_not_open", "The posting is not open", "该岗位未在招聘中"


class ShiftNotOpen(Conflict):
    code, title, title_zh = "shift_not_open", "The shift is not open", "该班次已取消或不可预订"


class ShiftStarted(Conflict):
    code, title, title_zh = "shift_started", "The shift has already started", "该班次已开始"


class ShiftFull(Conflict):
    code, title, title_zh = "shift_full", "Every slot of this shift is taken", "该班次名额已满"


class AlreadyBooked(Conflict):
    code, title, title_zh = "already_booked", "You are already booked on this shift", "您已预订该班次"


class OverlappingBooking(Conflict):
    code, title, title_zh = (
        "overlapping_booking",
        "The worker holds another shift at this time",
        "该时段已有其他班次",
    )


class CheckinNotOpen(Conflict):
    code, title, title_zh = "checkin_not_open", "Check-in is not open yet", "尚未到签到时间"


class CheckinClosed(Conflict):
    code, title, title_zh = (
        "checkin_closed",
        "The check-in window has passed",
        "已超过签到时限",
    )


class CodeNotAvailable(Conflict):
    code, title, title_zh = (
        "code_not_available",
        "Check-in codes are shown from an hour before the shift until it ends",
        "签到码仅在班次开始前一小时至结束后可用",
    )


class OutsideGeofence(InvalidInput):
    code, title, title_zh = (
        "outside_geofence",
        "You are too far from the workplace",
        "您不在工作地点范围内",
    )


class WrongCode(InvalidInput):
    code, title, title_zh = "wrong_code", "The check-in code is wrong or expired", "签到码错误或已过期"


class TooManyCodeAttempts(ProblemError):
    status, code, title, title_zh = (
        429,
        "too_many_code_attempts",
        "Too many wrong codes; try again later",
        "签到码错误次数过多，请稍后再试",
    )

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after} seconds", retry_after=retry_after)
        self.headers["Retry-After"] = str(retry_after)


class ConfirmationClosed(Conflict):
    code, title, title_zh = (
        "confirmation_closed",
        "The confirmation window has passed; the engagement is confirmed as booked",
        "确认时限已过，将按预订工时自动确认",
    )
