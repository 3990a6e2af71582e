"""The Citus plan of the postings schema as data, and a judge of SQL statements against it
(docs/postgresql.md, "Citus: the plan").

A statement that touches a distributed table is routed to one shard when every distributed table in it
is pinned to one value of the distribution column: `t.county_adcode = value` (or an IN of one value, or
a one-row tuple IN that holds the key) in a conjunctive position of a WHERE or JOIN ON, directly or
through `a.county_adcode = b.county_adcode` with a pinned co-located table; an INSERT is routed by the
values it inserts. Anything else on a distributed table fans out to every shard, and must be a
deliberate multi-shard statement listed in ALLOWED, by the fingerprint of its shape, with its reason.
"""

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp

KEY = "county_adcode"

DISTRIBUTED = frozenset(
    {
        "postings",
        "shifts",
        "posting_flags",
        "applications",
        "engagements",
        "checkin_code_failures",
        "disputes",
        "appeals",
        "ratings",
    }
)
REFERENCE = frozenset({"employers"})
LOCAL = frozenset(
    {
        "outbox",
        "outbox_default",
        "idempotency_keys",
        "notifications",
        "import_runs",
        "seeker_erasures",  # seekers being erased (docs/privacy.md §7.1), read by the feed's writes
        "alembic_version_postings",
    }
)

# fingerprint → why this statement reads or writes every shard on purpose. The shape is in the comment;
# `CITUS_PLAN_REPORT=FILE pytest tests/postings/test_citus_plan.py` writes every shape with its fingerprint.
_WORKER = "a worker's record spans every county they worked in"
_EMPLOYER = "an employer may have sites in several counties"
_SWEEP = "deadline sweep: a background scan of every county in batches; each row is then handled on its shard"
ALLOWED: dict[str, str] = {
    # reliability records (GET …/reliability, and after each rating, cancellation, dispute)
    "464ed5abc96f": _EMPLOYER,  # engagements by employer_id, grouped by status and mark
    "79cbf4088d8a": _EMPLOYER,  # disputes by employer_id, grouped
    "ff84d1953e59": _EMPLOYER,  # avg(stars) of ratings by employer_id
    "cf804dd14920": _WORKER,  # engagements by seeker_id, grouped by status and mark
    "5fb65c2bbed1": _WORKER,  # appeals by seeker_id, grouped
    "1f3b3507176e": _WORKER,  # avg(stars) of ratings by seeker_id
    # a worker's own engagements
    "d695a7e4a97f": "booking: a worker's active engagements overlapping the shift, in any county "
    "(nobody works in two places at once)",
    "2ce7c7cabcd2": "GET /v1/engagements by a seeker: their own engagements in every county",
    # lists that are province-wide on purpose
    "34708cb89383": "GET /v1/postings without a county: the province-wide browse (drafts of one's own)",
    "0fcf23e3e821": "the shifts of a page of postings from several counties (one shard per posting's county)",
    "19d1510144db": "staff's appeal queue: their county, or referrals of their station in any county",
    "7d3d66b3e661": "staff's dispute list: their county, or referrals of their station in any county",
    # background sweeps
    "5722bc30e0e5": _SWEEP + " (no-shows: check-in deadline passed)",
    "c9b28b09981c": _SWEEP + " (automatic check-out at the shift's end)",
    "94b7cf15bd43": _SWEEP + " (confirmation due)",
    "1f755cd4ac5e": _SWEEP + " (payment overdue after a not-paid report)",
    "819e11773092": _SWEEP + " (payment check)",
    "fe067e27c375": _SWEEP + " (reminder a day ahead)",
    "8108f708ef6d": _SWEEP + " (reminder two hours ahead)",
    "6688f4422e1e": _SWEEP + " (ended shifts with pending requests; the EXISTS joins on the key)",
    "9fbf979ff321": "purge of expired wrong check-in codes in every county (a background DELETE by age)",
    "2adcfe3d88ea": "expiry sweep: postings past valid_until in every county (background, in batches)",
}


@dataclass(frozen=True, slots=True)
class Verdict:
    kind: str  # "none" | "local" | "reference" | "pinned" | "fan-out"
    fingerprint: str
    shape: str
    unpinned: tuple[str, ...] = ()


def _table_kind(name: str) -> str:
    if name in DISTRIBUTED:
        return "distributed"
    if name in REFERENCE:
        return "reference"
    if name in LOCAL or name.startswith("outbox_") or name.startswith("pg_"):
        return "local"
    return "unknown"


def _is_value(node: exp.Expression) -> bool:
    while isinstance(node, exp.Cast | exp.Paren):
        node = node.this
    return isinstance(node, exp.Placeholder | exp.Parameter | exp.Literal)


def _conjunctive(node: exp.Expression) -> bool:
    """Whether `node` holds whenever its WHERE / ON holds (no OR or NOT between them)."""
    parent = node.parent
    while parent is not None and not isinstance(parent, exp.Where | exp.Join):
        if isinstance(parent, exp.Or | exp.Not | exp.Case | exp.If | exp.Xor):
            return False
        if isinstance(parent, exp.Func) and not isinstance(parent, exp.And):
            return False
        if isinstance(parent, exp.Subquery | exp.Select | exp.Exists):
            return False
        parent = parent.parent
    return parent is not None


@dataclass
class _Keys:
    """Union-find over the key columns of the statement's tables (by alias)."""

    parent: dict[str, str] = field(default_factory=dict)
    pinned: set[str] = field(default_factory=set)

    def find(self, alias: str) -> str:
        while self.parent.setdefault(alias, alias) != alias:
            alias = self.parent[alias]
        return alias

    def join(self, a: str, b: str) -> None:
        self.parent[self.find(a)] = self.find(b)

    def is_pinned(self, alias: str) -> bool:
        root = self.find(alias)
        return any(self.find(p) == root for p in self.pinned)


def _key_alias(column: exp.Expression, scope_tables: dict[str, str]) -> str | None:
    if not isinstance(column, exp.Column) or column.name != KEY:
        return None
    if column.table:
        return column.table
    return next(iter(scope_tables)) if len(scope_tables) == 1 else None


def _scope_tables(node: exp.Expression) -> dict[str, str]:
    """alias → table name of the tables in the nearest SELECT / UPDATE / DELETE around `node`."""
    scope = node.find_ancestor(exp.Select, exp.Update, exp.Delete)
    if scope is None:
        return {}
    out = {}
    for table in scope.find_all(exp.Table):
        if table.find_ancestor(exp.Select, exp.Update, exp.Delete) is scope:
            out[table.alias_or_name] = table.name
    return out


def _collect_keys(tree: exp.Expression) -> _Keys:
    keys = _Keys()
    for eq in tree.find_all(exp.EQ):
        if not _conjunctive(eq):
            continue
        tables = _scope_tables(eq)
        left, right = _key_alias(eq.this, tables), _key_alias(eq.expression, tables)
        if left and right:
            keys.join(left, right)
        elif left and _is_value(eq.expression):
            keys.pinned.add(left)
        elif right and _is_value(eq.this):
            keys.pinned.add(right)
    for in_ in tree.find_all(exp.In):
        if not _conjunctive(in_):
            continue
        _pin_in(in_, keys, _scope_tables(in_))
    return keys


def _pin_in(in_: exp.In, keys: _Keys, tables: dict[str, str]) -> None:
    values = in_.expressions
    if len(values) == 1 and isinstance(values[0], exp.Values):
        values = values[0].expressions
    if len(values) != 1:
        return
    if (alias := _key_alias(in_.this, tables)) is not None and _is_value(values[0]):
        keys.pinned.add(alias)
    if isinstance(in_.this, exp.Tuple) and isinstance(values[0], exp.Tuple):
        for column, value in zip(in_.this.expressions, values[0].expressions, strict=False):
            if (alias := _key_alias(column, tables)) is not None and _is_value(value):
                keys.pinned.add(alias)


def _insert_pinned(tree: exp.Insert) -> bool:
    target = tree.this
    columns = target.expressions if isinstance(target, exp.Schema) else []
    return any(isinstance(c, exp.Identifier) and c.name == KEY for c in columns) and not tree.find(exp.Select)


def shape_of(tree: exp.Expression) -> str:
    """The statement with every value a `?`, IN lists of one `?`, locks dropped: the same on both backends."""
    tree = tree.copy()
    for lock in list(tree.find_all(exp.Lock)):
        lock.pop()

    def simplify(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Cast) and _is_value(node.this):
            return exp.Placeholder()
        if isinstance(node, exp.Placeholder | exp.Parameter | exp.Literal | exp.Boolean):
            return exp.Placeholder()
        return node

    tree = tree.transform(simplify)
    for select in tree.find_all(exp.Select):  # what is read does not change where it is read
        select.set("expressions", [exp.Star()])
    for returning in tree.find_all(exp.Returning):
        returning.pop()
    for offset in tree.find_all(exp.Offset):  # SQLite's compiler always writes one
        offset.pop()
    for in_ in tree.find_all(exp.In):
        if in_.expressions:
            first = in_.expressions[0]
            if isinstance(first, exp.Values):  # SQLite's `IN (VALUES (…))` is PostgreSQL's `IN ((…))`
                first = first.expressions[0]
            in_.set("expressions", [first])
    if isinstance(tree, exp.Insert) and isinstance(tree.expression, exp.Values):
        tree.expression.set("expressions", tree.expression.expressions[:1])
    text = tree.sql(dialect="postgres").replace(" NULLS FIRST", "").replace(" NULLS LAST", "")
    return re.sub(r"NOT (\S+) IS NULL", r"\1 IS NOT NULL", text)


def fingerprint(shape: str) -> str:
    return hashlib.sha256(shape.encode()).hexdigest()[:12]


def judge(sql: str, dialect: str) -> Verdict:
    """Where Citus would send this statement under the plan."""
    tree = sqlglot.parse_one(sql, read=dialect)
    shape = shape_of(tree)
    print_ = fingerprint(shape)
    aliases = {t.alias_or_name: t.name for t in tree.find_all(exp.Table) if t.name}
    kinds = {_table_kind(name) for name in aliases.values()}
    if "unknown" in kinds:
        unknown = sorted(n for n in aliases.values() if _table_kind(n) == "unknown")
        raise ValueError(f"table(s) not in the Citus plan: {unknown}")
    if not kinds:
        return Verdict("none", print_, shape)
    if "distributed" not in kinds:
        return Verdict("reference" if "reference" in kinds else "local", print_, shape)
    if isinstance(tree, exp.Insert):
        ok = _insert_pinned(tree)
        return Verdict("pinned" if ok else "fan-out", print_, shape, () if ok else (tree.this.name,))
    keys = _collect_keys(tree)
    unpinned = tuple(
        sorted(a for a, name in aliases.items() if name in DISTRIBUTED and not keys.is_pinned(a))
    )
    return Verdict("fan-out" if unpinned else "pinned", print_, shape, unpinned)


def summary(verdicts: list[Verdict]) -> dict[str, tuple[int, int]]:
    """kind → (statements, distinct shapes)."""
    counts = Counter(v.kind for v in verdicts)
    shapes: dict[str, set[str]] = {}
    for v in verdicts:
        shapes.setdefault(v.kind, set()).add(v.fingerprint)
    return {kind: (counts[kind], len(shapes[kind])) for kind in counts}


def report(verdicts: list[Verdict], dialect: str) -> str:
    """The counts by kind and every multi-shard shape, for docs/postgresql.md."""
    lines = [f"backend: {dialect}; statements: {len(verdicts)}"]
    for kind, (statements, shapes) in sorted(summary(verdicts).items()):
        lines.append(f"{kind}: {statements} statements, {shapes} shapes")
    fanning = Counter(v.fingerprint for v in verdicts if v.kind == "fan-out")
    shapes = {v.fingerprint: v.shape for v in verdicts}
    for print_, count in fanning.most_common():
        why = ALLOWED.get(print_, "NOT ALLOWED")
        lines.append(f"{print_} x{count} [{why}]: {shapes[print_]}")
    return "\n".join(lines) + "\n"
