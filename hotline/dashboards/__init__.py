"""Supervisors' dashboards: today, assessment, trends, hotspots, supervision orders.

`metrics` defines every number (formula in each docstring), `stats` keeps the pre-aggregated
daily counts, `selectors` reads them, `tables` holds what a page shows (and what Excel exports),
`views` and `charts` render it.
"""
