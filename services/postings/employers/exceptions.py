from services.kit.problems import Conflict, Forbidden, InvalidInput, NotFound


class EmployerNotFound(NotFound):
    code, title, title_zh = "employer_not_found", "Employer not found", "未找到该用人单位"


class InvalidUscc(InvalidInput):
    code = "invalid_uscc"
    title = "The unified social credit code fails its check digit"
    title_zh = "统一社会信用代码校验位不正确"


class UsccTaken(Conflict):
    code, title, title_zh = (
        "uscc_taken",
        "An employer with this credit code exists",
        "该统一社会信用代码已登记",
    )


class NotYourEmployer(Forbidden):
    code, title, title_zh = "not_your_employer", "You do not act for this employer", "您无权代表该用人单位"
