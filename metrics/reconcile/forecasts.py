"""Forecast errors: every forecast scored against the actual its point resolved to."""

from __future__ import annotations

import pandas as pd

from metrics.vocab import PointState, Status

FORECAST_ERROR_COLUMNS = [
    "metric", "entity", "period", "measure", "unit", "forecast_claim_id", "forecast_value",
    "forecast_text", "forecaster", "forecast_published", "forecast_quote", "actual_claim_id",
    "actual_value", "actual_text", "actual_publisher", "actual_published", "error",
    "error_pct", "within_interval", "lead_days",
]  # fmt: skip


def forecast_errors(prepared: pd.DataFrame, resolved: pd.DataFrame) -> pd.DataFrame:
    """Every forecast whose point has a resolved actual, with how far off it was."""
    actual = resolved.loc[
        (resolved["state"] == PointState.RESOLVED) & (resolved["status"] == Status.ACTUAL),
        ["point_id", "claim_id", "value", "value_text", "publisher", "published", "low", "high"],
    ]
    forecasts = prepared[prepared["status"] == Status.FORECAST]
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
        "forecaster": f["publisher"], "forecast_published": f["published"],
        "forecast_quote": f["quote"], "actual_claim_id": f["claim_id_actual"],
        "actual_value": f["value_actual"], "actual_text": f["value_text_actual"],
        "actual_publisher": f["publisher_actual"], "actual_published": f["published_actual"],
        "error": error,
        "error_pct": (error / f["value_actual"] * 100).where(f["value_actual"] != 0),
        "within_interval": (f["low"] <= f["high_actual"]) & (f["low_actual"] <= f["high"]),
        "lead_days": pd.Series(lead, index=f.index),
    })  # fmt: skip
    return frame[FORECAST_ERROR_COLUMNS].reset_index(drop=True)
