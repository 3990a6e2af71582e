from services.kit.problems import Conflict, InvalidInput, NotFound


class PlacementNotFound(NotFound):
    code, title, title_zh = "placement_not_found", "Placement not found", "未找到该就业记录"


class PlacementEnded(Conflict):
    code, title, title_zh = "placement_ended", "This work has already ended", "该就业记录已结束"


class WorkEndBeforeStart(InvalidInput):
    code = "dates_out_of_order"
    title = "The work cannot end before it started or in the future"
    title_zh = "就业结束日期不能早于开始日期或晚于今天"
