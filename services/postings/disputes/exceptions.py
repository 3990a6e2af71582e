from services.kit.problems import NotFound


class DisputeNotFound(NotFound):
    code, title, title_zh = "dispute_not_found", "Dispute not found", "未找到该欠薪争议"
