from services.kit.problems import Conflict, NotFound


class HouseholdNotFound(NotFound):
    code, title, title_zh = "household_not_found", "Household not found", "未找到该家庭"


class MemberElsewhere(Conflict):
    code = "member_elsewhere"
    title = "This seeker is already a member of a household"
    title_zh = "该求职者已登记在某个家庭中"


class AlertNotFound(NotFound):
    code, title, title_zh = "alert_not_found", "Alert not found", "未找到该预警"
