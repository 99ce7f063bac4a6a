"""Charts drawn in the browser by the vendored ECharts, from the very tables the page shows.

A chart is built from one of the page's tables (first column: the labels, the named columns:
one series each), so the chart, the table behind it (for screen readers) and the Excel export
can never disagree. The page puts `Chart.spec()` into a `json_script` element and
`static/js/charts.js` turns it into an ECharts option; every visible word comes from here,
through gettext.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from hotline.dashboards.tables import Table


@dataclass
class Chart:
    """One chart: its kind ("line" or "bar"), axes, and one series per table column."""

    key: str
    title: str
    kind: str
    table_key: str
    labels: list[str]
    series: list[tuple[str, list]]
    x_name: str = ""
    y_name: str = ""

    @property
    def element_id(self) -> str:
        return f"chart-{self.key}"

    @property
    def data_id(self) -> str:
        return f"chart-data-{self.key}"

    def spec(self) -> dict:
        """What charts.js needs, as plain JSON (the last series is drawn as the dashed one)."""
        return {
            "kind": self.kind,
            "title": str(self.title),
            "labels": [str(label) for label in self.labels],
            "series": [{"name": str(name), "data": values} for name, values in self.series],
            "xName": str(self.x_name),
            "yName": str(self.y_name),
        }


def from_table(table: Table, kind: str, columns: list[int], **axes) -> Chart:
    """A chart of `table`: column 0 gives the labels, each of `columns` one series."""
    # A day reads as "11-03" under the axis; the table beside it keeps the whole date.
    labels = [row[0].display[5:] if row[0].kind == "date" else row[0].display
              for row in table.rows]  # fmt: skip
    series = [
        (table.columns[i], [row[i].value if row[i].value is not None else 0 for row in table.rows])
        for i in columns
    ]
    return Chart(table.key, table.title, kind, table.key, labels, series, **axes)


# Which table of a page becomes which chart: (table key, kind, series columns, x and y names).
PAGE_CHARTS = {
    "today": [
        ("today_hour", "bar", [1], _("hour"), _("cases")),
        ("backlog", "bar", [1], _("status"), _("cases")),
    ],
    "trends": [
        ("trend_daily", "line", [1, 2], _("day"), _("cases")),
        ("trend_district", "bar", [1, 2], _("district"), _("cases")),
    ],
}


def page_charts(page: str, tables: list[Table]) -> list[Chart]:
    """The charts of a dashboard page, each drawn from one of its tables."""
    by_key = {table.key: table for table in tables}
    return [
        from_table(by_key[key], kind, columns, x_name=x_name, y_name=y_name)
        for key, kind, columns, x_name, y_name in PAGE_CHARTS.get(page, [])
        if key in by_key
    ]
