from services.kit.problems import Conflict, InvalidInput, NotFound


class CaseNotFound(NotFound):
    code, title, title_zh = "case_not_found", "Case not found", "未找到该帮扶台账"


class CaseExists(Conflict):
    code, title, title_zh = (
        "case_exists",
        "This seeker already has an open case",
        "该求职者已有在册的帮扶台账",
    )


class CaseClosed(Conflict):
    code, title, title_zh = "case_closed", "This case is closed", "该帮扶台账已结案"


class UnknownGroup(InvalidInput):
    code, title, title_zh = "unknown_group", "Not a priority group known here", "不是已配置的重点群体类别"


class DatesOutOfOrder(InvalidInput):
    code, title, title_zh = "dates_out_of_order", "The dates are out of order", "日期先后顺序不正确"


class UnknownCloseReason(InvalidInput):
    code = "unknown_close_reason"
    title = "Not a closure reason of the employment-assistance rules"
    title_zh = "不是就业援助规定的结案原因"


class EmployedFromFeedOnly(Conflict):
    code = "employed_from_feed_only"
    title = "Employment is recognised from the feed; close as employed after the after-care check"
    title_zh = "就业由系统根据录用或结算记录认定；回访期满后方可按就业结案"


class DeclinesNotRecorded(Conflict):
    code = "declines_not_recorded"
    title = "The log does not hold enough declined services in the period"
    title_zh = "帮扶记录中期间内的拒绝服务次数不足"


class AlreadyCertified(Conflict):
    code, title, title_zh = "already_certified", "This case is already certified", "该台账已认定"


class DeclineReasonMismatch(InvalidInput):
    code = "decline_reason_mismatch"
    title = "A decline reason is given exactly when the outcome is declined"
    title_zh = "仅在结果为拒绝时填写拒绝原因，且必须填写"


class CalendarNotPublished(Conflict):
    code = "calendar_not_published"
    title = "No holiday schedule is known for the year the deadline falls in"
    title_zh = "截止日期所在年份的节假日安排尚未公布"
