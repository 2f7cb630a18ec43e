"""Forecast errors: every forecast scored against the actual of its point.

The actual is the point's resolved one or, where sources dispute the actual (or one
article gives two), the best-supported of the disputed actuals (`cascade.best_supported`),
flagged in `actual_basis`: one wrong or out-of-scope actual no longer silences every
forecast of its point. An earlier vintage named in a revision sentence ("raised to 5.5%
from 5.0%") is not scored: the article that names it is not when it was made.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from metrics.reconcile.cascade import best_supported
from metrics.reconcile.frames import Row, concat, iter_records
from metrics.vocab import PointState, Status, Verdict

FORECAST_ERROR_COLUMNS = [
    "metric", "entity", "period", "measure", "unit", "forecast_claim_id", "forecast_value",
    "forecast_text", "forecaster", "forecast_published", "forecast_quote", "actual_claim_id",
    "actual_value", "actual_text", "actual_publisher", "actual_published", "error",
    "error_pct", "within_interval", "lead_days", "actual_basis",
]  # fmt: skip
"""`forecaster`: the forecast's originator (else its publisher); `actual_basis`:
`resolved`, or `best_supported` when the point's actuals are disputed."""

_ACTUAL = ["point_id", "claim_id", "value", "value_text", "publisher", "published", "low", "high"]


def forecast_errors(
    prepared: pd.DataFrame, resolved: pd.DataFrame, trail: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Every forecast whose point has a resolved actual, or (given the `trail`) a
    best-supported one among disputed actuals, with how far off it was."""
    actual = resolved.loc[
        (resolved["state"] == PointState.RESOLVED) & (resolved["status"] == Status.ACTUAL), _ACTUAL
    ].assign(actual_basis="resolved")
    if trail is not None:
        actual = concat([actual, _best_supported(prepared, resolved, trail)])
    forecasts = prepared[(prepared["status"] == Status.FORECAST) & ~prepared["superseded"]]
    f = forecasts.merge(actual, on="point_id", suffixes=("", "_actual"))  # in forecast order
    error = f["value"] - f["value_actual"]
    lead = [
        (end - day).days if end is not None and day is not None else None
        for end, day in zip(f["period_end"], f["published"], strict=True)
    ]
    frame = pd.DataFrame({
        "metric": f["metric"], "entity": f["entity"], "period": f["period"],
        "measure": f["measure"], "unit": f["unit"], "forecast_claim_id": f["claim_id"],
        "forecast_value": f["value"], "forecast_text": f["value_text"],
        "forecaster": f["originator"], "forecast_published": f["published"],
        "forecast_quote": f["quote"], "actual_claim_id": f["claim_id_actual"],
        "actual_value": f["value_actual"], "actual_text": f["value_text_actual"],
        "actual_publisher": f["publisher_actual"], "actual_published": f["published_actual"],
        "error": error,
        "error_pct": (error / f["value_actual"] * 100).where(f["value_actual"] != 0),
        "within_interval": (f["low"] <= f["high_actual"]) & (f["low_actual"] <= f["high"]),
        "lead_days": pd.Series(lead, index=f.index),
        "actual_basis": f["actual_basis"],
    })  # fmt: skip
    return frame[FORECAST_ERROR_COLUMNS].reset_index(drop=True)


def _best_supported(
    prepared: pd.DataFrame, resolved: pd.DataFrame, trail: pd.DataFrame
) -> pd.DataFrame:
    """Per point whose actuals are disputed (or ambiguous) and that has a forecast, the
    best-supported disputed actual, as the columns of a resolved actual."""
    unsettled = resolved.loc[
        resolved["state"].isin([PointState.DISPUTED, PointState.AMBIGUOUS]), "point_id"
    ]
    forecast_points = prepared.loc[prepared["status"] == Status.FORECAST, "point_id"]
    wanted = unsettled[unsettled.isin(forecast_points)]  # few: test the trail against these
    live = trail.loc[
        trail["point_id"].isin(wanted) & trail["verdict"].isin([Verdict.DISPUTED, Verdict.AMBIGUOUS]),
        "claim_id",
    ]
    rows = prepared[prepared["claim_id"].isin(live) & (prepared["status"] == Status.ACTUAL)]
    by_point: dict[str, list[Row]] = defaultdict(list)
    for row in iter_records(rows):
        by_point[row["point_id"]].append(row)
    chosen = [best_supported(group) for group in by_point.values()]
    return pd.DataFrame(
        [{k: r[k] for k in _ACTUAL} for r in chosen], columns=_ACTUAL
    ).assign(actual_basis="best_supported")
