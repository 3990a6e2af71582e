from services.kit.problems import Conflict, Forbidden, InvalidInput, NotFound


class StationRequired(Forbidden):
    code = "station_required"
    title = "Only staff of a station run its dispatch (the token names no station)"
    title_zh = "只有服务站工作人员可以操作本站的派工（令牌中没有服务站）"


class AlreadyCheckedIn(Conflict):
    code = "already_checked_in"
    title = "This worker has already checked in at this station today"
    title_zh = "该劳动者今天已在本站签到"


class NobodyCheckedIn(Conflict):
    code = "nobody_checked_in"
    title = "Nobody has checked in today: there is nobody to assign"
    title_zh = "今天还没有人签到，无人可分配"


class PlanNotFound(NotFound):
    code, title, title_zh = "dispatch_plan_not_found", "Dispatch plan not found", "未找到该派工方案"


class PlanConfirmed(Conflict):
    code = "dispatch_plan_confirmed"
    title = "This plan has been confirmed and booked; run 分配 again for a new one"
    title_zh = "该派工方案已确认并预订，如需调整请重新分配"


class NotInPlan(InvalidInput):
    code, title, title_zh = "not_in_plan", "This worker is not in the plan", "该劳动者不在本方案中"


class ShiftNotOnBoard(InvalidInput):
    code = "shift_not_on_board"
    title = "This shift is not on today's board (started, full or not near)"
    title_zh = "该班次不在今天的派工板上（已开始、已满或不在附近）"


class IneligiblePair(Conflict):
    code = "ineligible_pair"
    title = "This worker may not take this shift (the same hard rules as the matches)"
    title_zh = "该劳动者不符合该班次的硬性条件（与推荐规则相同）"


class NoFreePlace(Conflict):
    code = "no_free_place"
    title = "Every free place of this shift is taken in the plan: name whom to swap with"
    title_zh = "该班次在方案中已满，请指定与谁对调"


class WrongCheckinCode(Forbidden):
    code = "wrong_checkin_code"
    title = "This is not today's check-in code of this station; scan the code at the station"
    title_zh = "签到码不对或已过期（每天更换），请在驿站现场扫码"
