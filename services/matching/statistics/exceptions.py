from services.kit.problems import Forbidden, InvalidInput, NotFound


class CountyOutOfScope(Forbidden):
    code = "county_out_of_scope"
    title = "Staff see the statistics of their own county only"
    title_zh = "工作人员只能查看本县（市、区）的统计"


class NoCountyScope(Forbidden):
    code = "no_county_scope"
    title = "This staff token names no county (county_adcode claim or a configured station)"
    title_zh = "该工作人员令牌未关联任何县（市、区）"


class UnknownCounty(InvalidInput):
    code = "unknown_county"
    title = "Not a Shandong county adcode"
    title_zh = "不是山东省的县级行政区划代码"


class InvalidWeek(InvalidInput):
    code = "invalid_week"
    title = "The week does not exist or is in the future"
    title_zh = "周次不存在或尚未到来"


class WeekNotRecorded(NotFound):
    code = "week_not_recorded"
    title = "No snapshot was taken in that week"
    title_zh = "该周没有统计快照"


class InvalidPeriod(InvalidInput):
    code = "invalid_period"
    title = "The period must end by today, start in 2020 or later and span at most 366 days"
    title_zh = "统计区间须不晚于今天、不早于2020年，且不超过366天"


class DatesOutOfOrder(InvalidInput):
    code = "dates_out_of_order"
    title = "The period's start is after its end"
    title_zh = "统计区间的开始日期晚于结束日期"
