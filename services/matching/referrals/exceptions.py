"""What a referral can run into, as our own problems."""

from typing import Any

from services.kit.problems import ProblemError


class PostingsUnreachable(ProblemError):
    """Transport errors, timeouts, 5xx and 429 that outlasted the retries: nothing was done (or it was
    done once, and the same Idempotency-Key replays it)."""

    status, code = 503, "postings_unreachable"
    title, title_zh = (
        "The postings service cannot be reached; nothing was changed",
        "岗位服务无法连接，未做任何更改",
    )


class PostingsRefused(ProblemError):
    """The postings service said no (shift_full, already_applied, invalid_transition, …): the problem
    carries its status, code and titles as they came."""

    status, code = 409, "postings_refused"
    title, title_zh = "The postings service refused the referral", "岗位服务拒绝了本次推荐"

    def __init__(self, status: int, code: str, title: str, title_zh: str, **extra: Any) -> None:
        super().__init__(None, **extra)
        self.status, self.code, self.title, self.title_zh = status, code, title, title_zh  # type: ignore[misc]
