"""The codes the coder predicts, and which of them a coarser label accepts.

The coder predicts detailed occupations (level 4) and the classification's residual groups that have no
detailed occupation under them ("其他教学人员" 2-08-99-00, "不便分类的其他从业人员" 8-00-00-00). A label
may be coarser (a minor, medium or major group): it accepts every predictable code under it.
"""

from functools import cache

from services.reference.occupations import Occupation, occupations


def stem(code: str) -> str:
    """The code without its trailing all-zero parts: "2-06-07-00" → "2-06-07", "6-00-00-00" → "6"."""
    parts = code.split("-")
    while len(parts) > 1 and set(parts[-1]) == {"0"}:
        parts.pop()
    return "-".join(parts)


def is_under(code: str, group: str) -> bool:
    """Whether `code` is `group` itself or lies under it."""
    return code == group or code.startswith(stem(group) + "-")


@cache
def targets() -> tuple[str, ...]:
    """Every predictable code, in classification order."""
    occ = occupations()
    detailed = [c for c, o in occ.items() if o.level == 4]
    out = []
    for code, o in occ.items():
        if o.level == 4 or not any(is_under(d, code) for d in detailed):
            out.append(code)
    return tuple(out)


@cache
def target_index() -> dict[str, int]:
    return {c: i for i, c in enumerate(targets())}


@cache
def accepted(label: str) -> tuple[str, ...]:
    """The predictable codes a label accepts: itself, or every one under its group; () if unknown."""
    if label in target_index():
        return (label,)
    if label not in occupations():
        return ()
    return tuple(c for c in targets() if is_under(c, label))


def is_correct(predicted: str, label: str) -> bool:
    """A prediction is right when it is the label or lies under the label's (coarser) group."""
    return predicted == label or (label not in target_index() and is_under(predicted, label))


def ancestors(code: str) -> tuple[str, ...]:
    """The classification groups above a code, nearest first (minor, medium, major)."""
    parts = code.split("-")
    out = []
    for keep in (3, 2, 1):
        group = "-".join(parts[:keep] + ["00"] * (4 - keep))
        if group != code and group in occupations():
            out.append(group)
    return tuple(out)


def minor_group(code: str) -> str:
    """The level-3 group a predictable code falls under (a residual group is its own)."""
    occ: Occupation = occupations()[code]
    return occ.minor_group if occ.level == 4 else code
