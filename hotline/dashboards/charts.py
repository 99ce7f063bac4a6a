"""Charts drawn on the server as inline SVG: no JavaScript library, no CDN."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT, PAD = 640, 200, 28


def _scale(values: list[int]) -> float:
    top = max(values, default=0)
    return (HEIGHT - 2 * PAD) / top if top else 0.0


def bar_chart(values: list[int], labels: list[str], title: str) -> SafeString:
    """Vertical bars, one per value, with the value as a tooltip."""
    scale, n = _scale(values), max(len(values), 1)
    step = (WIDTH - 2 * PAD) / n
    bars = []
    for i, (value, label) in enumerate(zip(values, labels, strict=True)):
        h = value * scale
        x, y = PAD + i * step, HEIGHT - PAD - h
        bars.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.8:.1f}" height="{h:.1f}" '
            f'fill="#3b7dd8"><title>{escape(label)}: {value}</title></rect>'
        )
        if i % max(n // 12, 1) == 0:
            bars.append(f'<text x="{x:.1f}" y="{HEIGHT - 8}" font-size="10">{escape(label)}</text>')
    return _svg(title, "".join(bars), max(values, default=0))


def line_chart(series: dict[str, list[int]], labels: list[str], title: str) -> SafeString:
    """One polyline per named series over the same x positions (current vs previous)."""
    everything = [v for values in series.values() for v in values]
    scale = _scale(everything)
    n = max(len(labels) - 1, 1)
    step = (WIDTH - 2 * PAD) / n
    colours = ["#3b7dd8", "#999999", "#d8643b"]
    parts = []
    for (name, values), colour in zip(series.items(), colours, strict=False):
        points = " ".join(
            f"{PAD + i * step:.1f},{HEIGHT - PAD - v * scale:.1f}" for i, v in enumerate(values)
        )
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2">'
            f"<title>{escape(name)}</title></polyline>"
        )
    for i in range(0, len(labels), max(len(labels) // 8, 1)):
        parts.append(
            f'<text x="{PAD + i * step:.1f}" y="{HEIGHT - 8}" font-size="10">'
            f"{escape(labels[i])}</text>"
        )
    return _svg(title, "".join(parts), max(everything, default=0))


def _svg(title: str, body: str, top: int) -> SafeString:
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{escape(title)}" class="chart">'
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
        f'stroke="#666"/><text x="2" y="{PAD - 6}" font-size="10">{top}</text>{body}</svg>'
    )
