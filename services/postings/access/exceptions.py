from typing import Any

from services.kit.problems import Conflict, Forbidden, InvalidInput, NotFound, ProblemError


class NotYourAction(Forbidden):
    code, title, title_zh = (
        "not_your_action",
        "This step belongs to the other party",
        "此操作应由另一方完成",
    )


class SeekerIdRequired(InvalidInput):
    code, title, title_zh = (
        "seeker_id_required",
        "Acting on a seeker's behalf needs their seeker_id",
        "代为办理需提供求职者编号 seeker_id",
    )


class NotOnBehalf(Forbidden):
    code, title, title_zh = (
        "not_on_behalf",
        "A seeker acts only for themself",
        "求职者只能为本人办理",
    )


class WrongState(Conflict):
    """A step out of order; the problem carries the current status."""

    code, title, title_zh = (
        "invalid_transition",
        "This step is not allowed in the current status",
        "当前状态下不允许此操作",
    )

    def __init__(self, action: str, current_status: str, **extra: Any) -> None:
        super().__init__(
            f"cannot {action} when the status is {current_status}",
            action=action,
            current_status=current_status,
            **extra,
        )


class SeekerNotFound(NotFound):
    """A seeker the member of staff does not reach: the matching service's own answer for a seeker out of
    reach, the same as for one who does not exist."""

    code, title, title_zh = "seeker_not_found", "Seeker not found", "未找到该求职者"


class MatchingUnreachable(ProblemError):
    """The matching service could not say whether the member of staff reaches the seeker: refused."""

    status, code = 503, "matching_unreachable"
    title, title_zh = (
        "The matching service cannot be reached to check whom you serve; nothing was changed",
        "无法连接匹配服务核实服务范围，未做任何更改",
    )
