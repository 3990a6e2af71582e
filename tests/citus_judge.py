"""A judge of SQL statements against a Citus distribution plan (docs/postgresql.md, "Citus: the plan").

A statement that touches a distributed table is routed to one shard when every distributed table in it
is pinned to one value of its distribution column: `t.key = value` (or an IN of one value, or a one-row
tuple IN that holds the key) in a conjunctive position of a WHERE or JOIN ON, directly or through
`a.key = b.key` with a pinned table of the same co-location group; an INSERT is routed by the values it
inserts. Anything else on a distributed table fans out to every shard, and must be a deliberate
multi-shard statement listed in the plan's `allowed`, by the fingerprint of its shape, with its reason.
An UPDATE that sets a distributed table's distribution column would move rows to another shard, which
Citus refuses whatever the WHERE says: it is judged "refused", and no allow-list admits it.

Each service states its plan as data: `tests/postings/citus_plan.py`, `tests/matching/citus_plan.py`.
"""

import hashlib
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlglot
from fastapi import FastAPI
from sqlalchemy import event
from sqlglot import exp


@dataclass(frozen=True)
class Plan:
    """Where each table of a service lives on Citus."""

    distributed: Mapping[str, tuple[str, str]]  # table → (distribution column, co-location group)
    reference: frozenset[str]
    local: frozenset[str]
    allowed: Mapping[str, str]  # fingerprint → why this statement reads or writes every shard on purpose
    local_prefixes: tuple[str, ...] = ("pg_",)

    def kind_of(self, table: str) -> str:
        if table in self.distributed:
            return "distributed"
        if table in self.reference:
            return "reference"
        if table in self.local or table.startswith(self.local_prefixes):
            return "local"
        return "unknown"

    def judge(self, sql: str, dialect: str) -> "Verdict":
        return judge(self, sql, dialect)

    def report(self, verdicts: list["Verdict"], dialect: str) -> str:
        return report(self, verdicts, dialect)


@dataclass(frozen=True, slots=True)
class Verdict:
    kind: str  # "none" | "local" | "reference" | "pinned" | "fan-out" | "refused"
    fingerprint: str
    shape: str
    unpinned: tuple[str, ...] = ()


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


@dataclass(frozen=True)
class _Statement:
    plan: Plan
    aliases: dict[str, str]  # alias → table name, over the whole statement

    def key_alias(self, column: exp.Expression, scope_tables: dict[str, str]) -> str | None:
        """The alias whose distribution column `column` is, if it is one."""
        if not isinstance(column, exp.Column):
            return None
        if column.table:
            alias = column.table
        elif len(scope_tables) == 1:
            alias = next(iter(scope_tables))
        else:
            return None
        placed = self.plan.distributed.get(self.aliases.get(alias, ""))
        return alias if placed is not None and placed[0] == column.name else None

    def group(self, alias: str) -> str:
        return self.plan.distributed[self.aliases[alias]][1]


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


def _collect_keys(tree: exp.Expression, statement: _Statement) -> _Keys:
    keys = _Keys()
    for eq in tree.find_all(exp.EQ):
        if not _conjunctive(eq):
            continue
        tables = _scope_tables(eq)
        left, right = statement.key_alias(eq.this, tables), statement.key_alias(eq.expression, tables)
        if left and right:
            if statement.group(left) == statement.group(right):
                keys.join(left, right)
        elif left and _is_value(eq.expression):
            keys.pinned.add(left)
        elif right and _is_value(eq.this):
            keys.pinned.add(right)
    for in_ in tree.find_all(exp.In):
        if not _conjunctive(in_):
            continue
        _pin_in(in_, keys, _scope_tables(in_), statement)
    return keys


def _pin_in(in_: exp.In, keys: _Keys, tables: dict[str, str], statement: _Statement) -> None:
    values = in_.expressions
    if len(values) == 1 and isinstance(values[0], exp.Values):
        values = values[0].expressions
    if len(values) != 1:
        return
    if (alias := statement.key_alias(in_.this, tables)) is not None and _is_value(values[0]):
        keys.pinned.add(alias)
    if isinstance(in_.this, exp.Tuple) and isinstance(values[0], exp.Tuple):
        for column, value in zip(in_.this.expressions, values[0].expressions, strict=False):
            if (alias := statement.key_alias(column, tables)) is not None and _is_value(value):
                keys.pinned.add(alias)


def _insert_pinned(tree: exp.Insert, key: str) -> bool:
    target = tree.this
    columns = target.expressions if isinstance(target, exp.Schema) else []
    return any(isinstance(c, exp.Identifier) and c.name == key for c in columns) and not tree.find(exp.Select)


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


_TRANSACTION_CONTROL = re.compile(r"\s*(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\b", re.IGNORECASE)


def fingerprint(shape: str) -> str:
    return hashlib.sha256(shape.encode()).hexdigest()[:12]


def judge(plan: Plan, sql: str, dialect: str) -> Verdict:
    """Where Citus would send this statement under the plan."""
    if _TRANSACTION_CONTROL.match(sql):
        shape = " ".join(sql.split()[:2]).upper()
        return Verdict("none", fingerprint(shape), shape)
    tree = sqlglot.parse_one(sql, read=dialect)
    shape = shape_of(tree)
    print_ = fingerprint(shape)
    aliases = {t.alias_or_name: t.name for t in tree.find_all(exp.Table) if t.name}
    kinds = {plan.kind_of(name) for name in aliases.values()}
    if "unknown" in kinds:
        unknown = sorted(n for n in aliases.values() if plan.kind_of(n) == "unknown")
        raise ValueError(f"table(s) not in the Citus plan: {unknown}")
    if not kinds:
        return Verdict("none", print_, shape)
    if "distributed" not in kinds:
        return Verdict("reference" if "reference" in kinds else "local", print_, shape)
    if isinstance(tree, exp.Update) and (moved := _sets_distribution_column(plan, tree)):
        return Verdict("refused", print_, shape, moved)
    if isinstance(tree, exp.Insert):
        target = tree.this.name
        ok = target not in plan.distributed or _insert_pinned(tree, plan.distributed[target][0])
        return Verdict("pinned" if ok else "fan-out", print_, shape, () if ok else (target,))
    keys = _collect_keys(tree, _Statement(plan, aliases))
    unpinned = tuple(
        sorted(a for a, name in aliases.items() if name in plan.distributed and not keys.is_pinned(a))
    )
    return Verdict("fan-out" if unpinned else "pinned", print_, shape, unpinned)


def _sets_distribution_column(plan: Plan, tree: exp.Update) -> tuple[str, ...]:
    """The distributed table this UPDATE moves rows of (it assigns the distribution column), if any."""
    target = tree.this.name
    if target not in plan.distributed:
        return ()
    key = plan.distributed[target][0]
    assigned = {
        a.this.name for a in tree.expressions if isinstance(a, exp.EQ) and isinstance(a.this, exp.Column)
    }
    return (target,) if key in assigned else ()


def summary(verdicts: list[Verdict]) -> dict[str, tuple[int, int]]:
    """kind → (statements, distinct shapes)."""
    counts = Counter(v.kind for v in verdicts)
    shapes: dict[str, set[str]] = {}
    for v in verdicts:
        shapes.setdefault(v.kind, set()).add(v.fingerprint)
    return {kind: (counts[kind], len(shapes[kind])) for kind in counts}


def report(plan: Plan, verdicts: list[Verdict], dialect: str) -> str:
    """The counts by kind and every multi-shard shape, for docs/postgresql.md."""
    lines = [f"backend: {dialect}; statements: {len(verdicts)}"]
    for kind, (statements, shapes) in sorted(summary(verdicts).items()):
        lines.append(f"{kind}: {statements} statements, {shapes} shapes")
    fanning = Counter(v.fingerprint for v in verdicts if v.kind in ("fan-out", "refused"))
    shapes = {v.fingerprint: v.shape for v in verdicts}
    refused = {v.fingerprint for v in verdicts if v.kind == "refused"}
    for print_, count in fanning.most_common():
        why = (
            "REFUSED: moves rows to another shard"
            if print_ in refused
            else plan.allowed.get(print_, "NOT ALLOWED")
        )
        lines.append(f"{print_} x{count} [{why}]: {shapes[print_]}")
    return "\n".join(lines) + "\n"


def offenders(plan: Plan, verdicts: list[Verdict]) -> list[Verdict]:
    """The statements Citus would refuse, and those that fan out and are not on the plan's allow-list."""
    return [
        v
        for v in verdicts
        if v.kind == "refused" or (v.kind == "fan-out" and v.fingerprint not in plan.allowed)
    ]


def describe(verdicts: list[Verdict]) -> str:
    seen: dict[str, Verdict] = {v.fingerprint: v for v in verdicts}
    return "\n".join(f"{f} ({', '.join(v.unpinned)}): {v.shape}" for f, v in sorted(seen.items()))


class Recorder:
    """Every statement the app's engine sends, with the dialect to read it in."""

    def __init__(self, app: FastAPI, plan: Plan) -> None:
        engine = app.state.engine.sync_engine
        self.plan = plan
        self.dialect = "postgres" if engine.dialect.name == "postgresql" else "sqlite"
        self.statements: list[str] = []
        event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        self.statements.append(statement)

    def verdicts(self) -> list[Verdict]:
        return [judge(self.plan, sql, self.dialect) for sql in self.statements]
