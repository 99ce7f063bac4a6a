"""Import and export: bad lines named, nothing half-imported, idempotent, round trips."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from knowledgebase.importexport import ImportFailed, import_articles, write_export
from knowledgebase.models import Article, ArticleVersion

GOOD = [
    {
        "id": "a1",
        "title": "社会保障卡补办流程",
        "questions": ["社保卡丢了"],
        "answer": "到网点补办。",
    },
    {
        "id": "a2",
        "title": "失业保险金申领",
        "questions": [],
        "answer": "线上申领。",
        "department": "sub-12333",
        "regions": ["430104"],
        "effective": "2024-01-01",
        "review_by": "2030-01-01",
    },
]


def jsonl(rows) -> io.StringIO:
    return io.StringIO("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))


def test_import_publishes_under_the_default_department(db):
    result = import_articles(jsonl(GOOD))
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    a1 = Article.objects.get(external_id="a1")
    assert (a1.department.code, a1.status, a1.version) == ("center", "published", 1)
    a2 = Article.objects.get(external_id="a2")
    assert a2.department.code == "sub-12333"
    assert [r.code for r in a2.regions.all()] == ["430104"]
    assert ArticleVersion.objects.filter(article__external_id__in=["a1", "a2"]).count() == 2


def test_importing_twice_changes_nothing(db):
    import_articles(jsonl(GOOD))
    before = list(Article.objects.values_list("pk", "version", "updated_at"))
    result = import_articles(jsonl(GOOD))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert list(Article.objects.values_list("pk", "version", "updated_at")) == before


def test_a_changed_line_publishes_a_new_version(db):
    import_articles(jsonl(GOOD))
    changed = [GOOD[0] | {"answer": "线上补办。"}, GOOD[1]]
    result = import_articles(jsonl(changed))
    assert (result.updated, result.unchanged) == (1, 1)
    assert Article.objects.get(external_id="a1").version == 2


def test_bad_lines_are_reported_with_their_numbers_and_nothing_is_imported(db):
    text = (
        json.dumps(GOOD[0], ensure_ascii=False)
        + "\n{not json\n"
        + json.dumps({"id": "b", "title": "t"})
        + "\n"
        + json.dumps(GOOD[1] | {"id": "c", "department": "nowhere", "review_by": "soon"})
        + "\n"
    )
    with pytest.raises(ImportFailed) as failure:
        import_articles(io.StringIO(text))
    errors = failure.value.errors
    assert errors[0].startswith("line 2: not valid JSON")
    assert errors[1] == "line 3: missing answer"
    assert errors[2].startswith("line 4: ") and "review_by" in errors[2]
    assert not Article.objects.filter(external_id="a1").exists()


def test_the_command_reports_bad_lines(db, tmp_path, capsys):
    path = tmp_path / "bad.jsonl"
    path.write_text(
        json.dumps({"id": "x", "title": "t", "answer": "a", "category": "无/此/类"}) + "\n"
    )
    with pytest.raises(CommandError, match="1 bad line"):
        call_command("import_kb", str(path))
    assert "line 1: unknown category" in capsys.readouterr().err
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_kb", str(tmp_path / "missing.jsonl"))


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_export_round_trip(db, fmt):
    import_articles(jsonl(GOOD))
    out = io.StringIO()
    assert write_export(out, fmt=fmt) == Article.objects.count()
    result = import_articles(io.StringIO(out.getvalue()), fmt=fmt)
    assert (result.created, result.updated) == (0, 0)
    if fmt == "jsonl":
        rows = [json.loads(line) for line in out.getvalue().splitlines()]
        assert rows[-1] == GOOD[1] | {
            "category": "",
            "kind": "hot_question",
            "keywords": [],
            "source": "own",
            "issuing_unit": "",
        }


def test_commands_round_trip_a_csv_file(db, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in GOOD))
    call_command("import_kb", str(source))
    call_command("export_kb", str(tmp_path / "out.csv"))
    out = io.StringIO()
    call_command("import_kb", str(tmp_path / "out.csv"), stdout=out)
    assert "0 created, 0 updated, 2 unchanged" in out.getvalue()


def test_the_bad_lines_are_joined_as_the_language_joins_clauses():
    from django.utils import translation

    with translation.override("zh-hans"):
        assert ImportFailed(["第2行", "第3行"]).message == "第2行；第3行"
    with translation.override("en"):
        assert ImportFailed(["line 2", "line 3"]).message == "line 2; line 3"
