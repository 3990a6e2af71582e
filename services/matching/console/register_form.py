"""The walk-in registration form: three screens of plain fields turned into the API's `SeekerCreate`,
and the API's validation errors turned back into Chinese (or English) messages beside each field."""

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from services.kit.problems import ProblemError
from services.matching.seekers.exceptions import ConsentRequired, UnderMinimumAge
from services.matching.seekers.schemas import SeekerCreate

Form = Mapping[str, Sequence[str]]

STEPS: dict[int, tuple[str, ...]] = {
    1: (
        "name",
        "desired_text",
        "county_adcode",
        "address",
        "lat",
        "lng",
        "travel_mode",
        "max_commute_minutes",
        "birth_year",
        "birth_month",
        "phone",
    ),
    2: (
        "kinds",
        "weekdays",
        "start_time",
        "end_time",
        "certificates",
        "other_certificate",
        "accommodations",
        "pay_amount",
        "pay_unit",
        "experience_years",
    ),
    3: ("purposes", "method"),
}
REQUIRED = ("desired_text", "county_adcode", "birth_year", "birth_month")
MESSAGES: dict[str, tuple[str, str]] = {
    "name": (
        "姓名只能有文字、空格和“·”，不超过 50 个字，或留空",
        "A name has only letters, spaces and ·, at most 50, or leave it empty",
    ),
    "desired_text": ("请填写想做什么工作", "Say what work they want"),
    "county_adcode": ("请选择居住的区县", "Choose the county they live in"),
    "address": ("乡镇/村或街道最多 200 字", "Township or street: at most 200 characters"),
    "lat": (
        "坐标不在所选区县内，或格式不对（如 36.65）",
        "The coordinates are not in that county, or not numbers",
    ),
    "travel_mode": ("请选择出行方式", "Choose how they travel"),
    "max_commute_minutes": (
        "路上最多多少分钟：填 5 到 180 之间的数字",
        "Minutes on the way: a number from 5 to 180",
    ),
    "birth_year": (
        "请填写出生年份，如 1975；未满 16 周岁不能登记",
        "Year of birth, e.g. 1975; nobody under 16",
    ),
    "birth_month": ("请填写出生月份（1 到 12）", "Month of birth (1 to 12)"),
    "phone": ("请填写 11 位手机号，或留空", "An 11-digit mobile number, or leave it empty"),
    "kinds": ("请至少选一项：长期工作或零工", "Choose at least one: jobs or gigs"),
    "weekdays": ("请填写可以工作的时间，结束要晚于开始", "Give when they can work; the end after the start"),
    "certificates": (
        "证书名称不认识，请从列表中选，或写在“其他”里",
        "Unknown certificate: choose from the list",
    ),
    "accommodations": ("请从列表中选择", "Choose from the list"),
    "pay_amount": ("期望工资请填大于 0 的数字，并选择单位", "Expected pay: a number above 0, and its unit"),
    "experience_years": ("工作年限填 0 到 60 之间的数字", "Years of experience: 0 to 60"),
    "purposes": ("必须取得“用于岗位匹配”的同意才能登记", "Registration needs consent to matching"),
    "method": ("请选择同意的方式", "Choose how consent was given"),
}
_LOC_FIELD = {
    "home": "county_adcode",
    "availability": "weekdays",
    "pay_expectation": "pay_amount",
    "consent": "purposes",
    "occupation_codes": "desired_text",
}


def one(form: Form, name: str) -> str:
    values = form.get(name) or [""]
    return values[0].strip()


def _number(text: str) -> Any:
    return text if text else None


def _minutes(text: str) -> int | None:
    hours, _, minutes = text.partition(":")
    if not (hours.isdigit() and minutes.isdigit()):
        return None
    return int(hours) * 60 + int(minutes)


def _availability(form: Form) -> list[dict[str, Any]] | None:
    days = [d for d in form.get("weekdays") or [] if d.isdigit()]
    if not days:
        return None
    start, end = _minutes(one(form, "start_time")), _minutes(one(form, "end_time"))
    if end == 0:
        end = 1440
    return [{"weekday": int(d), "start_minute": start, "end_minute": end} for d in days]


def _home(form: Form) -> dict[str, Any]:
    home: dict[str, Any] = {
        "county_adcode": one(form, "county_adcode") or None,
        "address": one(form, "address") or None,
    }
    lat, lng = one(form, "lat"), one(form, "lng")
    if lat or lng:
        home["lat"], home["lng"] = lat or None, lng or None
    return home


def body_from_form(form: Form, station_consent_time: str | None = None) -> dict[str, Any]:
    """The registration body the API takes, from the screens' fields (empty fields left out)."""
    body: dict[str, Any] = {
        "desired_text": one(form, "desired_text") or None,
        "home": _home(form),
        "travel_mode": one(form, "travel_mode") or None,
        "max_commute_minutes": _number(one(form, "max_commute_minutes")),
        "birth_year": _number(one(form, "birth_year")),
        "birth_month": _number(one(form, "birth_month")),
        "phone": one(form, "phone") or None,
        "name": one(form, "name") or None,
        "kinds": list(form.get("kinds") or []) or None,
        "availability": _availability(form),
        "certificates": [c for c in [*(form.get("certificates") or []), one(form, "other_certificate")] if c]
        or None,
        "accommodations": list(form.get("accommodations") or []) or None,
        "experience_years": _number(one(form, "experience_years")),
    }
    if one(form, "pay_amount"):
        body["pay_expectation"] = {"amount": one(form, "pay_amount"), "unit": one(form, "pay_unit") or "day"}
    if form.get("purposes"):
        consent: dict[str, Any] = {"purposes": list(form["purposes"]), "method": one(form, "method") or None}
        if station_consent_time:
            consent["agreed_at"] = station_consent_time
        body["consent"] = consent
    return {k: v for k, v in body.items() if v is not None}


def _field(loc: Sequence[int | str]) -> str:
    head = str(loc[0]) if loc else "desired_text"
    if head == "home" and len(loc) > 1 and loc[1] in ("lat", "lng"):
        return "lat"
    if head == "home" and len(loc) > 1 and loc[1] == "address":
        return "address"
    return _LOC_FIELD.get(head, head)


def message(name: str, lang: str) -> str:
    zh, en = MESSAGES.get(name, ("请检查这一项", "Check this field"))
    return en if lang == "en" else zh


def errors_of(exc: ValidationError | ProblemError, lang: str) -> dict[str, str]:
    """Field → message, for the fields the API refused."""
    if isinstance(exc, UnderMinimumAge):
        return {"birth_year": message("birth_year", lang)}
    if isinstance(exc, ConsentRequired):
        return {"purposes": message("purposes", lang)}
    if isinstance(exc, ProblemError):
        return {"desired_text": exc.title if lang == "en" else exc.title_zh}
    out: dict[str, str] = {}
    for error in exc.errors():
        loc = [p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
        name = _field(loc)
        if error["type"] == "value_error" and not loc and "desired_text" in str(error.get("msg")):
            name = "desired_text"
        out.setdefault(name if name in MESSAGES else "desired_text", message(name, lang))
    return out


def check(form: Form, upto: int, lang: str) -> dict[str, str]:
    """The errors of the fields on screens 1..`upto` (later screens' fields are not asked yet)."""
    fields = {f for step in range(1, upto + 1) for f in STEPS[step]}
    found: dict[str, str] = {}
    try:
        SeekerCreate.model_validate(body_from_form(form))
    except ValidationError as exc:
        found = {k: v for k, v in errors_of(exc, lang).items() if k in fields}
    # The API checks "wants something" only once the fields are valid; the form says it at once.
    merged = {name: message(name, lang) for name in REQUIRED if not one(form, name)} | found
    return {name: merged[name] for step in STEPS.values() for name in step if name in merged}


def first_step_with(errors: Mapping[str, str]) -> int:
    for step, fields in STEPS.items():
        if any(f in errors for f in fields):
            return step
    return 3


FIELDS = frozenset(f for step in STEPS.values() for f in step)


def merged(kept: Form, posted: Form, step: int) -> dict[str, list[str]]:
    """The fields kept so far with this screen's replaced by what was posted (a box left unticked is
    posted as nothing, so every field of the screen is replaced); anything not a field is dropped."""
    out = {k: list(v) for k, v in kept.items() if k in FIELDS and k not in STEPS[step]}
    out |= {k: list(posted[k]) for k in STEPS[step] if posted.get(k)}
    return out
