"""Who should handle a case: responsibility rules first, then where similar cases went.

`suggest(case_or_fields)` takes a Case or a dict of its fields (title, content, category,
request_type, address, region) and returns ranked `Suggestion`s, each with its reasons in words
(`reasons`, a list; `reason` joins them with the language's clause separator, "；" in Chinese):

    规则“路灯→街道”匹配了天心区的分类 城乡建设/城市设施管理/公共设施；属地：坡子街街道办事处

Missing facts are filled in the way an agent would: the region from the address (the
gazetteer), the category from the text (the learned classifier), each saying so in the reason.
"""

from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.choices import LEFT_ASSIGNMENT_STATUSES, AssignmentRole, Status
from cases.models import Assignment, Case, Category
from cases.routing import ruleset as rules
from cases.routing import synonyms
from cases.routing.classifier import suggest_categories
from cases.routing.ruleset import CompiledRule, Facts, RuleSet
from core.text import join_clauses
from departments.gazetteer import resolve_address
from departments.models import Department, Region

HISTORY_MIN_CASES = 3
MIN_GUESS = 0.3  # a weaker category guess is shown, not routed on
TERRITORIAL_KIND_LEVEL = {
    Department.Kind.STREET_OFFICE: "street",
    Department.Kind.DISTRICT_CENTER: "district",
}


@dataclass
class Suggestion:
    """One department that could handle the case, how strongly, and why."""

    department: Department
    score: float
    reasons: list[str]
    rule: CompiledRule | None = None
    source: str = "rule"  # "rule" or "history"

    @property
    def reason(self) -> str:
        """The reasons as one line: "a; b" in English, "a；b" in Chinese."""
        return join_clauses(self.reasons)

    @property
    def rule_id(self) -> int | None:
        return self.rule.id if self.rule else None


def _lookup(model, value, *, by: str):
    """A model instance as given, by primary key (int) or by code (str)."""
    if not value:
        return None
    if isinstance(value, model):
        return value
    if isinstance(value, int):
        return model.objects.filter(pk=value).first()
    return model.objects.filter(**{by: str(value)}).first()


def _fill_region(facts: Facts, address: str) -> None:
    match = resolve_address(address)
    facts.region = match.region
    if match.region and not match.ambiguous:
        facts.notes.append(
            _("region %(region)s from the address (%(confidence)d%% sure)")
            % {"region": match.region.name, "confidence": round(match.confidence * 100)}
        )
    elif match.ambiguous:
        names = "、".join(r.name for r in match.candidates)
        facts.notes.append(_("the address could be %(names)s") % {"names": names})


def _fill_category(facts: Facts) -> None:
    guesses = suggest_categories(facts.text, k=1)
    if not guesses:
        return
    category, probability = guesses[0]
    words = {"category": category.name, "p": round(probability * 100)}
    if probability < MIN_GUESS:
        facts.notes.append(_("category unclear from the text (%(category)s at %(p)d%%)") % words)
        return
    facts.category = category
    facts.notes.append(_("category %(category)s guessed from the text (%(p)d%%)") % words)


def _case_fields(case: Case) -> tuple[dict, object]:
    fields = {
        "title": case.title,
        "content": case.content,
        "category": case.category,
        "request_type": case.request_type,
        "address": case.address,
        "region": case.region,
    }
    return fields, timezone.localtime(case.created_at).date()


def facts_for(case_or_fields, *, guess_category: bool = True, use_address: bool = True) -> Facts:
    """The routing facts of a Case or of a dict of case fields."""
    if isinstance(case_or_fields, Case):
        fields, on = _case_fields(case_or_fields)
    else:
        fields, on = case_or_fields, timezone.localdate()
    text = f"{fields.get('title') or ''} {fields.get('content') or fields.get('text') or ''}"
    category = fields.get("category")
    if isinstance(category, str):
        category = rules.category(category) or _lookup(Category, category, by="code")
    facts = Facts(
        category=_lookup(Category, category, by="code"),
        region=_lookup(Region, fields.get("region"), by="code"),
        request_type=fields.get("request_type") or "",
        text=synonyms.expanded(text.strip()),  # 噪音 also reads as 噪声
        on=on,
    )
    if facts.region is None and use_address and fields.get("address"):
        _fill_region(facts, fields["address"])
    if facts.category is None and guess_category and facts.text:
        _fill_category(facts)
    return facts


def rule_target(rule: CompiledRule, facts: Facts) -> tuple[Department | None, str]:
    """The department a matched rule sends the case to, and the territorial part of the reason."""
    if not rule.territorial:
        return rules.department(rule.department_id), ""
    found, note = rules.territorial_authority(facts.region, rule.territorial)
    if found is None:
        return None, note
    text = _("territorial: %(department)s") % {"department": found.name}
    return found, f"{text} ({note})" if note else text


def _rule_reasons(rule: CompiledRule, facts: Facts, territorial: str, conflict: str) -> list[str]:
    where = facts.region.name if facts.region else _("any region")
    if rule.category_path:
        what = _("category %(category)s") % {"category": rules.category_label(facts.category_path)}
    else:
        what = _("any category")
    reason = _("rule '%(rule)s' matched %(what)s in %(where)s") % {
        "rule": rule.name,
        "what": what,
        "where": where,
    }
    return [p for p in (reason, territorial, conflict, *facts.notes) if p]


def _conflict_note(rule: CompiledRule, matched: list[CompiledRule]) -> str:
    rivals = [r for r in matched if r.id != rule.id and r.sort_key()[:2] == rule.sort_key()[:2]]
    if not rivals:
        return ""
    names = "、".join(f"'{r.name}'" for r in rivals)
    return _("conflicts with %(rules)s at the same priority") % {"rules": names}


def rule_suggestions(facts: Facts, ruleset: RuleSet) -> list[Suggestion]:
    """One suggestion per matched rule with a reachable target, the strongest first."""
    matched = ruleset.matching(facts)
    found, unreachable = [], []
    for rank, rule in enumerate(matched):
        department, territorial = rule_target(rule, facts)
        if department is None:
            unreachable.append(
                _("rule '%(rule)s': %(why)s") % {"rule": rule.name, "why": territorial}
            )
            continue
        reasons = _rule_reasons(rule, facts, territorial, _conflict_note(rule, matched))
        found.append(Suggestion(department, round(1.0 - 0.1 * rank, 2), reasons, rule, "rule"))
    for suggestion in found:
        suggestion.reasons.extend(unreachable)
    return found


def _history_counts(category: Category) -> list[tuple[int, int]]:
    """(department id, cases) of the closed cases of this category, by where they ended."""
    rows = (
        Assignment.objects.filter(
            role=AssignmentRole.MAIN,
            parent__isnull=True,
            case__status=Status.CLOSED,
            case__category__path__startswith=category.path,
        )
        .exclude(status__in=LEFT_ASSIGNMENT_STATUSES)
        .values("department")
        .annotate(n=Count("id"))
        .order_by("-n")[:20]
    )
    return [(row["department"], row["n"]) for row in rows]


def history_suggestions(facts: Facts) -> list[Suggestion]:
    """Where closed cases of the same category went; territorial ones mapped to this region."""
    if facts.category is None:
        return []
    counts = _history_counts(facts.category)
    total = sum(n for _pk, n in counts)
    if total < HISTORY_MIN_CASES:
        return []
    merged: dict[int, tuple[Department, int, str]] = {}
    for pk, n in counts:
        department, note = rules.department(pk), ""
        if department and department.kind in TERRITORIAL_KIND_LEVEL:
            local, _n = rules.territorial_authority(
                facts.region, TERRITORIAL_KIND_LEVEL[department.kind]
            )
            if local:
                department, note = local, _("territorial")
        if department:
            _d, seen, _note = merged.get(department.pk, (department, 0, note))
            merged[department.pk] = (department, seen + n, note)
    return [_history_suggestion(d, n, total, note, facts) for d, n, note in merged.values()]


def _history_suggestion(department, n, total, note, facts: Facts) -> Suggestion:
    reason = _("%(n)d of %(total)d closed cases in %(category)s went to %(department)s") % {
        "n": n,
        "total": total,
        "category": rules.category_label(facts.category_path),
        "department": department.name,
    }
    reasons = [p for p in (_("no rule matched"), reason, note, *facts.notes) if p]
    return Suggestion(department, round(n / total, 2), reasons, None, "history")


def suggest(case_or_fields, *, limit: int = 3, ruleset: RuleSet | None = None) -> list[Suggestion]:
    """The departments that should handle a case, best first, each with its reason."""
    current = rules.published()
    facts = facts_for(case_or_fields)
    found = rule_suggestions(facts, ruleset or current)
    if not found:
        found = sorted(history_suggestions(facts), key=lambda s: -s.score)
    unique, seen = [], set()
    for suggestion in found:
        if suggestion.department.pk not in seen:
            seen.add(suggestion.department.pk)
            unique.append(suggestion)
    return unique[:limit]


def dispatch_basis(suggestion: Suggestion | None) -> dict:
    """What to keep in the dispatch event's data so a later return can name the wrong rule."""
    if suggestion is None:
        return {"routing": {"source": "manual"}}
    return {
        "routing": {
            "source": suggestion.source,
            "rule": suggestion.rule_id,
            "rule_name": suggestion.rule.name if suggestion.rule else "",
            "reason": suggestion.reason,
            "reasons": list(suggestion.reasons),
        }
    }
