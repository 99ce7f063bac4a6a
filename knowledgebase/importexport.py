"""Import and export articles as JSON Lines (one article a line) or CSV with the same columns.

Keys: `id` (the source's own id, kept as `external_id`), `title`, `questions` (other phrasings),
`answer`, and optionally `category` (path of names, 一级/二级/三级, or a category code),
`department` (code), `regions` (region codes or names), `effective`, `review_by` (ISO dates).
Every line is checked before anything is written; one bad line stops the import and each bad
line is reported with its number. Articles are published at once (owner: the department named,
else the 12345 center). Importing the same file again changes nothing.
"""

import csv
import dataclasses
import datetime
import io
import json
from collections.abc import Iterable

from django.db import transaction

from cases.models import Category
from departments.models import Department, Region
from hotline.errors import InvalidInput
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
]
REQUIRED = ("id", "title", "answer")


@dataclasses.dataclass
class ImportResult:
    """How many articles an import created, changed and found unchanged."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0


class ImportFailed(InvalidInput):
    """One or more lines are bad: nothing was imported."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors[:20]))
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


def parse_row(row: dict, lookups: _Lookups) -> dict:
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
    department = row.get("department") or DEFAULT_DEPARTMENT
    fields["department"] = _lookup(lookups.departments, department, "department")
    fields["regions"] = [
        _lookup(lookups.regions, name, "region") for name in _as_list(row.get("regions"), "regions")
    ]
    return fields


def _lookup(table: dict, key, name: str):
    if key in (None, ""):
        return None
    found = table.get(str(key).strip().strip("/"))
    if found is None:
        raise ValueError(f"unknown {name} {key!r}")
    return found


def parse_file(handle, fmt: str) -> list[dict]:
    """Every row checked; ImportFailed lists each bad line with its number."""
    lookups, parsed, errors, seen = _Lookups(), [], [], {}
    for number, row in read_rows(handle, fmt):
        try:
            if isinstance(row, str):
                raise ValueError(row)
            fields = parse_row(row, lookups)
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


def import_articles(handle, *, fmt: str = "jsonl", actor=None) -> ImportResult:
    """Import a file: all or nothing; unchanged articles are left alone."""
    rows = parse_file(handle, fmt)
    result = ImportResult()
    with transaction.atomic():
        existing = Article.objects.prefetch_related("regions").in_bulk(
            [r["external_id"] for r in rows], field_name="external_id"
        )
        for fields in rows:
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


COMPARED = ("title", "questions", "answer", "effective_date", "review_by", "category", "department")


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
            "department": article.department.code,
            "regions": sorted(r.code for r in article.regions.all()),
            "effective": article.effective_date.isoformat() if article.effective_date else "",
            "review_by": article.review_by.isoformat() if article.review_by else "",
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
            writer.writerow(row)
        else:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count
