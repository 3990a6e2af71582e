from typing import Any

from services.kit.problems import Conflict, InvalidInput, NotFound


class PostingNotFound(NotFound):
    code, title, title_zh = "posting_not_found", "Posting not found", "未找到该岗位"


class InvalidTransition(Conflict):
    code, title, title_zh = (
        "invalid_transition",
        "This change is not allowed in the current status",
        "当前状态下不允许此操作",
    )


class CountyFixed(Conflict):
    """A posting stays in the county it was created in (its rows live on that county's shard)."""

    code, title, title_zh = (
        "county_fixed",
        "A posting cannot move to another county; close it and post it there",
        "岗位不能改到其他区县；请关闭后在该区县重新发布",
    )


class PostingClosed(Conflict):
    code, title, title_zh = "posting_closed", "A closed posting cannot be changed", "已关闭的岗位不能修改"


class PostingRefused(InvalidInput):
    """The posting checker refused the posting; `issues` says what to change."""

    code, title, title_zh = (
        "posting_refused",
        "The posting breaks employment rules",
        "岗位信息不符合就业相关规定",
    )

    def __init__(self, issues: list[dict[str, Any]]) -> None:
        first = issues[0].get("message_en") if issues else None
        super().__init__(first, issues=issues)


class GigNeedsShift(Conflict):
    code, title, title_zh = (
        "gig_needs_shift",
        "A gig needs a future shift before it opens",
        "零工岗位发布前需至少有一个未来班次",
    )


class ValidUntilPassed(InvalidInput):
    code, title, title_zh = "valid_until_passed", "valid_until is in the past", "有效期已过"
