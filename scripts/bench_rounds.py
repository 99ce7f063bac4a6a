"""`bench_workbench` on several databases in rounds, and the table of docs/performance.md.

One run of `bench_workbench` on a shared machine moves by tens of per cent from one minute to
the next, on every database alike; a ratio of two runs taken minutes apart says little. This
runs the databases one after the other in each round, several rounds, and prints for each
page the median over the rounds of its median on each database, the request/SQL ratio on the
last database, and the last over the first (with the lowest and highest ratio of one round).

    DEBUG=1 HOTLINE_API_TOKEN_CACHE_SECONDS=30 .venv/bin/python scripts/bench_rounds.py \
        --rounds 4 --runs 11 \
        20k=postgres://postgres@127.0.0.1:5432/hotline_bench_20k \
        1m=postgres://postgres@127.0.0.1:5432/hotline_bench_1m
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROW = re.compile(r"^(\S+)\s+(\S+)\s+([\d.]+)\s+([\d.]+)\s+(\d+)\s+([\d.]+)\s+\S+×$")


def run_once(url: str, runs: int) -> dict[tuple[str, str], tuple[float, int, float]]:
    """(who, what) → (median ms, queries, SQL ms) of one `bench_workbench` run."""
    done = subprocess.run(
        [sys.executable, "manage.py", "bench_workbench", "--runs", str(runs)],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": url}, capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode:  # a database that is not there or not filled: say what bench said
        last = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        sys.exit(f"bench_workbench failed on {url}: {last}")
    output = done.stdout
    rows = {}
    for line in output.splitlines():
        match = ROW.match(line.strip())
        if match:
            who, what, median, _worst, queries, sql = match.groups()
            # the same page on every database: a cursor and a case number differ between them
            what = re.sub(r"after=[^&]+", "after=…", what)
            what = re.sub(r"/cases/\d{13}/", "/cases/<number>/", what)
            rows[(who, what)] = (float(median), int(queries), float(sql))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("databases", nargs="+", help="name=DATABASE_URL, the first is the base")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--runs", type=int, default=11, help="requests per page and run")
    args = parser.parse_args()
    databases = [item.split("=", 1) for item in args.databases]
    if any(len(item) != 2 for item in databases) or len(databases) < 2:
        parser.error("give at least two databases as name=DATABASE_URL")
    results: dict = {}  # (who, what) → name → [(median, queries, sql) per round]
    for number in range(1, args.rounds + 1):
        for name, url in databases:
            print(f"round {number}: {name}", file=sys.stderr)
            for key, row in run_once(url, args.runs).items():
                results.setdefault(key, {}).setdefault(name, []).append(row)
    first, last = databases[0][0], databases[-1][0]
    names = [name for name, _ in databases]
    print("| who | what | " + " | ".join(names) + f" | q | SQL {last} | request/SQL "
          f"| {last}/{first} (lowest–highest round) |")  # fmt: skip
    print("|---" * (len(names) + 6) + "|")
    for (who, what), by_name in results.items():
        if not all(name in by_name for name in names):
            continue
        medians = [statistics.median(r[0] for r in by_name[name]) for name in names]
        rounds = by_name[last]
        sql = statistics.median(r[2] for r in rounds)
        ratio = statistics.median(r[0] / r[2] for r in rounds if r[2]) if sql else 0.0
        pairs = [a[0] / b[0] for a, b in zip(by_name[last], by_name[first], strict=False)]
        cells = " | ".join(f"{m:.1f}" for m in medians)
        spread = f"{medians[-1] / medians[0]:.2f}× ({min(pairs):.2f}–{max(pairs):.2f})"
        queries = rounds[0][1]
        print(f"| {who} | {what} | {cells} | {queries} | {sql:.1f} | {ratio:.1f}× | {spread} |")


if __name__ == "__main__":
    main()
