"""Time the knowledge search: median, 90th percentile and worst per question, over the loaded
articles, with the index already built (it is built once per process and per change)."""

import json
import statistics
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from knowledgebase import index as kb_index
from knowledgebase.search import search_articles


class Command(BaseCommand):
    help = "Time search_articles on the questions of a JSON lines file (or on built-in ones)."

    def add_arguments(self, parser):
        parser.add_argument("questions", type=Path, nargs="?", help='lines of {"question": …}')
        parser.add_argument("--count", type=int, default=300, help="questions asked")
        parser.add_argument("--rounds", type=int, default=1, help="times each is asked")

    def handle(self, *args, questions: Path | None, count: int, rounds: int, **options):
        asked = self._questions(questions)[:count]
        started = time.perf_counter()
        index = kb_index.get_index()
        built = time.perf_counter() - started
        search_articles(asked[0])  # jieba's dictionary loads on the first question
        times = []
        for _round in range(rounds):
            for question in asked:
                started = time.perf_counter()
                search_articles(question, limit=5)
                times.append(1000 * (time.perf_counter() - started))
        times.sort()
        self.stdout.write(
            f"{connection.vendor}: {len(index.ids)} articles (index built in {built:.1f} s), "
            f"{len(times)} searches: p50 {statistics.median(times):.2f} ms, "
            f"p90 {times[int(0.9 * (len(times) - 1))]:.2f} ms, worst {times[-1]:.2f} ms"
        )

    def _questions(self, path: Path | None) -> list[str]:
        if path is None:
            return ["社保卡丢了怎么补办", "夜间施工噪音扰民", "路灯不亮", "公积金提取条件"]
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
            found = [str(json.loads(line)["question"]) for line in lines if line.strip()]
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise CommandError(f"cannot read questions from {path}: {error}") from None
        if not found:
            raise CommandError(f"{path} holds no questions")
        return found
