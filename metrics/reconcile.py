"""Reconciliation: which figure holds for each claim key, why, and how the figures relate.

Claims are compared only within one *point*: metric, entity, period, measure, unit and base
period (a growth "vs 2019" is not the growth "vs 2023"), with targets kept apart from
estimates (actuals and forecasts). Inside a point every claim is read as the interval its
wording allows ("4.5 million" is 4.45-4.55 million, "more than 2.76" has no upper end), and
two claims agree when their intervals overlap.

One value per point is chosen by a cascade whose every step is written to the trail:

1. `actual_over_forecast`: for a period that had ended when the latest claim was published,
   an actual outranks forecasts; while the period still runs, a forecast for the whole
   period outranks a partial actual.
2. `revision`: a later statement by the same originator that disagrees with its earlier one
   supersedes it (the ALFRED vintage model: a revision, not a conflict).
3. `independent_majority`: claims that still disagree are split into groups sharing a
   common value; the group backed by more independent origins wins if it has at least two
   (an outlet's several houses and a text republished word for word count once);
   otherwise the point is `disputed` and no value is chosen (`ambiguous` when all the
   disagreeing claims come from one article, which points at extraction, not sources).
4. `precision`: of the agreeing claims the most precise is the resolved value.

From the resolved points come implied values (growth with a base level, level pairs,
multiples), forecast errors and the history and progress of targets.

Every step combines claims of one metric only (even the republished sentences that make
two outlets one origin are matched within a metric), so a store may reconcile metric by
metric and concatenate the tables. A million claims take under a minute: the work is done
on columns (pandas, numpy, DuckDB for hashing) wherever the rule allows, and only points
whose claims disagree or mix statuses go through the cascade row by row
(benchmarks/reconcile_report.py measures it).
"""

from __future__ import annotations

import hashlib
import math
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from importlib import resources
from itertools import chain
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import yaml

from metrics.lexicon.periods import period_from_label, shift_years
from metrics.lexicon.quantities import parse_quantity, rounding_step
from metrics.models import Period, Quantity

Interval = tuple[float, float]
Row = dict[str, Any]

POINT_KEY = ["metric", "entity", "period", "measure", "unit", "base_period", "kind"]
"""What makes two claims statements of the same figure; `kind` is `estimate` or `target`."""

RESOLVED_COLUMNS = [
    "point_id", "metric", "entity", "period", "period_start", "period_end", "measure",
    "unit", "base_period", "status", "state", "value", "low", "high", "value_text",
    "claim_id", "rule", "conflict", "n_claims", "n_sources", "publisher", "published",
    "url", "quote",
]  # fmt: skip
TRAIL_COLUMNS = ["point_id", "claim_id", "verdict", "rule", "reason", "low", "high"]
IMPLIED_COLUMNS = [
    "implied_id", "metric", "entity", "period", "period_start", "period_end", "measure",
    "unit", "base_period", "status", "value", "low", "high", "formula", "inputs", "consistency",
    "stated_value", "stated_text", "stated_claim_id",
]  # fmt: skip
FORECAST_ERROR_COLUMNS = [
    "metric", "entity", "period", "measure", "unit", "forecast_claim_id", "forecast_value",
    "forecast_text", "forecaster", "forecast_published", "forecast_quote", "actual_claim_id",
    "actual_value", "actual_text", "actual_publisher", "actual_published", "error",
    "error_pct", "within_interval", "lead_days",
]  # fmt: skip
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

_SOURCE_FIELDS = ["publisher", "published", "url"]


@dataclass(frozen=True)
class Settings:
    approx_tolerance: float
    publisher_noise: frozenset[str]
    republished_from: re.Pattern[str]
    progress_units: frozenset[str]


@cache
def settings() -> Settings:
    """Settings from `metrics/data/reconcile.yaml`."""
    text = resources.files("metrics").joinpath("data/reconcile.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    return Settings(
        approx_tolerance=float(data["approx_tolerance"]),
        publisher_noise=frozenset(data["publisher_noise"]),
        republished_from=re.compile(data["republished_from"], re.IGNORECASE),
        progress_units=frozenset(data["progress_units"]),
    )


@dataclass(frozen=True)
class Reconciliation:
    """Every output of one reconciliation run, one DataFrame per database table."""

    resolved: pd.DataFrame
    trail: pd.DataFrame
    implied: pd.DataFrame
    forecast_errors: pd.DataFrame
    target_history: pd.DataFrame
    targets: pd.DataFrame


# --- intervals -------------------------------------------------------------------------


def claim_interval(value: float, value_text: str, qualifier: str) -> Interval:
    """The values a claim allows, from the precision it was written with and its hedge.

    "2.76 million tons" -> [2.755, 2.765] million; a range "8-9%" -> [7.5, 9.5];
    `at_least` drops the upper end, `at_most` the lower one; `approx` widens a single
    figure to the `approx_tolerance` share of it where that is wider than its rounding.
    """
    q, step = _precision(value_text)
    scale = value / q.value if q is not None and q.value else 1.0
    half = abs((step or 0.0) * scale) / 2
    if q is not None and q.is_range:
        ends = sorted((q.low * scale, q.high * scale))
        low, high = ends[0] - half, ends[1] + half
    else:
        low, high = value - half, value + half
        if qualifier == "approx":
            spread = settings().approx_tolerance * abs(value)
            low, high = min(low, value - spread), max(high, value + spread)
    if qualifier == "at_least":
        high = math.inf
    elif qualifier == "at_most":
        low = -math.inf
    return low, high


@lru_cache(maxsize=65536)
def _precision(value_text: str) -> tuple[Quantity | None, float | None]:
    """The quantity as written and its rounding step; news repeats the same few texts."""
    q = parse_quantity(value_text)
    return q, rounding_step(value_text) if q is not None else None


def overlaps(a: Interval, b: Interval) -> bool:
    """Two claims agree when some value is allowed by both."""
    return a[0] <= b[1] and b[0] <= a[1]


_LISTED = 5  # claims named in a reason: a figure stated a thousand times is no list to read


def _disagreements(rows: Sequence[Row]) -> list[tuple[int, list[int]]]:
    """Per row: how many rows do not overlap it, and the first few of them (indices, in
    `rows` order; all of them when there are at most `_LISTED`).

    Sorted bounds make this n log n, where comparing every pair would be n squared: a
    point of the largest series can hold thousands of claims.
    """
    intervals = [_interval(r) for r in rows]
    by_low = sorted(range(len(rows)), key=lambda i: intervals[i][0])
    by_high = sorted(range(len(rows)), key=lambda i: intervals[i][1])
    lows = [intervals[i][0] for i in by_low]
    highs = [intervals[i][1] for i in by_high]
    found = []
    for low, high in intervals:
        above = bisect_right(lows, high)  # rows from here on start above this one
        below = bisect_left(highs, low)  # rows before this end below it
        nearest = by_low[above : above + _LISTED] + by_high[max(0, below - _LISTED) : below]
        found.append((len(rows) - above + below, sorted(nearest)[:_LISTED]))
    return found


Bounds = tuple[np.ndarray, np.ndarray]
"""Intervals as columns: the low ends and the high ends."""


def _mul(a: Bounds, b: Bounds) -> Bounds:
    """Products of intervals, row by row: the least and greatest corner product. A NaN
    corner (inf x 0) bounds nothing; of equal corners the first counts, as with `min`."""
    low = np.full(len(a[0]), np.inf)
    high = np.full(len(a[0]), -np.inf)
    with np.errstate(invalid="ignore"):
        for x in a:
            for y in b:
                product = np.asarray(x, dtype=float) * np.asarray(y, dtype=float)
                low = np.where(product < low, product, low)
                high = np.where(product > high, product, high)
    return low, high


def _div(a: Bounds, b: Bounds) -> Bounds:
    """Quotients of intervals, row by row; NaN where the divisor may be zero or negative,
    which implies nothing."""
    b_low, b_high = np.asarray(b[0], dtype=float), np.asarray(b[1], dtype=float)
    valid = b_low > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        low, high = _mul(a, (1 / b_high, 1 / b_low))  # 1 / inf is 0: no upper end
    return np.where(valid, low, np.nan), np.where(valid, high, np.nan)


# --- provenance ------------------------------------------------------------------------


def originator(publisher: str | None) -> str | None:
    """Who a figure comes from, as a comparable key: the outlet a text was republished
    from, else the publisher without house words ("Kazinform International News Agency
    (Qazinform)" and "Kazinform" are both `kazinform`)."""
    if not isinstance(publisher, str) or not publisher.strip():
        return None  # pandas gives a missing publisher as NaN among named ones
    s = settings()
    if m := s.republished_from.search(publisher):
        publisher = m["origin"]
    name = re.sub(r"\([^)]*\)", " ", publisher).lower()
    words = [w for w in re.findall(r"[\w'&.-]+", name) if w not in s.publisher_noise]
    return " ".join(words) or publisher.lower()


def _independent_origins(frame: pd.DataFrame) -> pd.Series:
    """A label per claim such that claims with one label are not independent: the same
    originator, or the same sentence republished by another outlet.

    Origins are linked only by sentences of one metric, so reconciling metric by metric
    gives the same groups as reconciling everything at once (the store partitions by
    metric to bound memory).
    """
    links = frame[["metric", "origin", "quote"]].drop_duplicates()
    links["text"] = [" ".join(_WORD.findall(quote)).lower() for quote in links["quote"]]
    links = links.drop_duplicates(["metric", "origin", "text"])
    shared = links[links.duplicated(["metric", "text"], keep=False)]
    shared = shared.sort_values(["metric", "text"], kind="stable")
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def find(x: tuple[str, str]) -> tuple[str, str]:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    previous: tuple[Any, ...] = ()
    for metric, origin, text in zip(
        shared["metric"], shared["origin"], shared["text"], strict=True
    ):
        if previous[:2] == (metric, text):  # the same sentence from another origin
            parent[find((metric, origin))] = find((metric, previous[2]))
        previous = (metric, text, origin)
    pair, pairs = pd.MultiIndex.from_arrays([frame["metric"], frame["origin"]]).factorize()
    roots = [find(p) for p in pairs]
    labels = {root: n for n, root in enumerate(dict.fromkeys(roots))}
    return pd.Series(np.array([labels[r] for r in roots], dtype=np.int64)[pair], index=frame.index)


_WORD = re.compile(r"\w+")  # a quote compared as its words: punctuation and case ignored
_INTERVAL_INPUTS = ["value", "value_text", "qualifier"]


def prepare(claims: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Claims with their source's provenance, interval, originator and point key.

    Intervals and originators are computed once per distinct input (news repeats the
    same few figures and outlets), then joined back to the claims.
    """
    provenance = with_dates(sources[["source_id", *_SOURCE_FIELDS]], "published")
    frame = _as_objects(with_dates(claims, "period_start", "period_end")).merge(
        _as_objects(provenance), on="source_id", how="left"
    )  # objects before the join: it copies pointers, not text
    bounds = frame[_INTERVAL_INPUTS].drop_duplicates()
    intervals = [
        claim_interval(*row) for row in zip(*map(bounds.get, _INTERVAL_INPUTS), strict=True)
    ]
    bounds["low"] = [i[0] for i in intervals]
    bounds["high"] = [i[1] for i in intervals]
    located = frame[_INTERVAL_INPUTS].merge(bounds, on=_INTERVAL_INPUTS, how="left")
    frame = frame.assign(low=located["low"].to_numpy(), high=located["high"].to_numpy())
    names = {p: originator(p) for p in frame["publisher"].dropna().unique()}
    origin = frame["publisher"].map(names)
    fallback = "source:" + frame["source_id"].astype(str)  # a publisher-less source is its own
    frame["origin"] = origin.where(origin.notna(), fallback).astype(object)
    frame["origin_group"] = _independent_origins(frame)
    frame["kind"] = np.where(frame["status"] == "target", "target", "estimate").astype(object)
    frame["point_id"] = point_ids(frame)
    return frame


def point_ids(frame: pd.DataFrame) -> pd.Series:
    """A stable id per point: the start of the SHA-1 of its POINT_KEY joined by `|`
    (a missing part as the empty string), computed in DuckDB, in the frame's order."""
    parts = ", ".join(f"coalesce(CAST({k} AS VARCHAR), '')" for k in POINT_KEY)
    with duckdb.connect() as con:
        con.register("keys", frame[POINT_KEY])
        ids = con.sql(f"SELECT left(sha1(concat_ws('|', {parts})), 16) AS id FROM keys").df()["id"]
    return pd.Series(ids.to_numpy(), index=frame.index, dtype=object)


def _as_objects(frame: pd.DataFrame, also: Sequence[str] = ()) -> pd.DataFrame:
    """Text columns (and `also`) as Python objects, one object per distinct text.

    Reconciliation filters, sorts, joins and reads claims row by row, and each of those
    copies Arrow-backed strings (pandas' default text type); objects are only pointed to,
    and sharing one per distinct text keeps the metric, unit, outlet... of a million
    claims in a few bytes each. `also` names join keys that may be all NULL (floats).
    """
    text = [c for c in frame.columns if isinstance(frame[c].dtype, pd.StringDtype)]
    columns = {}
    for column in dict.fromkeys([*text, *also]):
        codes, uniques = pd.factorize(frame[column])
        shared = np.append(np.asarray(uniques, dtype=object), None)  # code -1 (missing): None
        columns[column] = pd.Series(shared[codes], index=frame.index, dtype=object)
    return frame.assign(**columns)


def with_dates(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """`columns` as `datetime.date` or None, however DuckDB or pandas typed them; one
    object per distinct date, which a million claims repeat."""
    dated = {}
    for column in columns:
        codes, uniques = pd.factorize(frame[column])
        days = pd.Series(pd.to_datetime(uniques)).dt.date.to_numpy(dtype=object)
        dated[column] = pd.Series(np.append(days, None)[codes], index=frame.index, dtype=object)
    return frame.assign(**dated)


# --- resolution ------------------------------------------------------------------------


def _interval(row: Row) -> Interval:
    return row["low"], row["high"]


def _width(row: Row) -> float:
    return row["high"] - row["low"]


def _shown(row: Row) -> str:
    return _signed(row["value"], row["value_text"])


def _signed(value: float, text: str) -> str:
    """The figure as written, signed where the text gives a fall without a minus ("24%")."""
    return f"-{text}" if value < 0 and not re.search(r"[-−–]", text) else text


def _who(row: Row) -> str:
    return _by(row["publisher"], row["published"])


def _by(publisher: str | None, published: date | None) -> str:
    day = published.isoformat() if published else "an unknown date"
    return f"{publisher or 'an unnamed source'}, {day}"


def _recency(published: date | None) -> int:
    """A sort key that puts the latest statement first and undated ones last."""
    return -(published.toordinal() if published else 0)


def _chosen_reason(claims: int, agreeing: int, origins: int) -> str:
    if claims == 1:
        return "only claim for this figure"
    return (
        f"most precise of {agreeing} agreeing claims from {origins} "
        f"independent source{'s' if origins != 1 else ''}"
    )


def _agrees_reason(shown: str, who: str, chosen: str, same: bool) -> str:
    return f"{shown} ({who}) agrees with the chosen {chosen}{'' if same else ', which is more precise'}"


def _agreeing_groups(rows: Sequence[Row]) -> list[list[Row]]:
    """Split claims into groups whose intervals share one common value (sweep by low end)."""
    groups: list[list[Row]] = []
    common: Interval = (math.nan, math.nan)
    for row in sorted(rows, key=lambda r: (r["low"], r["high"], r["claim_id"])):
        if groups and row["low"] <= common[1]:
            groups[-1].append(row)
            common = (row["low"], min(common[1], row["high"]))
        else:
            groups.append([row])
            common = _interval(row)
    return groups


def _has_conflict(rows: Sequence[Row]) -> bool:
    by_status: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_status[row["status"]].append(row)
    return any(len(_agreeing_groups(group)) > 1 for group in by_status.values())


def resolve_point(rows: Sequence[Row]) -> tuple[Row, list[Row]]:
    """Resolve the claims of one point: the resolved row and one trail row per claim."""
    verdicts: dict[str, tuple[str, str, str]] = {}
    live = list(rows)
    fired: list[str] = []

    actuals = [r for r in live if r["status"] == "actual"]
    forecasts = [r for r in live if r["status"] == "forecast"]
    if actuals and forecasts:
        fired.append("actual_over_forecast")
        end = rows[0]["period_end"]
        dates = [r["published"] for r in rows if r["published"]]
        latest = max(dates) if dates else None
        if end is None or latest is None or end < latest:
            for r in forecasts:
                verdicts[r["claim_id"]] = (
                    "outranked",
                    "actual_over_forecast",
                    f"forecast ({_who(r)}); the period ended {end or 'before'} "
                    "and an actual figure was published",
                )
            live = actuals
        else:
            for r in actuals:
                verdicts[r["claim_id"]] = (
                    "outranked",
                    "actual_over_forecast",
                    f"partial actual: the period was still running on {latest}, so the "
                    "forecast for the whole period is kept",
                )
            live = forecasts

    by_origin: dict[str, list[Row]] = defaultdict(list)
    for r in live:
        by_origin[r["origin"]].append(r)
    for group in by_origin.values():
        dated = [r for r in group if r["published"]]
        if not dated:
            continue
        newest_day = max(r["published"] for r in dated)
        newest = [r for r in dated if r["published"] == newest_day]
        for r in dated:
            if r["published"] < newest_day and not any(
                overlaps(_interval(r), _interval(n)) for n in newest
            ):
                verdicts[r["claim_id"]] = (
                    "superseded",
                    "revision",
                    f"revised by the same originator: {_shown(r)} ({_who(r)}) "
                    f"-> {_shown(newest[0])} ({_who(newest[0])})",
                )
                live.remove(r)
                if "revision" not in fired:
                    fired.append("revision")

    groups = _agreeing_groups(live)
    winner: list[Row] | None = groups[0] if len(groups) == 1 else None
    if len(groups) > 1:
        counts = [len({r["origin_group"] for r in g}) for g in groups]
        best = max(counts)
        if best >= 2 and counts.count(best) == 1:
            fired.append("independent_majority")
            winner = groups[counts.index(best)]
            backers = sorted({r["publisher"] or r["origin"] for r in winner})
            for g in groups:
                if g is winner:
                    continue
                for r in g:
                    verdicts[r["claim_id"]] = (
                        "outvoted",
                        "independent_majority",
                        f"{_shown(r)} disagrees with {best} independent sources "
                        f"({'; '.join(backers)})",
                    )
        else:
            # One article against itself is not a dispute between sources: the sentences
            # name something (a sector, a region) that tells the figures apart.
            verdict = "ambiguous" if len({r["source_id"] for r in live}) == 1 else "disputed"
            fired.append(verdict)
            for r, (count, listed) in zip(live, _disagreements(live), strict=True):
                more = f" and {count - len(listed)} more" if count > len(listed) else ""
                verdicts[r["claim_id"]] = (
                    verdict,
                    verdict,
                    f"{_shown(r)} ({_who(r)}) disagrees with "
                    + "; ".join(f"{_shown(live[o])} ({_who(live[o])})" for o in listed)
                    + more
                    + (
                        "; the same article gives both, so they probably describe different "
                        "things that extraction did not tell apart"
                        if verdict == "ambiguous"
                        else ""
                    ),
                )

    chosen: Row | None = None
    if winner is not None:
        ordered = sorted(
            winner,
            key=lambda r: (_width(r), _recency(r["published"]), r["char_start"], r["claim_id"]),
        )
        chosen = ordered[0]
        origins = len({r["origin_group"] for r in winner})
        if len(winner) > 1:
            fired.append("precision")
        verdicts[chosen["claim_id"]] = (
            "chosen",
            fired[-1] if fired else "single",
            _chosen_reason(len(rows), len(winner), origins),
        )
        for r in ordered[1:]:
            same = _interval(r) == _interval(chosen)
            verdicts[r["claim_id"]] = (
                "agrees",
                "precision",
                _agrees_reason(_shown(r), _who(r), _shown(chosen), same),
            )

    first = rows[0]
    resolved: Row = {k: first[k] for k in ("point_id", "metric", "entity", "period",
                                           "period_start", "period_end", "measure", "unit",
                                           "base_period")}  # fmt: skip
    resolved.update(
        status=(chosen or live[0])["status"],
        rule=",".join(fired) or "single",
        conflict=_has_conflict(rows),
        n_claims=len(rows),
        n_sources=len({r["origin_group"] for r in rows}),
    )
    if chosen is not None:
        resolved.update(
            state="resolved",
            value=chosen["value"],
            low=chosen["low"],
            high=chosen["high"],
            value_text=chosen["value_text"],
            claim_id=chosen["claim_id"],
            **{k: chosen[k] for k in ("publisher", "published", "url", "quote")},
        )
    else:
        values = [r["value"] for r in live]
        resolved.update(
            state=fired[-1],
            value=None,
            low=min(values),
            high=max(values),
            value_text=" vs ".join(dict.fromkeys(_shown(r) for r in live)),
            claim_id=None,
            publisher=None,
            published=None,
            url=None,
            quote=None,
        )
    trail = [
        {"point_id": first["point_id"], "claim_id": r["claim_id"], "verdict": v[0],
         "rule": v[1], "reason": v[2], "low": r["low"], "high": r["high"]}
        for r in rows
        for v in [verdicts[r["claim_id"]]]
    ]  # fmt: skip
    return resolved, trail


_RESOLVE_INPUTS = [
    "point_id", "metric", "entity", "period", "period_start", "period_end", "measure", "unit",
    "base_period", "status", "published", "claim_id", "source_id", "char_start", "origin",
    "origin_group", "low", "high", "value", "value_text", "publisher", "url", "quote",
]  # fmt: skip
"""What `resolve_point` reads of a claim."""


def resolve(prepared: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The resolved table and the trail for every point of the prepared claims.

    Claims are sorted once by point and statement order. Most points end at the cascade's
    last step: their claims have one status and share a value, so nothing is outranked,
    revised or outvoted; those are settled in columns (`_settle_agreeing`), the others go
    through `resolve_point` one point at a time.
    """
    point = pd.factorize(prepared["point_id"])[0]  # numbered as they first appear
    points = prepared.groupby(point)
    shared_value = points["low"].transform("max") <= points["high"].transform("min")
    agreeing = (shared_value & (points["status"].transform("nunique") == 1)).to_numpy()
    source = pd.factorize(prepared["source_id"], sort=True)[0]
    day = [d.toordinal() if d is not None else 0 for d in prepared["published"]]
    # the order of _statement_order within a point; lexsort is stable: ties keep claim order
    order = np.lexsort((prepared["char_start"].to_numpy(), source, day, point))
    settle, cascade = order[agreeing[order]], order[~agreeing[order]]
    claims = prepared[_RESOLVE_INPUTS]
    settled = _settle_agreeing(claims.take(settle), point[settle])
    cascaded = _cascade(claims.take(cascade))
    resolved, trail = (_by_point(_concat([a, b])) for a, b in zip(settled, cascaded, strict=True))
    return resolved, trail


def _by_point(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in point_id order, and in the order they came within a point."""
    order = np.argsort(frame["point_id"].to_numpy(dtype=str), kind="stable")
    return frame.take(order).reset_index(drop=True)


def _settle_agreeing(claims: pd.DataFrame, point: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`resolve_point` for points whose claims have one status and share a value: the most
    precise claim is chosen (rule `precision`, or `single` for a point stated once) and
    the others agree with it.

    `claims` come grouped by point (`point` numbers them) in statement order; the texts
    come from the helpers `resolve_point` uses, so both give the same rows.
    """
    width = (claims["high"] - claims["low"]).to_numpy()
    recency = np.array([_recency(d) for d in claims["published"]], dtype=np.int64)
    ranked = np.lexsort((
        claims["claim_id"].to_numpy(dtype=str), claims["char_start"].to_numpy(), recency, width,
        point,
    ))  # the order of resolve_point's precision sort, point by point  # fmt: skip
    firsts = ranked[np.diff(point[ranked], prepend=-1) != 0]  # the most precise of each point
    segment = np.cumsum(np.diff(point, prepend=-1) != 0) - 1  # the point's index, per claim
    pick = firsts[segment]  # the position of the chosen claim beside each claim
    count = np.bincount(segment)[segment]
    origins = claims["origin_group"].groupby(segment).transform("nunique").to_numpy()
    is_chosen = pick == np.arange(len(claims))
    reasons = np.empty(len(claims), dtype=object)
    reasons[is_chosen] = [_chosen_reason(n, n, k) for n, k in zip(
        count[is_chosen].tolist(), origins[is_chosen].tolist(), strict=True)]  # fmt: skip
    low, high = claims["low"].tolist(), claims["high"].tolist()  # floats, not numpy scalars
    value, text = claims["value"].tolist(), claims["value_text"].tolist()
    publisher, published = _plain(claims["publisher"]), claims["published"].tolist()
    reasons[~is_chosen] = [
        _agrees_reason(_signed(value[i], text[i]), _by(publisher[i], published[i]),
                       _signed(value[c], text[c]), low[i] == low[c] and high[i] == high[c])
        for i, c in zip(np.flatnonzero(~is_chosen).tolist(), pick[~is_chosen].tolist(), strict=True)
    ]  # fmt: skip
    rule = np.where(count > 1, "precision", "single")
    trail = claims[["point_id", "claim_id", "low", "high"]].assign(
        verdict=np.where(is_chosen, "chosen", "agrees"), rule=rule, reason=reasons
    )[TRAIL_COLUMNS]
    resolved = claims[is_chosen].assign(
        state="resolved",
        rule=rule[is_chosen],
        conflict=False,
        n_claims=count[is_chosen],
        n_sources=origins[is_chosen],
    )[RESOLVED_COLUMNS]
    return resolved, trail


def _cascade(claims: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`resolve_point` over each point of `claims` (sorted by point, in statement order),
    reading rows as dicts one point at a time so a large frame stays in columns."""
    points: list[tuple[Any, ...]] = []
    verdicts: list[tuple[Any, ...]] = []
    point: list[Row] = []
    for record in chain(iter_records(claims), [None]):  # None: the end of the last point
        if point and (record is None or record["point_id"] != point[0]["point_id"]):
            row, rows_trail = resolve_point(point)
            points.append(tuple(row[k] for k in RESOLVED_COLUMNS))
            verdicts.extend(tuple(t[k] for k in TRAIL_COLUMNS) for t in rows_trail)
            point = []
        if record is not None:
            point.append(record)
    return (
        pd.DataFrame.from_records(points, columns=RESOLVED_COLUMNS),
        pd.DataFrame.from_records(verdicts, columns=TRAIL_COLUMNS),
    )


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Frames one below the other; empty ones add no rows but do not turn columns to
    object (pandas warns that it will)."""
    kept = [f for f in frames if len(f)] or frames[:1]
    return pd.concat(kept, ignore_index=True)


def _statement_order(row: Row) -> tuple[Any, ...]:
    """Undated statements first, then by publication date, source and position."""
    day = row["published"]
    return (day is not None, day or date.min, row["source_id"], row["char_start"])


def iter_records(frame: pd.DataFrame) -> Iterator[Row]:
    """Rows as dicts with every missing value as None, for plain Python comparisons.

    Built column by column (one pass per column, not per cell) and yielded one at a
    time, so a caller that groups rows never holds a dict per row of a large frame.
    """
    names = list(frame.columns)
    for values in zip(*(_plain(frame[name]) for name in names), strict=True):
        yield dict(zip(names, values, strict=True))


def _plain(column: pd.Series) -> list[Any]:
    """A column as Python values, missing ones (NaN, NaT, NA) as None."""
    values = column.tolist()
    missing = column.isna().to_numpy()
    if missing.any():
        values = [
            None if gap else value for value, gap in zip(values, missing.tolist(), strict=True)
        ]
    return values


def records(frame: pd.DataFrame) -> list[Row]:
    """Every row of `frame` as a dict, missing values as None (see `iter_records`)."""
    return list(iter_records(frame))


# --- implied values --------------------------------------------------------------------

RATE_UNITS = ("%", "pp")
"""Level units whose change in % is ambiguous (points or percent): they imply nothing."""
_IMPLIED_INPUTS = ["metric", "entity", "period", "measure", "unit", "base_period", "status",
                   "value", "low", "high", "value_text", "claim_id"]  # fmt: skip
_LEVEL_VALUES = ["value", "low", "high", "value_text", "claim_id"]


def _human(value: float) -> str:
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    for size, word in ((1e12, " trillion"), (1e9, " billion"), (1e6, " million"), (1e3, " thousand")):  # fmt: skip
        if abs(value) >= size:
            return f"{value / size:.4g}{word}"
    return f"{value:.4g}"


def _span(interval: Interval) -> str:
    return f"{_human(interval[0])}-{_human(interval[1])}"


@cache
def _period(label: str) -> Period:
    """A period from its label; a series repeats the same few labels."""
    return period_from_label(label)


@cache
def _year_before(label: str) -> str:
    """The label of the same span a year earlier: the base of year-on-year growth."""
    return shift_years(_period(label), -1).label


def implied_values(resolved: pd.DataFrame) -> pd.DataFrame:
    """Levels implied by growth claims and their base levels, growth implied by level pairs.

    A growth claim with a level for its base period implies the level of its own period
    (and with a level for its own period, the base level); a pair of levels a year apart
    implies their growth. Where a stated figure exists the implied one checks it.
    Worked on columns: joins find the levels, numpy does the interval arithmetic, and
    only the formulas are written row by row.
    """
    points = resolved.loc[resolved["state"] == "resolved", _IMPLIED_INPUTS]
    points = _as_objects(points, ["entity", "period", "base_period"])
    levels = points[(points["measure"] == "level") & points["period"].notna()]
    levels = levels.drop_duplicates(["metric", "entity", "period", "unit", "status"], keep="last")
    growths = points[
        (points["measure"] == "growth") & points["base_period"].notna() & points["period"].notna()
    ]
    frame = _concat([_levels_from_growth(growths, levels), _growth_from_levels(levels, growths)])
    return frame.drop_duplicates("implied_id").reset_index(drop=True)


def _side(levels: pd.DataFrame, prefix: str, keys: dict[str, str]) -> pd.DataFrame:
    """`levels` ready to join: the `keys` columns renamed to the other side's names, the
    values prefixed (`before_value`, `after_claim_id`)."""
    frame = levels[["metric", "entity", *keys, *_LEVEL_VALUES]]
    return frame.rename(columns={**keys, **{v: f"{prefix}_{v}" for v in _LEVEL_VALUES}})


def _levels_from_growth(growths: pd.DataFrame, levels: pd.DataFrame) -> pd.DataFrame:
    """Each growth in % or as a multiple, with each level unit of its series: times the
    base period's actual level it gives its own period's level (checked against the
    level stated for it), or divided into its own period's level the base level."""
    g = growths[growths["unit"].isin(["pct_change", "x"])]
    pct = (g["unit"] == "pct_change").to_numpy()
    g = g.assign(
        _order=np.arange(len(g)),
        factor_low=np.where(pct, 1 + g["low"] / 100, g["low"]),
        factor_high=np.where(pct, 1 + g["high"] / 100, g["high"]),
        factor=np.where(pct, 1 + g["value"] / 100, g["value"]),
        how=[f"× {t}" if u == "x" else f"× (1 + {t})"
             for t, u in zip(map(_signed, g["value"], g["value_text"]), g["unit"], strict=True)],
    )  # fmt: skip
    units = levels[["metric", "entity", "unit"]].drop_duplicates()
    units = units[~units["unit"].isin(RATE_UNITS)].rename(columns={"unit": "level_unit"})
    pairs = g.merge(units, on=["metric", "entity"]).sort_values(["_order", "level_unit"])
    actual = levels[levels["status"] == "actual"]
    pairs = pairs.merge(
        _side(actual, "before", {"period": "base_period", "unit": "level_unit"}),
        how="left", on=["metric", "entity", "base_period", "level_unit"],
    ).merge(
        _side(levels, "after", {"period": "period", "unit": "level_unit", "status": "status"}),
        how="left", on=["metric", "entity", "period", "level_unit", "status"],
    )  # fmt: skip
    has_before = pairs["before_claim_id"].notna()
    forward = pairs[has_before]
    low, high = _mul(
        (forward["before_low"], forward["before_high"]),
        (forward["factor_low"], forward["factor_high"]),
    )
    rows = [
        _implied(
            forward, period=forward["period"], measure="level", unit=forward["level_unit"],
            status=forward["status"], value=forward["before_value"] * forward["factor"],
            low=low, high=high, inputs=[forward["before_claim_id"], forward["claim_id"]],
            stated="after",
            formula=_texts(
                "{text} ({base}) {how} = {span} {unit} for {period}",
                text=forward["before_value_text"], base=forward["base_period"],
                how=forward["how"], span=_spans(low, high), unit=forward["level_unit"],
                period=forward["period"],
            ),
        )
    ]  # fmt: skip
    back = pairs[~has_before & pairs["after_claim_id"].notna()]
    low, high = _div(
        (back["after_low"], back["after_high"]), (back["factor_low"], back["factor_high"])
    )
    implies = ~np.isnan(low)
    back, low, high = back[implies], low[implies], high[implies]
    rows.append(
        _implied(
            back, period=back["base_period"], measure="level", unit=back["level_unit"],
            status="actual", value=back["after_value"] / back["factor"], low=low, high=high,
            inputs=[back["after_claim_id"], back["claim_id"]], stated=None,
            formula=_texts(
                "{text} ({period}) ÷ {how} = {span} {unit} for {base}",
                text=back["after_value_text"], period=back["period"],
                how=[how[2:] for how in back["how"]], span=_spans(low, high),
                unit=back["level_unit"],
                base=back["base_period"],
            ),
        )
    )  # fmt: skip
    return pd.concat(rows).sort_index(kind="stable")  # one row per growth and unit, in order


def _growth_from_levels(levels: pd.DataFrame, growths: pd.DataFrame) -> pd.DataFrame:
    """Each actual level with a positive actual level a year before: their ratio gives
    the growth in %, checked against the growth stated for the year."""
    after = levels[(levels["status"] == "actual") & ~levels["unit"].isin(RATE_UNITS)]
    bases = {label: _year_before(label) for label in after["period"].unique()}
    after = after.assign(base_period=after["period"].map(bases).astype(object))
    actual = levels[levels["status"] == "actual"]
    pairs = after.merge(
        _side(actual, "before", {"period": "base_period", "unit": "unit"}),
        on=["metric", "entity", "base_period", "unit"],
    )
    pairs = pairs[(pairs["before_value"] > 0) & (pairs["before_low"] > 0)]
    stated = growths[(growths["unit"] == "pct_change") & (growths["status"] == "actual")]
    stated = stated.drop_duplicates(["metric", "entity", "period", "base_period"], keep="last")
    pairs = pairs.merge(
        _side(stated, "stated", {"period": "period", "base_period": "base_period"}),
        how="left",
        on=["metric", "entity", "period", "base_period"],
    )
    low, high = _div((pairs["low"], pairs["high"]), (pairs["before_low"], pairs["before_high"]))
    low, high = (low - 1) * 100, (high - 1) * 100
    return _implied(
        pairs, period=pairs["period"], measure="growth", unit="pct_change", status="actual",
        value=(pairs["value"] / pairs["before_value"] - 1) * 100, low=low, high=high,
        inputs=[pairs["claim_id"], pairs["before_claim_id"]], stated="stated",
        base_period=pairs["base_period"],
        formula=_texts(
            "{text} ({period}) ÷ {before} ({base}) - 1 = {low:+.1f}% to {high:+.1f}%",
            text=pairs["value_text"], period=pairs["period"], before=pairs["before_value_text"],
            base=pairs["base_period"], low=low.tolist(), high=high.tolist(),
        ),
    )  # fmt: skip


def _texts(template: str, **columns: Iterable[Any]) -> list[str]:
    """`template` filled in row by row from `columns` (by field name)."""
    names = list(columns)
    rows = zip(*columns.values(), strict=True)
    return [template.format_map(dict(zip(names, row, strict=True))) for row in rows]


def _spans(low: np.ndarray, high: np.ndarray) -> list[str]:
    return [_span(interval) for interval in zip(low.tolist(), high.tolist(), strict=True)]


def _implied(
    rows: pd.DataFrame, *, period: Any, measure: str, unit: Any, status: Any, value: Any,
    low: np.ndarray, high: np.ndarray, inputs: list[pd.Series], formula: list[str],
    stated: str | None, base_period: Any = None,
) -> pd.DataFrame:  # fmt: skip
    """One implied value per row of `rows`, as IMPLIED_COLUMNS; where the columns
    prefixed `stated` name a stated figure it is checked against it (else `fills_gap`)."""
    frame = pd.DataFrame({
        "metric": rows["metric"], "entity": rows["entity"], "period": period,
        "measure": measure, "unit": unit, "base_period": base_period, "status": status,
        "value": value, "low": low, "high": high, "formula": formula,
        "inputs": inputs[0] + "," + inputs[1], "consistency": "fills_gap",
        "stated_value": None, "stated_text": None, "stated_claim_id": None,
    }, index=rows.index)  # fmt: skip
    if stated is not None:
        figure = rows[[f"{stated}_{v}" for v in _LEVEL_VALUES]].set_axis(_LEVEL_VALUES, axis=1)
        known = figure["claim_id"].notna()
        agrees = (frame["low"] <= figure["high"]) & (figure["low"] <= frame["high"])
        check = pd.Series(np.where(agrees, "consistent", "inconsistent"), index=frame.index)
        frame["consistency"] = check.where(known, "fills_gap")
        frame["formula"] = [
            f"{f}; stated {text} ({_span((lo, hi))}): {c}" if k else f
            for f, k, text, lo, hi, c in zip(
                frame["formula"], known, figure["value_text"], figure["low"], figure["high"],
                frame["consistency"], strict=True,
            )
        ]  # fmt: skip
        frame["stated_value"] = figure["value"].where(known, None)
        frame["stated_text"] = figure["value_text"].where(known, None)
        frame["stated_claim_id"] = figure["claim_id"].where(known, None)
    periods = {label: _period(label) for label in frame["period"].unique()}
    frame["period_start"] = frame["period"].map(lambda label: periods[label].start)
    frame["period_end"] = frame["period"].map(lambda label: periods[label].end)
    frame["implied_id"] = [
        hashlib.sha1(f"{measure}|{p}|{a}|{b}".encode()).hexdigest()[:16]
        for p, a, b in zip(frame["period"], inputs[0], inputs[1], strict=True)
    ]
    return frame[IMPLIED_COLUMNS]


def fill_gaps(resolved: pd.DataFrame, implied: pd.DataFrame) -> pd.DataFrame:
    """Resolved points plus one `implied` point where a series has no stated figure."""
    gaps = implied[implied["consistency"] == "fills_gap"].copy()
    if gaps.empty:
        return resolved
    gaps["kind"] = "estimate"
    gaps["point_id"] = point_ids(gaps)
    gaps = gaps[~gaps["point_id"].isin(resolved["point_id"])]
    gaps = gaps.assign(width=gaps["high"] - gaps["low"]).sort_values(["width", "implied_id"])
    gaps = gaps.drop_duplicates("point_id")
    filled = gaps.assign(
        state="implied", rule="implied", conflict=False, n_claims=0, n_sources=0,
        value_text=gaps["formula"], claim_id=None, publisher=None, published=None, url=None,
        quote=None,
    )[RESOLVED_COLUMNS]  # fmt: skip
    return pd.concat([resolved, filled], ignore_index=True)


# --- forecasts and targets -------------------------------------------------------------


def forecast_errors(prepared: pd.DataFrame, resolved: pd.DataFrame) -> pd.DataFrame:
    """Every forecast whose point has a resolved actual, with how far off it was."""
    actual = resolved.loc[
        (resolved["state"] == "resolved") & (resolved["status"] == "actual"),
        ["point_id", "claim_id", "value", "value_text", "publisher", "published", "low", "high"],
    ]
    forecasts = prepared[prepared["status"] == "forecast"]
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
    stated = prepared[prepared["status"] == "target"]
    for record in records(stated):
        key = (record["metric"], record["entity"] or "", record["measure"], record["unit"])
        groups[key].append(record)
    for key in sorted(groups):
        group_chains: list[_Chain] = []
        for s in sorted(groups[key], key=_statement_order):
            same_value = [c for c in group_chains if overlaps(_interval(c.current), _interval(s))]
            same_deadline = [c for c in group_chains if c.current["period"] == s["period"]]
            other_article = [c for c in group_chains if c.current["source_id"] != s["source_id"]]
            chain, event = None, "set"
            if match := [c for c in same_value if c in same_deadline]:
                chain, event = match[-1], "restated"
            elif match := [c for c in same_value if c in other_article]:
                chain = match[-1]
                earlier = (_deadline_year(s) or 0) < (_deadline_year(chain.current) or 0)
                event = "deadline_brought_forward" if earlier else "deadline_pushed_back"
            elif match := [c for c in same_deadline if c in other_article]:
                chain = match[-1]
                event = "value_raised" if s["value"] > chain.current["value"] else "value_lowered"
            if chain is None:
                chain = _Chain(target_id=s["claim_id"], current=s)
                group_chains.append(chain)
                previous = None
            else:
                previous = chain.current
                chain.current = s
                chain.revisions += event != "restated"
            chain.events += 1
            change = (
                f"{previous['value_text']} by {previous['period']} -> {s['value_text']} by {s['period']}"
                if previous is not None and event != "restated" else None
            )  # fmt: skip
            history.append({
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
            })  # fmt: skip
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
        actual = resolved[wanted.isin(pairs) & (resolved["status"] == "actual") & full_year]
        levels = actual[(actual["measure"] == "level") & (actual["state"] == "resolved")]
        for r in records(levels[["metric", "entity", "unit", "period", "value", "high"]]):
            self.levels[(r["metric"], r["entity"] or "", r["unit"])].append(r)
        growth = actual[
            (actual["measure"] == "growth")
            & (actual["unit"] == "pct_change")
            & actual["state"].isin(["resolved", "implied"])
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
    if t["measure"] != "level" or t["unit"] not in settings().progress_units or deadline is None:
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


def reconcile(claims: pd.DataFrame, sources: pd.DataFrame) -> Reconciliation:
    """Run every reconciliation step over the stored claims and their sources.

    Every step combines claims of one metric only, so running it metric by metric and
    concatenating the tables gives the same rows (the store may, to bound memory).
    """
    prepared = prepare(claims, sources)
    resolved, trail = resolve(prepared)
    errors = forecast_errors(prepared, resolved)
    stated_targets = prepared[prepared["status"] == "target"]
    del prepared  # the largest frame; what follows needs only its targets
    implied = implied_values(resolved)
    series = fill_gaps(resolved, implied)
    history, targets = target_history(stated_targets, series)
    return Reconciliation(
        resolved=series,
        trail=trail,
        implied=implied,
        forecast_errors=errors,
        target_history=history,
        targets=targets,
    )


def summarize(recon: Reconciliation) -> str:
    """One line on what a reconciliation found, for the command line."""
    states = recon.resolved["state"].value_counts()
    checks = recon.implied["consistency"].value_counts()
    return (
        f"{states.get('resolved', 0)} figures resolved, {states.get('disputed', 0)} disputed, "
        f"{states.get('ambiguous', 0)} ambiguous, "
        f"{int(recon.resolved['conflict'].fillna(False).astype(bool).sum())} with conflicts, "
        f"{states.get('implied', 0)} gaps filled by implied values; implied checks "
        f"{checks.get('consistent', 0)} consistent, {checks.get('inconsistent', 0)} inconsistent; "
        f"{len(recon.forecast_errors)} forecast errors; {len(recon.targets)} targets "
        f"with {int(recon.targets['revisions'].fillna(0).sum())} revisions"
    )
