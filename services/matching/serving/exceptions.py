from services.kit.problems import Conflict, NotFound, ProblemError


class MatchingNotReady(ProblemError):
    status, code = 503, "matching_not_ready"
    title = "Matching is still loading postings and seekers; try again shortly"
    title_zh = "匹配服务正在加载岗位和求职者数据，请稍后重试"

    def __init__(self, retry_after: int, detail: str | None = None) -> None:
        super().__init__(detail)
        self.headers["Retry-After"] = str(retry_after)


class PostingNotFound(NotFound):
    code, title, title_zh = "posting_not_found", "Posting not found", "未找到该岗位"


class OverrideNotFound(NotFound):
    code, title, title_zh = "override_not_found", "No live override with this id", "未找到该人工调整记录"


class OverrideChanged(Conflict):
    code = "override_changed"
    title = "An override for this posting was just recorded; read the overrides again"
    title_zh = "该岗位的人工调整刚刚发生变化，请重新读取"
