from services.kit.problems import Conflict, NotFound


class AppealNotFound(NotFound):
    code, title, title_zh = "appeal_not_found", "Appeal not found", "未找到该申诉"


class NoMarkToAppeal(Conflict):
    code, title, title_zh = (
        "no_mark_to_appeal",
        "This engagement carries no reliability mark",
        "该用工记录没有信用扣分",
    )


class AlreadyAppealed(Conflict):
    code, title, title_zh = "already_appealed", "This mark has been appealed already", "该记录已申诉过"
