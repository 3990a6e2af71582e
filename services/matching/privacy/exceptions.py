from services.kit.problems import ProblemError


class NoticeNotFound(ProblemError):
    status, code = 404, "notice_not_found"
    title, title_zh = "No pending retention notice with this id", "没有该待处理的保留期通知"
