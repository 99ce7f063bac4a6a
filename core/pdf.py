"""PDF documents in Chinese with reportlab's built-in CID font (no font file to ship)."""

import io
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

BODY = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=15, wordWrap="CJK")
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8.5, leading=12)
HEADING = ParagraphStyle("heading", parent=BODY, fontSize=16, leading=22, spaceAfter=8)
SUBHEADING = ParagraphStyle("subheading", parent=BODY, fontSize=12, leading=18, spaceBefore=8,
                            spaceAfter=4)  # fmt: skip


def para(text, style=BODY) -> Paragraph:
    """A paragraph of plain text (escaped: citizens' text is never markup)."""
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def grid(rows: list[list], widths=None, header: bool = True) -> Table:
    """A table with thin lines; every cell wraps as a paragraph."""
    cells = [[c if isinstance(c, Paragraph) else para("" if c is None else c, SMALL) for c in row]
             for row in rows]  # fmt: skip
    table = Table(cells, colWidths=widths, repeatRows=1 if header else 0)
    style = [("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")))
    table.setStyle(TableStyle(style))
    return table


def build(flowables: list, title: str) -> bytes:
    """The flowables laid out on A4 with 15 mm margins, as PDF bytes."""
    buffer = io.BytesIO()
    margin = 15 * mm
    document = SimpleDocTemplate(
        buffer, pagesize=A4, title=title, leftMargin=margin, rightMargin=margin,
        topMargin=margin, bottomMargin=margin,
    )  # fmt: skip
    document.build(flowables)
    return buffer.getvalue()


def bar_chart(values: list[int], labels: list[str] | None = None, width=480, height=160):
    """A simple bar chart (one bar per value) with a value axis, as a flowable."""
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 36, 24, width - 48, height - 36
    chart.data = [values or [0]]
    chart.bars[0].fillColor = colors.HexColor("#2f6fbf")
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 6
    names = labels or [str(i + 1) for i in range(len(values))]
    chart.categoryAxis.categoryNames = names
    drawing.add(chart)
    return drawing
