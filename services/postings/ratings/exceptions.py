from services.kit.problems import Conflict


class NotRateable(Conflict):
    code, title, title_zh = (
        "not_rateable",
        "Ratings open once the shift is completed",
        "班次完成后才能评价",
    )


class AlreadyRated(Conflict):
    code, title, title_zh = "already_rated", "You have rated this engagement", "您已评价过该用工记录"
