"""Targets as objects: their history of restatements and revisions, and where each stands.

A target is followed through the statements of one series in publication order; its
status compares the latest full-year actual with the value and the growth it needs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from metrics.reconcile.frames import Row, records
from metrics.reconcile.intervals import interval_of, overlaps
from metrics.reconcile.settings import settings
from metrics.vocab import Measure, PointState, Status, Unit

TARGET_HISTORY_COLUMNS = [
    "target_id", "seq", "metric", "entity", "measure", "unit", "event", "claim_id", "value",
    "value_text", "deadline", "published", "publisher", "previous_value", "previous_deadline",
    "previous_published", "previous_claim_id", "change", "quote",
]  # fmt: skip
TARGET_COLUMNS = [
    "target_id", "metric", "entity", "measure", "unit", "value", "value_text", "deadline",
    "first_stated", "last_stated", "revisions", "latest_actual", "latest_actual_period",
    "progress_pct", "required_growth_pct", "recent_growth_pct", "outlook",
]  # fmt: skip

STATEMENT_COLUMNS = [
    "claim_id", "source_id", "metric", "entity", "measure", "unit", "scope", "status",
    "period", "period_end", "base_period", "published", "publisher", "quote", "value",
    "value_text", "low", "high", "char_start",
]  # fmt: skip
"""What `target_history` reads of a stated target (a store keeps a metric's targets
while it reconciles the metric's points a part at a time)."""


@dataclass
class _Chain:
    target_id: str
    current: Row
    events: int = 0
    revisions: int = 0


def _deadline_year(row: Row) -> int | None:
    return row["period_end"].year if row["period_end"] else None


def target_history(
    prepared: pd.DataFrame, resolved: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Targets as objects: each restatement, moved deadline or changed value is an event.

    Statements are taken in publication order. One that repeats a target's value with
    another deadline moves the deadline; one that keeps the deadline with another value
    revises the value; a statement from the same article as the target, or one that
    changes both, is a separate target (a milestone), not a revision.
    """
    history: list[Row] = []
    chains: list[_Chain] = []
    groups: dict[tuple[Any, ...], list[Row]] = defaultdict(list)
    stated = prepared[(prepared["status"] == Status.TARGET) & prepared["period"].notna()]
    for record in records(stated):  # a target without a deadline is listed as undated
        key = (record["metric"], record["entity"] or "", record["measure"], record["unit"],
               record.get("scope") or "")  # fmt: skip
        groups[key].append(record)
    for key in sorted(groups):
        group_chains: list[_Chain] = []
        for s in sorted(groups[key], key=_statement_order):
            chain, event = _continued(group_chains, s)
            if chain is None:
                chain = _Chain(target_id=s["claim_id"], current=s)
                group_chains.append(chain)
                previous = None
            else:
                previous = chain.current
                chain.current = s
                chain.revisions += event != "restated"
            chain.events += 1
            history.append(_event(chain, s, event, previous))
        chains.extend(group_chains)
    first_stated: dict[str, date | None] = {}
    for h in history:
        first_stated.setdefault(h["target_id"], h["published"])
    actuals = _SeriesIndex(resolved, stated)
    summary = [_target_status(c, first_stated[c.target_id], actuals) for c in chains]
    return (
        pd.DataFrame(history, columns=TARGET_HISTORY_COLUMNS),
        pd.DataFrame(summary, columns=TARGET_COLUMNS),
    )


def _continued(chains: list[_Chain], s: Row) -> tuple[_Chain | None, str]:
    """The target a statement continues and the event it is, or (None, "set") when it
    states a new target."""
    same_value = [c for c in chains if overlaps(interval_of(c.current), interval_of(s))]
    same_deadline = [c for c in chains if c.current["period"] == s["period"]]
    other_article = [c for c in chains if c.current["source_id"] != s["source_id"]]
    if match := [c for c in same_value if c in same_deadline]:
        return match[-1], "restated"
    if match := [c for c in same_value if c in other_article]:
        chain = match[-1]
        earlier = (_deadline_year(s) or 0) < (_deadline_year(chain.current) or 0)
        return chain, "deadline_brought_forward" if earlier else "deadline_pushed_back"
    if match := [c for c in same_deadline if c in other_article]:
        chain = match[-1]
        return chain, "value_raised" if s["value"] > chain.current["value"] else "value_lowered"
    return None, "set"


def _event(chain: _Chain, s: Row, event: str, previous: Row | None) -> Row:
    """The history row of statement `s`, the `event` of `chain` that replaced `previous`."""
    change = (
        f"{previous['value_text']} by {previous['period']} -> {s['value_text']} by {s['period']}"
        if previous is not None and event != "restated" else None
    )  # fmt: skip
    return {
        "target_id": chain.target_id, "seq": chain.events, "metric": s["metric"],
        "entity": s["entity"], "measure": s["measure"], "unit": s["unit"],
        "event": event, "claim_id": s["claim_id"], "value": s["value"],
        "value_text": s["value_text"], "deadline": s["period"],
        "published": s["published"], "publisher": s["publisher"],
        "previous_value": previous["value"] if previous else None,
        "previous_deadline": previous["period"] if previous else None,
        "previous_published": previous["published"] if previous else None,
        "previous_claim_id": previous["claim_id"] if previous else None,
        "change": change, "quote": s["quote"],
    }  # fmt: skip


class _SeriesIndex:
    """Resolved full-year actual levels and year-on-year growth, looked up by series."""

    def __init__(self, resolved: pd.DataFrame, series: pd.DataFrame) -> None:
        """Index the rows of `resolved` in the (metric, entity) pairs of `series`: only
        those with a target are looked up, and only the columns read become Python rows."""
        self.levels: dict[tuple[Any, ...], list[Row]] = defaultdict(list)
        self.growth: dict[tuple[Any, ...], float] = {}
        pairs = pd.MultiIndex.from_frame(series[["metric", "entity"]].fillna(""))
        wanted = pd.MultiIndex.from_arrays([resolved["metric"], resolved["entity"].fillna("")])
        full_year = resolved["period"].astype(str).str.fullmatch(r"\d{4}", na=False)
        actual = resolved[wanted.isin(pairs) & (resolved["status"] == Status.ACTUAL) & full_year]
        levels = actual[(actual["measure"] == Measure.LEVEL) & (actual["state"] == PointState.RESOLVED)]
        for r in records(levels[["metric", "entity", "unit", "period", "value", "high"]]):
            self.levels[(r["metric"], r["entity"] or "", r["unit"])].append(r)
        growth = actual[
            (actual["measure"] == Measure.GROWTH)
            & (actual["unit"] == Unit.PCT_CHANGE)
            & actual["state"].isin([PointState.RESOLVED, PointState.IMPLIED])
        ]
        for r in records(growth[["metric", "entity", "period", "base_period", "value"]]):
            if r["base_period"] == str(int(r["period"]) - 1):
                self.growth.setdefault((r["metric"], r["entity"] or "", r["period"]), r["value"])

    def latest_level(self, metric: str, entity: str | None, unit: str, by: int) -> Row | None:
        years = [r for r in self.levels[(metric, entity or "", unit)] if int(r["period"]) <= by]
        return max(years, key=lambda r: r["period"]) if years else None


def _target_status(chain: _Chain, first: date | None, actuals: _SeriesIndex) -> Row:
    """Where a target stands: latest full-year actual, progress and the growth it needs."""
    t = chain.current
    row: Row = {
        "target_id": chain.target_id, "metric": t["metric"], "entity": t["entity"],
        "measure": t["measure"], "unit": t["unit"], "value": t["value"],
        "value_text": t["value_text"], "deadline": t["period"], "first_stated": first,
        "last_stated": t["published"], "revisions": chain.revisions, "latest_actual": None,
        "latest_actual_period": None, "progress_pct": None, "required_growth_pct": None,
        "recent_growth_pct": None, "outlook": "unclear",
    }  # fmt: skip
    deadline = _deadline_year(t)
    if t["measure"] != Measure.LEVEL or t["unit"] not in settings().progress_units or deadline is None:
        return row
    latest = actuals.latest_level(t["metric"], t["entity"], t["unit"], by=deadline)
    if latest is None:
        return row
    year = int(latest["period"])
    left = deadline - year
    row.update(
        latest_actual=latest["value"],
        latest_actual_period=latest["period"],
        progress_pct=latest["value"] / t["value"] * 100 if t["value"] else None,
    )
    if left > 0 and latest["value"] > 0:
        row["required_growth_pct"] = ((t["value"] / latest["value"]) ** (1 / left) - 1) * 100
    row["recent_growth_pct"] = actuals.growth.get(
        (t["metric"], t["entity"] or "", latest["period"])
    )
    if latest["high"] >= t["value"]:
        row["outlook"] = "achieved"
    elif left <= 0:
        row["outlook"] = "missed"
    elif row["recent_growth_pct"] is not None and row["required_growth_pct"] is not None:
        on_track = row["recent_growth_pct"] >= row["required_growth_pct"]
        row["outlook"] = "on_track" if on_track else "off_track"
    return row


def _statement_order(row: Row) -> tuple[Any, ...]:
    """Undated statements first, then by publication date, source and position."""
    day = row["published"]
    return (day is not None, day or date.min, row["source_id"], row["char_start"])
