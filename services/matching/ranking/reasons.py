"""Short reasons in Chinese and English, from a match's factor values and the posting's columns."""

from dataclasses import dataclass
from functools import lru_cache

from services.matching.contracts import Reason
from services.matching.ranking import vocab
from services.reference.certificates import certificate

MAX_REASONS = 4

MODE_ZH = {"walk": "步行", "ebike": "骑电动车", "bus": "乘公交", "car": "开车"}
MODE_EN = {"walk": "on foot", "ebike": "by e-bike", "bus": "by bus", "car": "by car"}
UNIT_ZH = {"hour": "小时", "day": "天", "piece": "件", "month": "月"}
UNIT_EN = {"hour": "an hour", "day": "a day", "piece": "a piece", "month": "a month"}
PAY_UNITS = ("hour", "day", "piece", "month")


def _km(km: float) -> str:
    return f"{km:.1f}" if km < 10 else f"{km:.0f}"


def _minutes(minutes: float) -> int:
    return max(1, int(round(minutes)))


def distance_reason(km: float, minutes: float, mode: str) -> Reason:
    return _distance_reason(_km(km), _minutes(minutes), mode)


@lru_cache(maxsize=8192)
def _distance_reason(km: str, m: int, mode: str) -> Reason:
    return Reason(
        zh=f"离家{km}公里，{MODE_ZH[mode]}约{m}分钟", en=f"{km} km from home, about {m} min {MODE_EN[mode]}"
    )


def _article(name: str) -> str:
    return "an" if name[:1].lower() in "aeiou" else "a"


def certificates_reason(mask: int) -> Reason | None:
    if not mask:
        return None
    codes = vocab.cert_codes(mask)
    certs = [certificate(c) for c in codes]
    zh = "、".join(c.zh for c in certs)
    en = " and ".join(f"{_article(c.en)} {c.en}" for c in certs)
    if len(certs) == 1:
        return Reason(zh=f"需要{zh}：您已持有", en=f"Needs {en}: you have one")
    return Reason(zh=f"需要{zh}：您都已持有", en=f"Needs {en}: you have them")


def _money(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def pay_text(lo: float, hi: float, unit: int) -> tuple[str, str]:
    name = PAY_UNITS[unit]
    amount = _money(lo) if hi <= lo else f"{_money(lo)}-{_money(hi)}"
    return f"{amount}元/{UNIT_ZH[name]}", f"{amount} yuan {UNIT_EN[name]}"


@dataclass(slots=True)
class PairFacts:
    """What the reasons of one match read: factor values (0..1) and a few posting facts."""

    values: dict[str, float]
    km: float
    minutes: float
    mode: str
    is_gig: bool
    n_fit: int
    any_time: bool
    certificates: int
    accommodations_offered: int
    accommodations_asked: int
    occupation_name: str | None
    same_code: bool
    pay_lo: float
    pay_hi: float
    pay_unit: int
    has_pay_expectation: bool
    fresh_days: float
    fit: dict[str, str] | None = None  # related.fit_of


def _occupation(f: PairFacts) -> Reason | None:
    if f.occupation_name is None:
        return None
    if f.same_code:
        return Reason(
            zh=f"正是您选的职业：{f.occupation_name}", en=f"The occupation you picked: {f.occupation_name}"
        )
    if f.fit is not None and f.fit["kind"] == "related":
        return Reason(zh=f.fit["zh"], en=f.fit["en"])
    if f.values["occupation_fit"] >= 0.35:
        return Reason(
            zh=f"与您想做的工作相符：{f.occupation_name}", en=f"Fits the work you want: {f.occupation_name}"
        )
    return None


MEANS_THE_SAME = Reason(
    zh="职位名称与您想做的工作意思相近", en="The title means much the same as the work you want"
)


def _meaning(f: PairFacts) -> Reason | None:
    """Only when the occupation reason does not already say it (a code the seeker picked, a related
    occupation, or a fit strong enough to be named)."""
    if f.values.get("meaning", 0.0) < 0.8 or _occupation(f) is not None:
        return None
    return MEANS_THE_SAME


def _pay(f: PairFacts) -> Reason | None:
    if not f.has_pay_expectation or f.values["pay"] < 0.5:
        return None
    zh, en = pay_text(f.pay_lo, f.pay_hi, f.pay_unit)
    return Reason(zh=f"{zh}，达到您的期望", en=f"{en}, meets what you asked for")


def _schedule(f: PairFacts) -> Reason | None:
    if not f.is_gig:
        if not f.any_time and f.values["schedule"] >= 1.0:
            return Reason(zh="工作时间灵活", en="Flexible working hours")
        return None
    if f.any_time:
        return Reason(
            zh=f"{f.n_fit}个班次可报名", en=f"{f.n_fit} open shift{'s' if f.n_fit > 1 else ''} to book"
        )
    return Reason(
        zh=f"{f.n_fit}个班次在您有空的时间",
        en=f"{f.n_fit} shift{'s fall' if f.n_fit > 1 else ' falls'} in your free time",
    )


def _accommodations(f: PairFacts) -> Reason | None:
    both = vocab.names_of(f.accommodations_offered & f.accommodations_asked, vocab.ACCOMMODATIONS)
    if not both:
        return None
    zh = "、".join(vocab.ACCOMMODATION_ZH[a] for a in both)
    en = ", ".join(vocab.ACCOMMODATION_EN[a] for a in both)
    return Reason(zh=f"提供您需要的：{zh}", en=f"Offers what you asked for: {en}")


RELIABLE = Reason(zh="雇主按时发薪记录良好", en="The employer has a good record of paying on time")
NEW = Reason(zh="新发布", en="Newly posted")
CROWDED = Reason(zh="报名人数较多", en="Many people have already applied")


def _reliability(f: PairFacts) -> Reason | None:
    return RELIABLE if f.values["reliability"] >= 0.8 else None


def _freshness(f: PairFacts) -> Reason | None:
    return NEW if f.fresh_days <= 2 else None


def _congestion(f: PairFacts) -> Reason | None:
    return CROWDED if f.values["congestion"] >= 0.6 else None


_RANKED = (
    ("occupation_fit", _occupation),
    ("meaning", _meaning),
    ("pay", _pay),
    ("schedule", _schedule),
    ("accommodations", _accommodations),
    ("reliability", _reliability),
    ("freshness", _freshness),
)


def seeker_reasons(f: PairFacts, contributions: dict[str, float]) -> tuple[Reason, ...]:
    """Distance first, then the certificates the seeker holds, then the strongest positive factors."""
    out: list[Reason] = [distance_reason(f.km, f.minutes, f.mode)]
    cert = certificates_reason(f.certificates)
    if cert is not None:
        out.append(cert)
    ordered = sorted((-contributions.get(name, 0.0), n) for n, (name, _) in enumerate(_RANKED))
    for _, n in ordered:
        if len(out) >= MAX_REASONS - 1:
            break
        reason = _RANKED[n][1](f)
        if reason is not None:
            out.append(reason)
    warning = _congestion(f)
    if warning is not None and len(out) < MAX_REASONS:
        out.append(warning)
    return tuple(out[:MAX_REASONS])


def matched_occupation(f: PairFacts) -> str | None:
    """The posting's occupation, when the seeker wants that kind of work (an employer may be told)."""
    if f.occupation_name is not None and (f.same_code or f.values["occupation_fit"] >= 0.35):
        return f.occupation_name
    return None


def candidate_reasons(f: PairFacts) -> tuple[Reason, ...]:
    """For an employer: nothing about the seeker's private facts, only how the pair fits."""
    out = [Reason(zh=f"距岗位约{_km(f.km)}公里", en=f"Lives about {_km(f.km)} km away")]
    occupation = matched_occupation(f)
    if occupation is not None:
        out.append(Reason(zh=f"想做的工作相符：{occupation}", en=f"Wants this kind of work: {occupation}"))
    elif f.fit is not None and f.fit["kind"] == "related":
        out.append(Reason(zh=f.fit["zh"], en=f.fit["en"]))
    if f.certificates:
        names = [certificate(c) for c in vocab.cert_codes(f.certificates)]
        out.append(
            Reason(
                zh="持有所需证书：" + "、".join(c.zh for c in names),
                en="Holds the required " + " and ".join(c.en for c in names),
            )
        )
    if f.is_gig and f.n_fit:
        out.append(Reason(zh=f"{f.n_fit}个班次有空", en=f"Free for {f.n_fit} of the shifts"))
    return tuple(out[:MAX_REASONS])
