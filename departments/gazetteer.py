"""Territory from a free-text address: the smallest region the gazetteer knows, and how sure.

Every region is known by its official name, by its name without the administrative suffix
("坡子街街道" → "坡子街", "天心区" → "天心") and by the aliases stored on it. The address is
scanned left to right for the longest known name at each position; each name found is a
*mention* that may stand for several regions (there are many 新华社区). A region is supported
by every mention of itself or of one of its ancestors, so "天心区坡子街新华社区" settles on the one
新华社区 under 坡子街 in 天心区. When the best-supported regions still tie, the answer is their
common ancestor (when it is a district or below) with a low confidence and the candidates listed:
never a silent guess.

The index lives in memory per process and is rebuilt when the regions change (a version read
from the database at most every `REFRESH_SECONDS`, and at once after a save in this process).
"""

import time
from dataclasses import dataclass, field

from django.db.models import Count, Max
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core import generations
from core.tree import TREE_GENERATION
from departments.models import Department, Region

# Suffixes stripped to make the short form, longest first; the short form keeps 2+ characters.
SUFFIXES = ("街道办事处", "街道", "社区居委会", "居委会", "社区", "村委会", "地区", "新区",
            "自治县", "区", "县", "市", "镇", "乡", "村")  # fmt: skip
MIN_SHORT = 2
# Every field, in the model's order: `from_db` takes a full row in that order only.
REGION_FIELDS = [f.attname for f in Region._meta.concrete_fields]
MAX_CANDIDATES = 10
ROAD_CHARS = set("路街巷道")
ROAD_CONFIDENCE = 0.5
REFRESH_SECONDS = 60


@dataclass
class AddressMatch:
    """What an address says about territory: the region, how sure, and the alternatives."""

    region: Region | None
    confidence: float
    candidates: list[Region] = field(default_factory=list)
    candidate_count: int = 0
    mentions: list[str] = field(default_factory=list)

    @property
    def ambiguous(self) -> bool:
        return self.candidate_count > 1


@dataclass
class _Node:
    id: int
    path: str
    level: int
    row: tuple  # every field of the region, to hand out instances without a query

    def region(self) -> Region:
        return Region.from_db("default", REGION_FIELDS, self.row)


@dataclass
class _Index:
    version: tuple
    names: dict[str, list[int]]  # a name or short form → region ids
    full_names: set[str]
    nodes: dict[int, _Node]
    by_path: dict[str, _Node]
    longest: int
    home_path: str  # the center's territory: regions inside it win over namesakes elsewhere
    checked_at: float = 0.0


_index: _Index | None = None


def short_forms(name: str) -> list[str]:
    """The name without its administrative suffix, when at least two characters remain."""
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= MIN_SHORT:
            return [name[: -len(suffix)]]
    return []


def _version() -> tuple:
    """Regions added or removed (count, last id), or moved anywhere (the tree generation)."""
    stats = Region.objects.aggregate(n=Count("id"), last=Max("id"))
    return (stats["n"], stats["last"], generations.current(TREE_GENERATION))


def _home_path() -> str:
    center = Department.objects.filter(kind=Department.Kind.CENTER, region__isnull=False)
    return center.values_list("region__path", flat=True).first() or ""


def _build(version: tuple) -> _Index:
    names: dict[str, list[int]] = {}
    full: set[str] = set()
    nodes: dict[int, _Node] = {}
    rows = Region.objects.values_list(*REGION_FIELDS).iterator(5000)
    for row in rows:
        values = dict(zip(REGION_FIELDS, row, strict=True))
        pk, name, level, path = values["id"], values["name"], values["level"], values["path"]
        aliases = values["aliases"]
        nodes[pk] = _Node(pk, path, level, row)
        full.add(name)
        # Communities and villages are too often namesakes of roads ("和平路") to go short.
        shorts = short_forms(name) if level <= Region.Level.STREET else []
        for variant in {name, *shorts, *(aliases or [])}:
            names.setdefault(variant, []).append(pk)
    longest = max((len(n) for n in names), default=0)
    by_path = {node.path: node for node in nodes.values()}
    return _Index(version, names, full, nodes, by_path, longest, _home_path(), time.monotonic())


_tree_watch = generations.Watch(TREE_GENERATION)


def _current_index() -> _Index:
    global _index
    now = time.monotonic()
    moved = _tree_watch.changed()  # a move elsewhere: look now, not at the next refresh
    if _index is not None and now - _index.checked_at < REFRESH_SECONDS and not moved:
        return _index
    version = _version()
    if _index is None or _index.version != version:
        _index = _build(version)
    _index.checked_at = now
    return _index


def invalidate() -> None:
    """Forget the in-memory index (after a region changes)."""
    global _index
    _index = None


@receiver(post_save, sender=Region)
@receiver(post_delete, sender=Region)
@receiver(post_save, sender=Department)
def _region_changed(**kwargs) -> None:
    invalidate()


def _mentions(text: str, index: _Index) -> tuple[list[tuple[str, list[int]]], set[str]]:
    """Leftmost-longest scan: each known name found with the regions it names, and the short
    forms that are only the start of a road's name (火星路)."""
    found, roads, i = [], set(), 0
    while i < len(text):
        for length in range(min(index.longest, len(text) - i), MIN_SHORT - 1, -1):
            name = text[i : i + length]
            ids = index.names.get(name)
            if ids:
                found.append((name, ids))
                i += length
                if name not in index.full_names and text[i : i + 1] in ROAD_CHARS:
                    roads.add(name)
                break
        else:
            i += 1
    return found, roads


def _ancestor_paths(path: str) -> list[str]:
    parts = path.rstrip("/").split("/")
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def _support(node: _Node, mention_paths: list[set[str]]) -> int:
    """How many mentions name this region or one of its ancestors."""
    own = _ancestor_paths(node.path)
    return sum(1 for paths in mention_paths if any(p in paths for p in own))


def _best(mentions, index: _Index) -> list[_Node]:
    """The deepest regions most mentions agree on; of equals, those in the center's city."""
    pool = {pk: index.nodes[pk] for _name, ids in mentions for pk in ids}
    mention_paths = [{index.nodes[pk].path for pk in ids} for _name, ids in mentions]
    scored = [((_support(n, mention_paths), n.level), n) for n in pool.values()]
    top = max(score for score, _node in scored)
    best = [n for score, n in scored if score == top]
    at_home = [n for n in best if index.home_path and n.path.startswith(index.home_path)]
    return sorted(at_home or best, key=lambda n: n.path)


def _common_ancestor_path(nodes: list[_Node]) -> str:
    parts = [n.path.rstrip("/").split("/") for n in nodes]
    common = []
    for level in zip(*parts, strict=False):
        if len(set(level)) > 1:
            break
        common.append(level[0])
    return "/".join(common) + "/" if common else ""


def _confidence(node: _Node, mentions, roads: set[str], index: _Index) -> float:
    own = [name for name, ids in mentions if node.id in ids]
    support = _support(node, [{index.nodes[pk].path for pk in ids} for _n, ids in mentions])
    if all(name in roads for name in own):
        return ROAD_CONFIDENCE  # only a road named after the region: it is probably there
    base = 0.9 if any(name in index.full_names for name in own) else 0.75
    return round(min(0.99, base + 0.03 * (support - 1)), 2)


def resolve_address(text: str) -> AddressMatch:
    """The smallest known region an address names, with a confidence and any alternatives."""
    text = (text or "").strip()
    index = _current_index()
    mentions, roads = _mentions(text, index) if text else ([], set())
    if not mentions:
        return AddressMatch(region=None, confidence=0.0)
    best = _best(mentions, index)
    names = [name for name, _ids in mentions]
    if len(best) == 1:
        region = best[0].region()
        confidence = _confidence(best[0], mentions, roads, index)
        return AddressMatch(region, confidence, [region], 1, names)
    candidates = [node.region() for node in best[:MAX_CANDIDATES]]
    common = index.by_path.get(_common_ancestor_path(best))
    region = common.region() if common and common.level >= Region.Level.DISTRICT else None
    confidence = round(min(0.5, 1 / len(best)), 2)
    return AddressMatch(region, confidence, candidates, len(best), names)
