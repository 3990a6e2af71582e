from services.kit.problems import Conflict, NotFound


class ApplicationNotFound(NotFound):
    code, title, title_zh = "application_not_found", "Application not found", "未找到该申请"


class AlreadyApplied(Conflict):
    code, title, title_zh = (
        "already_applied",
        "There is already an open application",
        "已有一份进行中的申请",
    )


class NotAJob(Conflict):
    code, title, title_zh = (
        "not_a_job",
        "Gig work is booked by shift: POST /v1/shifts/{id}/bookings",
        "零工请按班次预订：POST /v1/shifts/{id}/bookings",
    )
