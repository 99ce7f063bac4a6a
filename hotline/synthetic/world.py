"""What the synthetic cases are drawn from: the city's reference data, texts and weights."""

import itertools
import json
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from cases.models import Category
from departments.models import Department, Region
from hotline.demo import SYNTHETIC_MESSAGES, data_path
from hotline.demo.cases.content import OTHER_PLACE, localise

CHANNELS = {"phone": 55, "wechat": 15, "web": 9, "app": 9, "sms": 3, "open311": 4,
            "email": 2, "transfer": 3}  # fmt: skip
TYPES = {"consultation": 35, "help": 20, "complaint": 25, "report": 8, "suggestion": 10,
         "praise": 2}  # fmt: skip
URGENCY = {"normal": 93, "urgent": 6, "extra_urgent": 1}
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 4, 8, 14, 18, 17, 14, 9, 12, 16, 16, 14, 11, 9, 8, 7, 5, 3, 2]
SATISFACTION = {"satisfied": 70, "basically_satisfied": 18, "unsatisfied": 12}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"


_CUMULATIVE: dict[int, tuple[list, list]] = {}


def pick(rng: random.Random, weights: dict):
    """One key of `weights`, drawn with those weights (cumulative sums computed once)."""
    if id(weights) not in _CUMULATIVE:
        _CUMULATIVE[id(weights)] = (list(weights), list(itertools.accumulate(weights.values())))
    keys, cumulative = _CUMULATIVE[id(weights)]
    return rng.choices(keys, cum_weights=cumulative)[0]


@dataclass
class World:
    """The reference data the generator draws from (read once)."""

    leaves: list
    leaf_weights: list
    communities: list
    community_weights: list
    street_office: dict
    functional: list
    transfer: list
    texts: list
    agent_id: int | None

    @classmethod
    def load(cls, rng: random.Random) -> "World":
        leaves = list(Category.objects.filter(level=3).values_list("pk", flat=True))
        communities = list(
            Region.objects.filter(level=Region.Level.COMMUNITY).values_list("pk", "parent_id")
        )
        offices = dict(
            Department.objects.filter(kind="street_office").values_list("region_id", "pk")
        )
        functional = list(Department.objects.filter(kind="functional").values_list("pk", flat=True))
        transfer = list(Department.objects.filter(kind="transfer").values_list("pk", flat=True))
        if not (leaves and communities and functional):
            raise RuntimeError("load the demo city first: python manage.py load_demo")
        agent = get_user_model().objects.filter(username="agent").values_list("pk", flat=True)
        rng.shuffle(leaves)
        rng.shuffle(communities)
        return cls(
            leaves, list(itertools.accumulate(1 / (i + 1) ** 0.8 for i in range(len(leaves)))),
            communities,
            list(itertools.accumulate(1 / (i + 1) ** 0.5 for i in range(len(communities)))),
            offices, functional, transfer, load_texts(), agent.first(),
        )  # fmt: skip


def load_texts() -> list[tuple[str, str]]:
    """(title, text) of the sampled messages, localised; other anonymised cities are left out."""
    texts = []
    with data_path(SYNTHETIC_MESSAGES).open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            title, text = localise(row.get("title", "")), localise(row.get("text") or "")
            if not OTHER_PLACE.search(title + text):
                texts.append((title[:200], text[:400]))
    return texts
