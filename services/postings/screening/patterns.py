"""Regex fragments shared by the rules, and the vetoes several rules use. All work on normalised text."""

import re

from services.postings.screening.engine import Context, Veto

# A clause starts at the text's start or after one of these (normalisation made punctuation half-width).
SEPARATORS = r",.。;:、!?\n()\[\]【】《》“”\"'/|+*#·•\-"
_SEPARATOR_CHARS = frozenset(",.。;:、!?\n()[]【】《》“”\"'/|+*#·•-")

# Patterns are written so that every alternative starts with a plain character (look-behinds come
# after it): the regex engine then skips ahead to the few places worth trying.

# Words that limit applicants to a group ("仅限", "只招", "要求") or hire one ("招聘").
LIMIT = (
    r"(?:仅限于?|只限于?|限(?<![不无有期年权上下界时局]限)(?:于|定|招)?|只招(?:收|聘)?|仅招(?:收|聘)?"
    r"|只聘(?:用|请)?|仅聘|只要|只收|仅收|只需要?|只接受|仅接受|专招|要求(?<![不无]要求)(?:是|为)?"
    r"|必须(?:是|为)?|需(?<![无不必]需)(?:要|是|为|要是)?|须(?<![无不必]须)(?:是|为)?|应为|最好(?:是|为)|适合"
    r"|寻找|找(?<![寻查]找)|要(?<![主重想还需只不]要)|仅(?<!不仅)|只(?<![不])"
    r"|急招|急聘|诚招|诚聘|特招|特聘|招(?:聘|收|募|用)?|聘(?:请|用)?)"
)
# The strongest of them, which may stand a few words away from the group ("只限招广东省内女性").
STRICT_LIMIT = (
    r"(?:仅限于?|只限于?|限(?<![不无有期年权上下界时局]限)(?:于|定|招)?|只招(?:收|聘)?|仅招(?:收|聘)?"
    r"|只要|只收|专招)"
)
# Words before a group that turn it away ("不招", "谢绝").
REJECT_BEFORE = (
    r"(?:不招(?:收|聘|用)?|不要|不收|不录(?:用|取)?|不聘(?:用)?|不接受|不考虑|谢绝|拒绝|拒收|拒招|婉拒)"
)
# Words after a group that turn it away ("勿扰", "免谈").
REJECT_AFTER = (
    r"(?:勿扰|勿投|勿来|勿找|免谈|免进|不要(?!求|紧|怕|担心|害怕|犹豫|错过|灰心|着急)|不招|不收|不录(?:用|取)?|不予(?:录用|考虑)|不考虑"
    r"|谢绝|除外|绕道|止步|慎投|请绕行|莫扰|免(?![费息单税检试押责考])|不适合|不合适|不行|不可以|不可"
    r"|暂不(?:考虑|接受|录用|招)|不建议|就算了|算了)"
)
# Words after a group that prefer it ("优先").
PREFER = (
    r"(?:优先(?:考虑|录用|录取)?|为主|为佳|为宜|最好|更好|最佳|更佳|更合适|较合适|合适|适合|尤佳|者佳"
    r"|比较好|较好|加分)"
)
# Who the group is ("者", "人员", "的").
PERSON = r"(?:者|人士|人员|员工|工人|同志|同事|应聘者|求职者|朋友|们|的)?"

# Words that make a clause an equal-opportunity statement rather than a requirement.
_EQUALITY = re.compile(
    r"平等|歧视|多元|不论|无论|不分|不因|尊重|包容|包括但不限于|包含但不限于|等方面|一视同仁"
    # 不会因…而对员工差别对待: a promise not to treat people differently
    r"|差别对待|区别对待|同等对待"
)


def in_equality_statement(ctx: Context, match: "re.Match[str]") -> bool:
    return bool(_EQUALITY.search(ctx.clause(match.start())))


def starts_clause(ctx: Context, pos: int) -> bool:
    """pos starts the text, follows a separator, or is where a space between words was dropped."""
    return pos <= 0 or ctx.text[pos - 1] in _SEPARATOR_CHARS or pos in ctx.breaks


def ends_clause(ctx: Context, pos: int) -> bool:
    """pos ends the text, holds a separator, or is where a space between words was dropped."""
    return pos >= len(ctx.text) or ctx.text[pos] in _SEPARATOR_CHARS or pos in ctx.breaks


def not_at_clause_start(ctx: Context, match: "re.Match[str]") -> bool:
    return not starts_clause(ctx, match.start())


def char_before(chars: str) -> Veto:
    """A veto: the character just before the match is one of `chars` (子女, 美女: not a person's sex)."""
    banned = frozenset(chars)

    def veto(ctx: Context, match: "re.Match[str]") -> bool:
        start = match.start()
        return start > 0 and ctx.text[start - 1] in banned

    return veto


def inside_title(ctx: Context, match: "re.Match[str]") -> bool:
    """The match is inside 《…》: the name of a law, a policy or a book, not a requirement."""
    before = ctx.before(match.start(), 40)
    return before.rfind("《") > before.rfind("》")


def near_before(words: str, width: int) -> Veto:
    """A veto: one of `words` (a regex) occurs in the `width` characters before the match."""
    pattern = re.compile(words)

    def veto(ctx: Context, match: "re.Match[str]") -> bool:
        return bool(pattern.search(ctx.before(match.start(), width)))

    return veto


def near_after(words: str, width: int) -> Veto:
    """A veto: the `width` characters after the match start with one of `words` (a regex)."""
    pattern = re.compile(words)

    def veto(ctx: Context, match: "re.Match[str]") -> bool:
        return bool(pattern.match(ctx.after(match.end(), width)))

    return veto


def in_clause(words: str) -> Veto:
    """A veto: one of `words` occurs anywhere in the match's clause."""
    pattern = re.compile(words)

    def veto(ctx: Context, match: "re.Match[str]") -> bool:
        return bool(pattern.search(ctx.clause(match.start())))

    return veto


def earlier_in_clause(words: str) -> Veto:
    """A veto: one of `words` occurs earlier in the same clause (e.g. 欢迎 before a list of groups)."""
    pattern = re.compile(words)

    def veto(ctx: Context, match: "re.Match[str]") -> bool:
        return bool(pattern.search(ctx.clause_before(match.start())))

    return veto
