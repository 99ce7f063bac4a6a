"""Cut the demo city's data (hotline/demo/data) out of the full public data set.

    .venv/bin/python scripts/cut_demo_data.py SOURCE [--out hotline/demo/data]

SOURCE is the folder of the full data (regions/, categories/, holidays/, messages/, as
described in its README.md). Lines are copied as they are, never rewritten; only which lines
are kept is decided here. Run it again after the source changes, then check `git diff --stat`
and update the row counts in hotline/demo/data/README.md. Nothing reads this at run time.
"""

import argparse
import csv
import importlib.util
import json
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CITY = "4301"  # Changsha's cityCode in the regions files (official code 430100)
PROVINCE = "43"  # 湖南省
CASE_MESSAGES = 400  # the demo builds 290 cases from distinct messages; the rest is margin
SYNTHETIC_EVERY = 8  # every 8th message with votes: 541 texts for generate_cases


def _content_module():
    """hotline/demo/cases/content.py by path, so the city filter is the demo's own.

    Loaded by path because the package `hotline.demo.cases` needs a configured Django; this
    module needs none.
    """
    sys.path.insert(0, str(REPO))
    spec = importlib.util.spec_from_file_location(
        "demo_content", REPO / "hotline" / "demo" / "cases" / "content.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def copy_lines(source: Path, target: Path, keep) -> int:
    """The header and the lines for which keep(parsed row) is true; returns the rows kept."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with source.open(encoding="utf-8") as src, target.open("w", encoding="utf-8") as out:
        header = next(src)
        out.write(header)
        names = next(csv.reader([header]))
        kept = 0
        for line in src:
            row = dict(zip(names, next(csv.reader([line])), strict=True))
            if keep(row):
                out.write(line)
                kept += 1
    return kept


def copy_jsonl(source: Path, target: Path, keep, limit: int | None = None) -> int:
    """The JSON lines for which keep(number, row) is true, in order, up to `limit`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    kept = 0
    with source.open(encoding="utf-8") as src, target.open("w", encoding="utf-8") as out:
        for number, line in enumerate(src):
            if keep(number, json.loads(line)):
                out.write(line)
                kept += 1
                if kept == limit:
                    break
    return kept


def cut(source: Path, out: Path) -> dict[str, int]:
    """Write every demo file under `out`; returns the rows written per file."""
    about_the_city = _content_module().about_the_city
    rows = {
        "regions/provinces.csv": copy_lines(
            source / "regions/provinces.csv", out / "regions/provinces.csv",
            lambda r: r["code"] == PROVINCE,
        ),
        "regions/cities.csv": copy_lines(
            source / "regions/cities.csv", out / "regions/cities.csv",
            lambda r: r["code"] == CITY,
        ),
        "regions/areas.csv": copy_lines(
            source / "regions/areas.csv", out / "regions/areas.csv",
            lambda r: r["cityCode"] == CITY,
        ),
        "regions/streets.csv": copy_lines(
            source / "regions/streets.csv", out / "regions/streets.csv",
            lambda r: r["cityCode"] == CITY,
        ),
        "messages/messages_with_replies_city.jsonl": copy_jsonl(
            source / "messages/messages_with_replies.jsonl",
            out / "messages/messages_with_replies_city.jsonl",
            lambda _n, row: about_the_city(row),
            limit=CASE_MESSAGES,
        ),
        "messages/messages_with_votes_sample.jsonl": copy_jsonl(
            source / "messages/messages_with_votes.jsonl",
            out / "messages/messages_with_votes_sample.jsonl",
            lambda n, _row: n % SYNTHETIC_EVERY == 0,
        ),
    }  # fmt: skip
    for whole in (
        "categories/db44t2479-2024.csv",
        "holidays/holidays_cn_2007_2026.csv",
        "messages/labelled_dev.jsonl",
    ):
        (out / whole).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / whole, out / whole)
        rows[whole] = count_rows(out / whole)
    return rows


def count_rows(path: Path) -> int:
    with path.open(encoding="utf-8") as handle:
        if path.suffix == ".csv":
            return sum(1 for _ in csv.DictReader(handle))
        return sum(1 for line in handle if line.strip())


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="folder of the full public data")
    parser.add_argument("--out", type=Path, default=REPO / "hotline" / "demo" / "data")
    args = parser.parse_args(argv)
    if not (args.source / "regions" / "streets.csv").is_file():
        parser.error(f"{args.source} does not hold regions/streets.csv")
    for name, count in cut(args.source, args.out).items():
        print(f"{count:6d}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
