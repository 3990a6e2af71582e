"""The shipped lexicon: category texts (legal basis, suggestion) and the term families the rules use."""

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal, cast

Severity = Literal["prohibited", "needs_justification"]


@dataclass(frozen=True, slots=True)
class CategoryInfo:
    name: str
    severity: Severity
    label_zh: str
    label_en: str
    basis: str
    suggestion: str
    suggestion_en: str


@cache
def _raw() -> dict[str, Any]:
    path = resources.files("services.postings.screening") / "data" / "lexicon.json"
    return cast(dict[str, Any], json.loads(path.read_text(encoding="utf-8")))


@cache
def categories() -> dict[str, CategoryInfo]:
    out: dict[str, CategoryInfo] = {}
    for name, info in _raw()["categories"].items():
        severity = info["severity"]
        if severity not in ("prohibited", "needs_justification"):
            raise ValueError(f"category {name}: unknown severity {severity!r}")
        out[name] = CategoryInfo(
            name,
            severity,
            info["label_zh"],
            info["label_en"],
            info["basis"],
            info["suggestion"],
            info["suggestion_en"],
        )
    return out


def category(name: str) -> CategoryInfo:
    return categories()[name]


@cache
def terms(family: str) -> tuple[str, ...]:
    return tuple(_raw()["terms"][family])


def alternation(words: tuple[str, ...] | list[str]) -> str:
    """A regex matching any of `words` (longest first), as a trie: 乙肝(?:表面抗原|五项)?…

    Every alternative starts with a plain character, which lets the regex engine skip ahead to the
    places worth trying; a flat list of 150 words would be tried one by one at every position.
    """
    trie: dict[str, dict[str, Any]] = {}
    for word in set(words):
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _emit(trie) or "(?!)"


def _emit(node: dict[str, dict[str, Any]]) -> str:
    branches = [re.escape(char) + _emit(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = "(?:" + "|".join(branches) + ")" if len(branches) > 1 or "" in node else branches[0]
    return body + "?" if "" in node else body


def product(heads: str, tails: str) -> list[str]:
    """Every head followed by every tail: "身高|形象" × "不限|无要求" → 身高不限, 身高无要求, 形象不限 …"""
    return [head + tail for head in heads.split("|") for tail in tails.split("|")]


def family(name: str) -> str:
    return alternation(terms(name))
