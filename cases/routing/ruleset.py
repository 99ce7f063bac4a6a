"""Responsibility rules compiled for matching in memory, and the cache that holds them.

A rule is compiled once into a `CompiledRule` (plain values, no queries) and indexed by its
category path, so a case only looks at the rules of its category's ancestors (and the rules
for any category). The compiled set is kept per process and rebuilt when the rules change:
every call reads one small aggregate (count, last id, last update) to know.
"""

import datetime
import functools
import time
from dataclasses import dataclass, field

import jieba
from django.db.models import Count, Max
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from cases.models import Category
from core import generations
from core.tree import TREE_GENERATION
from departments.models import Department, Region, ResponsibilityRule

TERRITORIAL_KINDS = {
    ResponsibilityRule.Territorial.STREET: Department.Kind.STREET_OFFICE,
    ResponsibilityRule.Territorial.DISTRICT: Department.Kind.DISTRICT_CENTER,
}
DEPARTMENTS_REFRESH_SECONDS = 60
RULES_CHECK_SECONDS = 5


def ancestor_paths(path: str) -> list[str]:
    """'a/b/c/' → ['a/', 'a/b/', 'a/b/c/'] (a materialized path and its ancestors)."""
    parts = path.rstrip("/").split("/") if path else []
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


@dataclass
class Facts:
    """What routing needs to know about a case, already looked up."""

    category: Category | None = None
    region: Region | None = None
    request_type: str = ""
    text: str = ""
    on: datetime.date | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def category_path(self) -> str:
        return self.category.path if self.category else ""

    @property
    def region_path(self) -> str:
        return self.region.path if self.region else ""

    @functools.cached_property
    def words(self) -> frozenset[str]:
        """The words of the text (jieba's search mode: 夜间施工 → 夜间, 施工)."""
        return frozenset(w for w in jieba.cut_for_search(self.text) if w.strip())

    def mentions(self, word: str) -> bool:
        """Whether a rule's condition word is in the text as a word, not as a character of
        another word: 夜 is not in 夜间施工; a word of two or more characters may also be part
        of a longer one (路灯 is in 路灯杆)."""
        return word in self.words or (len(word) > 1 and word in self.text)


@dataclass(frozen=True)
class CompiledRule:
    """A responsibility rule reduced to plain values for fast matching."""

    id: int
    name: str
    category_path: str
    region_path: str
    request_types: frozenset
    include_words: tuple
    exclude_words: tuple
    department_id: int | None
    territorial: str
    priority: int
    valid_from: datetime.date | None
    valid_until: datetime.date | None
    is_draft: bool = False
    replaces_id: int | None = None

    @property
    def specificity(self) -> int:
        return self.category_path.count("/") + self.region_path.count("/")

    def sort_key(self) -> tuple:
        return (self.priority, -self.specificity, self.id)

    def applies(self, facts: Facts) -> bool:
        """Everything but the category (the index already chose by category)."""
        if self.region_path and not facts.region_path.startswith(self.region_path):
            return False
        if self.request_types and facts.request_type not in self.request_types:
            return False
        if facts.on and self.valid_from and facts.on < self.valid_from:
            return False
        if facts.on and self.valid_until and facts.on > self.valid_until:
            return False
        if not all(facts.mentions(word) for word in self.include_words):
            return False
        return not any(facts.mentions(word) for word in self.exclude_words)


def compile_rule(rule: ResponsibilityRule) -> CompiledRule:
    """One rule (with category and region joined) as plain values."""
    return CompiledRule(
        id=rule.pk,
        name=rule.name,
        category_path=rule.category.path if rule.category_id else "",
        region_path=rule.region.path if rule.region_id else "",
        request_types=frozenset(rule.request_types or ()),
        include_words=tuple(w for w in rule.include_words or () if w),
        exclude_words=tuple(w for w in rule.exclude_words or () if w),
        department_id=rule.department_id,
        territorial=rule.territorial,
        priority=rule.priority,
        valid_from=rule.valid_from,
        valid_until=rule.valid_until,
        is_draft=rule.is_draft,
        replaces_id=rule.replaces_id,
    )


class RuleSet:
    """A set of compiled rules indexed by category path."""

    def __init__(self, rules: list[CompiledRule]):
        self.rules = sorted(rules, key=CompiledRule.sort_key)
        self.by_category: dict[str, list[CompiledRule]] = {}
        for rule in self.rules:
            self.by_category.setdefault(rule.category_path, []).append(rule)

    def __len__(self) -> int:
        return len(self.rules)

    def matching(self, facts: Facts) -> list[CompiledRule]:
        """The rules that apply to the facts, the strongest first."""
        found = []
        for path in ["", *ancestor_paths(facts.category_path)]:
            found.extend(r for r in self.by_category.get(path, ()) if r.applies(facts))
        return sorted(found, key=CompiledRule.sort_key)


def _rule_rows():
    return ResponsibilityRule.objects.select_related("category", "region").filter(is_active=True)


def build_published() -> RuleSet:
    """The rules in force (active and published)."""
    return RuleSet([compile_rule(r) for r in _rule_rows().filter(is_draft=False)])


def build_draft() -> RuleSet:
    """The rules as they would be if every draft were published now."""
    rules = [compile_rule(r) for r in _rule_rows()]
    replaced = {r.replaces_id for r in rules if r.is_draft and r.replaces_id}
    return RuleSet([r for r in rules if r.id not in replaced])


@dataclass
class _Cache:
    version: tuple = ()
    ruleset: RuleSet | None = None
    departments: dict[int, Department] = field(default_factory=dict)
    territorial: dict[tuple[str, str], Department] = field(default_factory=dict)
    categories: dict[str, Category] = field(default_factory=dict)  # by code
    category_names: dict[str, str] = field(default_factory=dict)  # by path
    departments_loaded_at: float = 0.0
    checked_at: float = 0.0


_cache = _Cache()


def _rules_version() -> tuple:
    stats = ResponsibilityRule.objects.aggregate(
        n=Count("id"), last=Max("id"), changed=Max("updated_at")
    )
    # A moved region, department or category changes what a rule's subtree covers.
    return (stats["n"], stats["last"], stats["changed"], generations.current(TREE_GENERATION))


def _load_departments() -> None:
    departments = Department.objects.filter(is_active=True).select_related("region")
    _cache.departments = {d.pk: d for d in departments}
    _cache.territorial = {
        (d.region.path, d.kind): d
        for d in _cache.departments.values()
        if d.region_id and d.kind in TERRITORIAL_KINDS.values()
    }
    _cache.categories = {c.code: c for c in Category.objects.all()}
    _cache.category_names = {c.path: c.name for c in _cache.categories.values()}
    _cache.departments_loaded_at = time.monotonic()


def published() -> RuleSet:
    """The compiled rules in force, rebuilt only when a rule changed.

    A change saved in this process invalidates at once (signals); changes made by other
    processes are noticed by comparing a version read at most every RULES_CHECK_SECONDS.
    """
    now = time.monotonic()
    if _cache.ruleset is not None and now - _cache.checked_at < RULES_CHECK_SECONDS:
        return _cache.ruleset
    version = _rules_version()
    if _cache.ruleset is None or version != _cache.version:
        _cache.ruleset = build_published()
        _cache.version = version
        _load_departments()
    elif now - _cache.departments_loaded_at > DEPARTMENTS_REFRESH_SECONDS:
        _load_departments()
    _cache.checked_at = now
    return _cache.ruleset


def invalidate() -> None:
    """Forget the compiled rules and departments of this process."""
    _cache.ruleset = None
    _cache.version = ()


@receiver(post_save, sender=ResponsibilityRule)
@receiver(post_delete, sender=ResponsibilityRule)
@receiver(post_save, sender=Department)
@receiver(post_delete, sender=Department)
@receiver(post_save, sender=Category)
def _reference_changed(**kwargs) -> None:
    invalidate()


def category(code: str) -> Category | None:
    """A category by code from the cache."""
    if not _cache.categories:
        published()
    return _cache.categories.get(code)


def department(pk: int | None) -> Department | None:
    """An active department from the cache (load `published()` first)."""
    return _cache.departments.get(pk) if pk else None


def territorial_authority(region: Region | None, level: str) -> tuple[Department | None, str]:
    """The street office or district center governing the region, and a note when it falls
    back (a street-level rule on a case whose street is unknown goes to the district center)."""
    if region is None:
        return None, _("no region known for the territorial authority")
    paths = list(reversed(ancestor_paths(region.path)))
    kinds = [TERRITORIAL_KINDS[level]]
    if level == ResponsibilityRule.Territorial.STREET:
        kinds.append(Department.Kind.DISTRICT_CENTER)
    for kind in kinds:
        for path in paths:
            found = _cache.territorial.get((path, kind))
            if found:
                note = (
                    "" if kind == kinds[0] else _("street unknown, district center re-dispatches")
                )
                return found, note
    return None, _("no territorial authority governs %(region)s") % {"region": region.name}


def category_label(path: str) -> str:
    """'城乡建设/城市设施管理/公共设施' for a category path."""
    if not _cache.category_names:
        published()
    return "/".join(_cache.category_names.get(p, "?") for p in ancestor_paths(path))
