from services.kit.problems import Conflict, Forbidden, InvalidInput, NotFound


class SeekerNotFound(NotFound):
    code, title, title_zh = "seeker_not_found", "Seeker not found", "未找到该求职者"


class SeekerExists(Conflict):
    code, title, title_zh = "seeker_exists", "This seeker already has a profile", "该求职者已登记"


class SensitiveNotFound(NotFound):
    code, title, title_zh = "sensitive_not_found", "No sensitive data is on file", "未登记敏感信息"


class ConsentNotFound(NotFound):
    code, title, title_zh = "consent_not_found", "No active consent for this purpose", "该用途没有有效授权"


class ConsentRequired(Forbidden):
    code = "consent_required"
    title = "The seeker's consent for this purpose is required"
    title_zh = "需要求职者对该用途的授权同意"


class UnderMinimumAge(InvalidInput):
    code = "under_minimum_age"
    title = "Nobody under 16 can register"
    title_zh = "未满16周岁不能登记求职"


class InvalidIdNumber(InvalidInput):
    code = "invalid_id_number"
    title = "The resident ID number is not valid (GB 11643 check character, birth date, region)"
    title_zh = "居民身份证号码无效（校验码、出生日期或地区码不正确）"


class IdNumberMismatch(InvalidInput):
    code = "id_number_birth_mismatch"
    title = "The ID number's birth date does not match the profile's birth year and month"
    title_zh = "身份证号码中的出生年月与登记的出生年月不一致"


class IdNumberTaken(Conflict):
    code = "id_number_taken"
    title = "This ID number is already registered to another seeker"
    title_zh = "该身份证号码已被其他求职者登记"


class DesiredWorkRequired(InvalidInput):
    code = "desired_work_required"
    title = "Say what work you want: in your own words, as occupation codes, or both"
    title_zh = "请填写期望的工作：文字描述或职业代码，至少一项"


class InvalidConsent(InvalidInput):
    code = "invalid_consent"
    title = "The consent record is not acceptable (method or time)"
    title_zh = "授权记录无效（方式或时间不正确）"


class StationMismatch(Forbidden):
    code = "station_mismatch"
    title = "Only staff of that station can register a seeker on its behalf"
    title_zh = "只有该服务站的工作人员才能代为登记"


class CertificationNeedsStaff(Forbidden):
    code = "certification_needs_staff"
    title = "Only staff certify eligibility for reserved posts"
    title_zh = "公益性岗位资格只能由工作人员认定"


class ConsentChanged(Conflict):
    code, title, title_zh = "consent_changed", "The consents changed meanwhile", "授权记录刚刚发生变化"
