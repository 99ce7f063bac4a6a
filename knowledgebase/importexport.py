"""Import and export articles as JSON Lines (one article a line) or CSV with the same columns.

Keys: `id` (the source's own id, kept as `external_id`), `title`, `questions` (other phrasings),
`answer`, and optionally `category` (path of names, 一级/二级/三级, or a category code),
`department` (code), `regions` (region codes or names), `effective`, `review_by` (ISO dates),
`kind` (service_guide, law, hot_question), `keywords`, `source` (own, demo, imported; the
import's default when missing) and `issuing_unit`.
Every line is checked before anything is written; one bad line stops the import and each bad
line is reported with its number. Articles are published at once (owner: the department named,
else the 12345 center). Imported articles (public data sets: `source` imported) have no owner:
they keep their issuing unit, named in the row or read from the title, and only the regions
the row names. Importing the same file again changes nothing.
"""

import csv
import dataclasses
import datetime
import io
import json
import re
from collections.abc import Iterable

from django.db import transaction

from cases.models import Category
from core.errors import InvalidInput
from core.progress import progress
from core.text import join_clauses
from departments.models import Department, Region
from knowledgebase import services
from knowledgebase.models import Article

DEFAULT_DEPARTMENT = "center"
COLUMNS = [
    "id",
    "title",
    "questions",
    "answer",
    "category",
    "department",
    "regions",
    "effective",
    "review_by",
    "kind",
    "keywords",
    "source",
    "issuing_unit",
]
REQUIRED = ("id", "title", "answer")
ISSUING_UNIT_MAX = 128
UNKNOWN_ISSUER = "来源：公开政策问答数据集"
# Short names a public Q&A title starts with ("北京对…", "西藏对…") and the region they mean.
PROVINCES = {
    "北京": "北京市", "天津": "天津市", "上海": "上海市", "重庆": "重庆市",
    "河北": "河北省", "山西": "山西省", "辽宁": "辽宁省", "吉林": "吉林省", "黑龙江": "黑龙江省",
    "江苏": "江苏省", "浙江": "浙江省", "安徽": "安徽省", "福建": "福建省", "江西": "江西省",
    "山东": "山东省", "河南": "河南省", "湖北": "湖北省", "湖南": "湖南省", "广东": "广东省",
    "海南": "海南省", "四川": "四川省", "贵州": "贵州省", "云南": "云南省", "陕西": "陕西省",
    "甘肃": "甘肃省", "青海": "青海省", "台湾": "台湾省", "内蒙古": "内蒙古自治区",
    "广西": "广西壮族自治区", "西藏": "西藏自治区", "宁夏": "宁夏回族自治区",
    "新疆": "新疆维吾尔自治区", "香港": "香港特别行政区", "澳门": "澳门特别行政区",
}  # fmt: skip
# National issuers a title starts with, longest first where one is a prefix of another.
NATIONAL_UNITS = (
    "国务院联防联控机制", "国务院", "国家税务总局", "税务总局", "财政部", "商务部", "教育部",
    "公安部", "民政部", "司法部", "交通运输部", "农业农村部", "工业和信息化部", "工信部",
    "人力资源和社会保障部", "人力资源社会保障部", "住房和城乡建设部", "生态环境部",
    "文化和旅游部", "国家卫生健康委", "国家卫健委", "国家医保局", "国家发展改革委",
    "国家发改委", "发改委", "海关总署", "市场监管总局", "国家市场监督管理总局", "国家邮政局",
    "中国人民银行", "人民银行", "银保监会", "证监会", "国家移民管理局", "应急管理部",
)  # fmt: skip
# A city, district or town a title starts with ("内江市…", "北京丰台区…"), unless the characters
# before the suffix show it is not a name ("为满足市…", "目前江西省…", "中风险地区…").
_PLACE = re.compile(r"^([\u4e00-\u9fff]{2,4}?(?:市|县|区|镇))")
_NOT_IN_NAMES = set(
    "对为在何哪有的期目前保障申报按照截至承担进入办理除针返回想启动预计入驻地全各本城社景疫跨从省自风险点务"
)


@dataclasses.dataclass
class ImportResult:
    """How many articles an import created, changed and found unchanged."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0


class ImportFailed(InvalidInput):
    """One or more lines are bad: nothing was imported."""

    def __init__(self, errors: list[str]):
        super().__init__(join_clauses(errors[:20]))
        self.errors = errors


class _Lookups:
    """Categories, departments and regions loaded once per import."""

    def __init__(self):
        categories = list(Category.objects.select_related("parent__parent"))
        self.categories = {c.code: c for c in categories}
        self.categories.update({category_path(c): c for c in categories})
        self.departments = {d.code: d for d in Department.objects.all()}
        regions = list(Region.objects.all())
        self.regions = {r.code: r for r in regions}
        names: dict[str, list[Region]] = {}
        for region in regions:
            names.setdefault(region.name, []).append(region)
        self.regions.update({name: rs[0] for name, rs in names.items() if len(rs) == 1})


def category_path(category: Category | None) -> str:
    """A category as the path of its names, 一级/二级/三级."""
    names = []
    while category is not None:
        names.insert(0, category.name)
        category = category.parent
    return "/".join(names)


def read_rows(handle: io.TextIOBase, fmt: str) -> Iterable[tuple[int, dict | str]]:
    """(line number, row) pairs; a row is a dict, or an error text for unreadable lines."""
    if fmt == "csv":
        reader = csv.DictReader(handle)
        for row in reader:
            yield reader.line_num, {k: v for k, v in row.items() if k is not None}
        return
    for number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            yield number, f"not valid JSON ({error.msg})"
            continue
        yield number, row if isinstance(row, dict) else "not a JSON object"


def _as_list(value, name: str) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        if value.lstrip().startswith("["):
            value = json.loads(value)
        else:
            return [part.strip() for part in value.split("|") if part.strip()]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{name} must be a list of texts")
    return value


def _as_date(value, name: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{name} {value!r} is not a date (YYYY-MM-DD)") from None


def issuing_unit_of(title: str) -> str:
    """The unit a public policy Q&A names at the start of its title, else the data set."""
    title = title.strip()
    for unit in NATIONAL_UNITS:
        if title.startswith(unit):
            return unit
    place = _PLACE.match(title)
    if place and not _NOT_IN_NAMES & set(place.group(1)[:-1]):
        return place.group(1)
    for short, name in PROVINCES.items():
        if title.startswith(short):
            return name
    return UNKNOWN_ISSUER


def _choice(value, choices, name: str, default: str) -> str:
    value = str(value or "").strip() or default
    if value not in choices.values:
        raise ValueError(f"{name} {value!r} is not one of {', '.join(choices.values)}")
    return value


def parse_row(row: dict, lookups: _Lookups, source: str = Article.Source.OWN) -> dict:
    """One row to article fields, or ValueError naming what is wrong."""
    missing = [key for key in REQUIRED if not str(row.get(key) or "").strip()]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    title = str(row["title"]).strip()
    if len(title) > services.TITLE_MAX:
        raise ValueError(f"title longer than {services.TITLE_MAX} characters")
    fields = {
        "external_id": str(row["id"]).strip()[:64],
        "title": title,
        "questions": _as_list(row.get("questions"), "questions"),
        "answer": str(row["answer"]).strip(),
        "effective_date": _as_date(row.get("effective"), "effective"),
        "review_by": _as_date(row.get("review_by"), "review_by"),
    }
    effective, review_by = fields["effective_date"], fields["review_by"]
    if effective and review_by and review_by < effective:
        raise ValueError("review_by comes before effective")
    fields["category"] = _lookup(lookups.categories, row.get("category"), "category")
    fields["kind"] = _choice(row.get("kind"), Article.Kind, "kind", Article.Kind.HOT_QUESTION)
    fields["keywords"] = _as_list(row.get("keywords"), "keywords")
    fields["source"] = _choice(row.get("source"), Article.Source, "source", source)
    fields["issuing_unit"] = str(row.get("issuing_unit") or "").strip()
    if len(fields["issuing_unit"]) > ISSUING_UNIT_MAX:
        raise ValueError(f"issuing_unit longer than {ISSUING_UNIT_MAX} characters")
    fields["regions"] = [
        _lookup(lookups.regions, name, "region") for name in _as_list(row.get("regions"), "regions")
    ]
    if fields["source"] == Article.Source.IMPORTED:
        # Someone else's answer: never the hotline's own, and only where it says it applies.
        if row.get("department"):
            raise ValueError("an imported article has no owning department (give issuing_unit)")
        fields["department"] = None
        if not fields["issuing_unit"]:
            fields["issuing_unit"] = issuing_unit_of(title)
            place = lookups.regions.get(fields["issuing_unit"])
            if place is not None and not fields["regions"]:
                fields["regions"] = [place]
        return fields
    department = row.get("department") or DEFAULT_DEPARTMENT
    fields["department"] = _lookup(lookups.departments, department, "department")
    return fields


def _lookup(table: dict, key, name: str):
    if key in (None, ""):
        return None
    found = table.get(str(key).strip().strip("/"))
    if found is None:
        raise ValueError(f"unknown {name} {key!r}")
    return found


def parse_file(handle, fmt: str, source: str = Article.Source.OWN) -> list[dict]:
    """Every row checked; ImportFailed lists each bad line with its number."""
    lookups, parsed, errors, seen = _Lookups(), [], [], {}
    for number, row in read_rows(handle, fmt):
        try:
            if isinstance(row, str):
                raise ValueError(row)
            fields = parse_row(row, lookups, source)
            if fields["external_id"] in seen:
                raise ValueError(
                    f"id {fields['external_id']!r} repeats line {seen[fields['external_id']]}"
                )
            seen[fields["external_id"]] = number
            parsed.append(fields)
        except (ValueError, json.JSONDecodeError) as error:
            errors.append(f"line {number}: {error}")
    if errors:
        raise ImportFailed(errors)
    return parsed


def import_articles(
    handle, *, fmt: str = "jsonl", actor=None, source: str = Article.Source.OWN
) -> ImportResult:
    """Import a file: all or nothing; unchanged articles are left alone. `source` is what the
    rows that do not say are: own (the default), demo, or imported (a public data set)."""
    rows = parse_file(handle, fmt, source)
    result = ImportResult()
    with transaction.atomic():
        existing = Article.objects.prefetch_related("regions").in_bulk(
            [r["external_id"] for r in rows], field_name="external_id"
        )
        for fields in progress(rows, desc="Articles", unit="article"):
            article = existing.get(fields["external_id"])
            if article is None:
                _create(fields, actor)
                result.created += 1
            elif _differs(article, fields):
                _update(article, fields, actor)
                result.updated += 1
            else:
                result.unchanged += 1
    return result


COMPARED = (
    "title",
    "questions",
    "answer",
    "effective_date",
    "review_by",
    "category",
    "department",
    "kind",
    "keywords",
    "source",
    "issuing_unit",
)


def _differs(article: Article, fields: dict) -> bool:
    if article.status != Article.Status.PUBLISHED:
        return True
    if any(getattr(article, name) != fields[name] for name in COMPARED):
        return True
    return {r.pk for r in article.regions.all()} != {r.pk for r in fields["regions"]}


def _create(fields: dict, actor) -> Article:
    regions = fields.pop("regions")
    article = Article(**fields, created_by=actor)
    article.save()
    article.regions.set(regions)
    return services._publish(article, actor=actor)


def _update(article: Article, fields: dict, actor) -> Article:
    regions = fields.pop("regions")
    for name, value in fields.items():
        setattr(article, name, value)
    article.regions.set(regions)
    return services._publish(article, actor=actor)


def export_rows(articles: Iterable[Article]) -> Iterable[dict]:
    """Each article as an import row (its live content, ids kept)."""
    for article in articles:
        yield {
            "id": article.external_id or f"kb-{article.pk}",
            "title": article.title,
            "questions": list(article.questions),
            "answer": article.answer,
            "category": category_path(article.category) if article.category else "",
            "department": article.department.code if article.department_id else "",
            "regions": sorted(r.code for r in article.regions.all()),
            "effective": article.effective_date.isoformat() if article.effective_date else "",
            "review_by": article.review_by.isoformat() if article.review_by else "",
            "kind": article.kind,
            "keywords": list(article.keywords),
            "source": article.source,
            "issuing_unit": article.issuing_unit,
        }


def exportable_articles():
    """The articles an export writes: every one that is not archived."""
    return (
        Article.objects.exclude(status=Article.Status.ARCHIVED)
        .select_related("department", "category__parent__parent")
        .prefetch_related("regions")
        .order_by("pk")
    )


def write_export(handle, *, fmt: str = "jsonl") -> int:
    """Write every exportable article; the number written."""
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
    for row in export_rows(exportable_articles()):
        if fmt == "csv":
            row = {**row, "questions": json.dumps(row["questions"], ensure_ascii=False)}
            row["regions"] = json.dumps(row["regions"])
            row["keywords"] = json.dumps(row["keywords"], ensure_ascii=False)
            writer.writerow(row)
        else:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count
