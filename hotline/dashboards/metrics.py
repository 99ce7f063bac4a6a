"""Every number the dashboards show, defined once. docs/metrics.md repeats these formulas.

The inputs are `Totals`: the sums of `hotline.models.DailyStat` over a period and a slice
(department, district, category, channel). Each measure is counted on the local day its event
happened, so a period [first, last] contains:

- `intake`: cases registered in the period; `consultations` those that are consultations,
  `answered_directly` those consultations the agent answered at once (status answered);
- `dispatched`: assignments dispatched in the period (main and co-handlers);
- `sign_due`: assignments whose sign-for deadline fell in the period (withdrawn ones excluded);
  `signed_on_time` those of them signed, or returned, by that deadline;
- `reply_due`: assignments whose reply deadline (after approved extensions) fell in the period,
  except those returned, withdrawn or re-dispatched; `replied_on_time` those replied by it;
- `replied`, `returned`: assignments replied / returned in the period;
- `extensions`: extension requests made in the period;
- callbacks in the period that reached the citizen: `rated_resolution` those that said whether
  the problem was resolved, `resolved` those that said yes, and the satisfaction answers
  `satisfied`, `basically_satisfied`, `unsatisfied`;
- `reopened`: reopen events in the period;
- `withdrawn`: assignments a supervisor took back (收回) in the period, apart from returns;
  `replies_sent_back`: replies the center's review (办结审核) sent back in the period.

A rate whose denominator is zero is None ("no data"), never 0 and never an error.
"""

from dataclasses import dataclass, field, fields

from django.conf import settings

MEASURES = (
    "intake",
    "consultations",
    "answered_directly",
    "dispatched",
    "sign_due",
    "signed_on_time",
    "reply_due",
    "replied_on_time",
    "replied",
    "returned",
    "extensions",
    "rated_resolution",
    "resolved",
    "satisfied",
    "basically_satisfied",
    "unsatisfied",
    "reopened",
    "withdrawn",
    "replies_sent_back",
)

DEFAULT_BASIC_SATISFACTION_WEIGHT = 0.8
DEFAULT_SCORE_WEIGHTS = {
    "response_rate": 0.15,
    "on_time_reply_rate": 0.25,
    "resolution_rate": 0.2,
    "satisfaction_rate": 0.25,
    "return_rate": 0.075,
    "reopen_rate": 0.075,
}
# Rates where less is better enter the score as (1 - rate).
LOWER_IS_BETTER = frozenset({"return_rate", "reopen_rate"})
LEAGUE_MARKED = 5
# Rows of a league table below this volume are listed apart, unranked (HOTLINE_LEAGUE_MIN_VOLUME).
DEFAULT_LEAGUE_MIN_VOLUME = 10


@dataclass
class Totals:
    """The summed measures of one slice of one period."""

    intake: int = 0
    consultations: int = 0
    answered_directly: int = 0
    dispatched: int = 0
    sign_due: int = 0
    signed_on_time: int = 0
    reply_due: int = 0
    replied_on_time: int = 0
    replied: int = 0
    returned: int = 0
    extensions: int = 0
    rated_resolution: int = 0
    resolved: int = 0
    satisfied: int = 0
    basically_satisfied: int = 0
    unsatisfied: int = 0
    reopened: int = 0
    withdrawn: int = 0
    replies_sent_back: int = 0

    @classmethod
    def from_row(cls, row: dict) -> "Totals":
        return cls(**{f.name: row.get(f.name) or 0 for f in fields(cls)})

    @property
    def rated_satisfaction(self) -> int:
        """Callbacks that reached the citizen and gave a satisfaction answer."""
        return self.satisfied + self.basically_satisfied + self.unsatisfied

    def __add__(self, other: "Totals") -> "Totals":
        return Totals(**{f.name: getattr(self, f.name) + getattr(other, f.name)
                         for f in fields(self)})  # fmt: skip


@dataclass(frozen=True)
class Weights:
    """The configurable weights: of "basically satisfied", and of each rate in the score."""

    basic_satisfaction: float = DEFAULT_BASIC_SATISFACTION_WEIGHT
    score: dict = field(default_factory=lambda: dict(DEFAULT_SCORE_WEIGHTS))

    @classmethod
    def from_settings(cls) -> "Weights":
        """HOTLINE_BASIC_SATISFACTION_WEIGHT and HOTLINE_SCORE_WEIGHTS, else the defaults."""
        score = dict(DEFAULT_SCORE_WEIGHTS)
        score.update(getattr(settings, "HOTLINE_SCORE_WEIGHTS", {}))
        basic = getattr(
            settings, "HOTLINE_BASIC_SATISFACTION_WEIGHT", DEFAULT_BASIC_SATISFACTION_WEIGHT
        )
        return cls(basic_satisfaction=float(basic), score=score)


def ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator, or None when the denominator is zero."""
    return numerator / denominator if denominator else None


def response_rate(t: Totals) -> float | None:
    """响应率 = signed_on_time / sign_due."""
    return ratio(t.signed_on_time, t.sign_due)


def on_time_reply_rate(t: Totals) -> float | None:
    """按时办结率 = replied_on_time / reply_due."""
    return ratio(t.replied_on_time, t.reply_due)


def resolution_rate(t: Totals) -> float | None:
    """解决率 = resolved / rated_resolution (callbacks that reached the citizen and rated it)."""
    return ratio(t.resolved, t.rated_resolution)


def satisfaction_rate(t: Totals, basic_weight: float = DEFAULT_BASIC_SATISFACTION_WEIGHT):
    """满意率 = (satisfied + w × basically_satisfied) / (satisfied + basically + unsatisfied)."""
    rated = t.satisfied + t.basically_satisfied + t.unsatisfied
    return ratio(t.satisfied + basic_weight * t.basically_satisfied, rated)


def return_rate(t: Totals) -> float | None:
    """退单率 = returned / dispatched."""
    return ratio(t.returned, t.dispatched)


def reopen_rate(t: Totals) -> float | None:
    """重办率 = reopened / replied."""
    return ratio(t.reopened, t.replied)


def first_contact_resolution_rate(t: Totals) -> float | None:
    """一次办结率 = answered_directly / consultations (consultations registered in the period
    that the agent answered at once, without dispatching)."""
    return ratio(t.answered_directly, t.consultations)


# What each rate divides: (numerator measures, denominator measure). The satisfaction
# numerator is satisfied + w × basically_satisfied, so it names both measures.
RATE_PARTS = {
    "response_rate": (("signed_on_time",), "sign_due"),
    "on_time_reply_rate": (("replied_on_time",), "reply_due"),
    "resolution_rate": (("resolved",), "rated_resolution"),
    "satisfaction_rate": (("satisfied", "basically_satisfied"), "rated_satisfaction"),
    "return_rate": (("returned",), "dispatched"),
    "reopen_rate": (("reopened",), "replied"),
    "first_contact_resolution_rate": (("answered_directly",), "consultations"),
}


def league_min_volume() -> int:
    """HOTLINE_LEAGUE_MIN_VOLUME, else 10."""
    return int(getattr(settings, "HOTLINE_LEAGUE_MIN_VOLUME", DEFAULT_LEAGUE_MIN_VOLUME))


def league_volume(t: Totals, by: str) -> int:
    """The volume a league row must reach to be ranked: assignments dispatched to a department,
    cases registered in a district."""
    return t.dispatched if by == "department" else t.intake


def rates(t: Totals, weights: Weights) -> dict[str, float | None]:
    """Every rate of one slice, by name."""
    return {
        "response_rate": response_rate(t),
        "on_time_reply_rate": on_time_reply_rate(t),
        "resolution_rate": resolution_rate(t),
        "satisfaction_rate": satisfaction_rate(t, weights.basic_satisfaction),
        "return_rate": return_rate(t),
        "reopen_rate": reopen_rate(t),
    }


def overall_score(slice_rates: dict[str, float | None], weights: Weights) -> float | None:
    """综合得分 = 100 × Σ wᵢ·sᵢ / Σ wᵢ over the rates with data.

    sᵢ is the rate, or (1 − rate) for the return and reopen rates. Rates without data drop out
    with their weight, so a department is not punished for what did not happen; with no rate
    at all the score is None.
    """
    total = weighted = 0.0
    for name, weight in weights.score.items():
        value = slice_rates.get(name)
        if value is None or not weight:
            continue
        weighted += weight * ((1 - value) if name in LOWER_IS_BETTER else value)
        total += weight
    return round(100 * weighted / total, 2) if total else None


def change_rate(current: int, previous: int) -> float | None:
    """环比 = (current − previous) / previous; None when the previous period had nothing."""
    return ratio(current - previous, previous)


def league_marks(scores: list[float | None]) -> list[str]:
    """'top' / 'bottom' / '' for each row of a league table already sorted by score (desc).

    Only rows with a score are ranked; the first five are top, the last five bottom, and with
    fewer than ten ranked rows the two halves never overlap.
    """
    ranked = [i for i, s in enumerate(scores) if s is not None]
    marked = min(LEAGUE_MARKED, len(ranked) // 2)
    marks = [""] * len(scores)
    for i in ranked[:marked]:
        marks[i] = "top"
    for i in ranked[len(ranked) - marked :]:
        marks[i] = "bottom"
    return marks
