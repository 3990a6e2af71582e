"""What can go wrong talking to the postings service, as our own problems (never a raw httpx error)."""

from services.kit.problems import ProblemError


class PostingsUnavailable(ProblemError):
    """Transport errors, timeouts, 5xx and 429 that outlasted the retries."""

    status, code = 503, "postings_unavailable"
    title, title_zh = "The postings service is unavailable", "岗位服务暂不可用"


class PostingsRejected(ProblemError):
    """The postings service refused the request (4xx other than 429): retrying will not help."""

    status, code = 502, "postings_rejected"
    title, title_zh = "The postings service refused the request", "岗位服务拒绝了请求"


class FeedPageInvalid(ProblemError):
    """The feed answered 200 with something that is not a feed page."""

    status, code = 502, "postings_bad_response"
    title, title_zh = "The postings service sent an unreadable answer", "岗位服务的应答无法解析"
