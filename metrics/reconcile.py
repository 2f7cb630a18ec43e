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
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import pandas as pd
import yaml

from metrics.models import Quantity
from metrics.periods import period_from_label, shift_years
from metrics.quantities import parse_quantity, rounding_step

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

_SOURCE_FIELDS = ["publisher", "published", "url", "title"]


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


def _mul(a: Interval, b: Interval) -> Interval:
    products = [x * y for x in a for y in b]
    products = [p for p in products if not math.isnan(p)]  # inf x 0 bounds nothing
    return min(products), max(products)


def _div(a: Interval, b: Interval) -> Interval | None:
    if b[0] <= 0:
        return None  # a factor that may be zero or negative implies nothing
    return _mul(a, (1 / b[1] if not math.isinf(b[1]) else 0.0, 1 / b[0]))


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
    originator, or the same sentence republished by another outlet."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for claim_id, origin, quote in zip(
        frame["claim_id"], frame["origin"], frame["quote"], strict=True
    ):
        text = "quote:" + re.sub(r"\W+", " ", quote).strip().lower()
        for other in (f"origin:{origin}", text):
            parent[find(other)] = find(f"claim:{claim_id}")
    return frame["claim_id"].map(lambda c: find(f"claim:{c}"))


def prepare(claims: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Claims with their source's provenance, interval, originator and point key."""
    frame = claims.merge(sources[["source_id", *_SOURCE_FIELDS]], on="source_id", how="left")
    frame = with_dates(frame, "published", "period_start", "period_end")
    intervals = [
        claim_interval(v, t, q)
        for v, t, q in zip(frame["value"], frame["value_text"], frame["qualifier"], strict=True)
    ]
    frame["low"] = [i[0] for i in intervals]
    frame["high"] = [i[1] for i in intervals]
    frame["origin"] = [
        originator(p) or f"source:{s}"
        for p, s in zip(frame["publisher"], frame["source_id"], strict=True)
    ]
    frame["origin_group"] = _independent_origins(frame) if len(frame) else []
    frame["kind"] = frame["status"].map(lambda s: "target" if s == "target" else "estimate")
    frame["point_id"] = [_point_id(row) for row in frame[POINT_KEY].to_dict("records")]
    return frame


def _point_id(key: Row) -> str:
    text = "|".join("" if _missing(key[k]) else str(key[k]) for k in POINT_KEY)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def _missing(value: Any) -> bool:
    """None, NaN or NaT: what pandas and DuckDB hand back for a NULL."""
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)  # cheaper than pd.isna per cell


def with_dates(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """`columns` as `datetime.date` or None, however DuckDB or pandas typed them."""
    frame = frame.copy()
    for column in columns:
        values = pd.to_datetime(frame[column]).dt.date
        frame[column] = values.astype(object).where(values.notna(), None)
    return frame


# --- resolution ------------------------------------------------------------------------


def _interval(row: Row) -> Interval:
    return row["low"], row["high"]


def _width(row: Row) -> float:
    return row["high"] - row["low"]


def _day(row: Row) -> str:
    return row["published"].isoformat() if row["published"] else "an unknown date"


def _shown(row: Row) -> str:
    """The figure as written, signed where the text gives a fall without a minus ("24%")."""
    text = row["value_text"]
    return f"-{text}" if row["value"] < 0 and not re.search(r"[-−–]", text) else text


def _who(row: Row) -> str:
    return f"{row['publisher'] or 'an unnamed source'}, {_day(row)}"


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
            for r in live:
                others = [o for o in live if not overlaps(_interval(o), _interval(r))]
                verdicts[r["claim_id"]] = (
                    verdict,
                    verdict,
                    f"{_shown(r)} ({_who(r)}) disagrees with "
                    + "; ".join(f"{_shown(o)} ({_who(o)})" for o in others)
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
            key=lambda r: (
                _width(r),
                -(r["published"].toordinal() if r["published"] else 0),
                r["char_start"],
                r["claim_id"],
            ),
        )
        chosen = ordered[0]
        origins = len({r["origin_group"] for r in winner})
        if len(winner) > 1:
            fired.append("precision")
        verdicts[chosen["claim_id"]] = (
            "chosen",
            fired[-1] if fired else "single",
            "only claim for this figure"
            if len(rows) == 1
            else f"most precise of {len(winner)} agreeing claims from {origins} "
            f"independent source{'s' if origins != 1 else ''}",
        )
        for r in ordered[1:]:
            same = _interval(r) == _interval(chosen)
            verdicts[r["claim_id"]] = (
                "agrees",
                "precision",
                f"{_shown(r)} ({_who(r)}) agrees with the chosen "
                f"{_shown(chosen)}{'' if same else ', which is more precise'}",
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


def resolve(prepared: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The resolved table and the trail for every point of the prepared claims."""
    resolved: list[Row] = []
    trail: list[Row] = []
    points: dict[str, list[Row]] = defaultdict(list)
    for record in records(prepared):  # one conversion: per-group frames cost 100x more
        points[record["point_id"]].append(record)
    for point_id in sorted(points):
        row, rows_trail = resolve_point(sorted(points[point_id], key=_statement_order))
        resolved.append(row)
        trail.extend(rows_trail)
    return (
        pd.DataFrame(resolved, columns=RESOLVED_COLUMNS),
        pd.DataFrame(trail, columns=TRAIL_COLUMNS),
    )


def _statement_order(row: Row) -> tuple[Any, ...]:
    """Undated statements first, then by publication date, source and position."""
    day = row["published"]
    return (day is not None, day or date.min, row["source_id"], row["char_start"])


def records(frame: pd.DataFrame) -> list[Row]:
    """Rows as dicts with every missing value as None, for plain Python comparisons."""
    return [
        {k: (None if _missing(v) else v) for k, v in row.items()}
        for row in frame.to_dict("records")
    ]


# --- implied values --------------------------------------------------------------------


def _factor(growth: Row) -> Interval | None:
    """The multiplier a growth claim states: +62 % -> [1.615, 1.625]."""
    if growth["unit"] == "pct_change":
        return 1 + growth["low"] / 100, 1 + growth["high"] / 100
    if growth["unit"] == "x":
        return growth["low"], growth["high"]
    return None


def _human(value: float) -> str:
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    for size, word in ((1e12, " trillion"), (1e9, " billion"), (1e6, " million"), (1e3, " thousand")):  # fmt: skip
        if abs(value) >= size:
            return f"{value / size:.4g}{word}"
    return f"{value:.4g}"


def _span(interval: Interval) -> str:
    return f"{_human(interval[0])}-{_human(interval[1])}"


def _implied_row(
    base: Row, period: str, measure: str, unit: str, status: str, interval: Interval,
    value: float, formula: str, inputs: Iterable[str], stated: Row | None,
    base_period: str | None = None,
) -> Row:  # fmt: skip
    p = period_from_label(period)
    check = "fills_gap"
    if stated is not None:
        agrees = overlaps(interval, (stated["low"], stated["high"]))
        check = "consistent" if agrees else "inconsistent"
        formula += (
            f"; stated {stated['value_text']} ({_span((stated['low'], stated['high']))}): {check}"
        )
    inputs = list(inputs)
    return {
        "implied_id": hashlib.sha1(f"{measure}|{period}|{'|'.join(inputs)}".encode()).hexdigest()[:16],
        "metric": base["metric"], "entity": base["entity"], "period": period,
        "period_start": p.start, "period_end": p.end, "measure": measure, "unit": unit,
        "base_period": base_period, "status": status, "value": value,
        "low": interval[0], "high": interval[1], "formula": formula,
        "inputs": ",".join(inputs), "consistency": check,
        "stated_value": stated["value"] if stated else None,
        "stated_text": stated["value_text"] if stated else None,
        "stated_claim_id": stated["claim_id"] if stated else None,
    }  # fmt: skip


def implied_values(resolved: pd.DataFrame) -> pd.DataFrame:
    """Levels implied by growth claims and their base levels, growth implied by level pairs.

    A growth claim with a level for its base period implies the level of its own period
    (and with a level for its own period, the base level); a pair of levels a year apart
    implies their growth. Where a stated figure exists the implied one checks it.
    """
    points = records(resolved[resolved["state"] == "resolved"])
    levels = {
        (r["metric"], r["entity"], r["period"], r["unit"], r["status"]): r
        for r in points
        if r["measure"] == "level" and r["period"]
    }
    level_units = defaultdict(set)
    for m, e, _, unit, _ in levels:
        level_units[(m, e)].add(unit)
    growths = [r for r in points if r["measure"] == "growth" and r["base_period"] and r["period"]]
    stated_growth = {
        (g["metric"], g["entity"], g["period"], g["base_period"], g["unit"], g["status"]): g
        for g in growths
    }
    rows: list[Row] = []
    for g in growths:
        factor = _factor(g)
        if factor is None:
            continue
        m, e, period, base = g["metric"], g["entity"], g["period"], g["base_period"]
        for unit in sorted(level_units[(m, e)]):
            if unit in ("%", "pp"):
                continue  # a rate's change in % is ambiguous between points and percent
            before = levels.get((m, e, base, unit, "actual"))
            after = levels.get((m, e, period, unit, g["status"]))
            how = f"× {_shown(g)}" if g["unit"] == "x" else f"× (1 + {_shown(g)})"
            if before is not None:
                interval = _mul((before["low"], before["high"]), factor)
                rows.append(_implied_row(
                    g, period, "level", unit, g["status"], interval,
                    before["value"] * _factor_value(g),
                    f"{before['value_text']} ({base}) {how} = {_span(interval)} {unit} for {period}",
                    [before["claim_id"], g["claim_id"]], after,
                ))  # fmt: skip
            if after is not None and before is None:
                interval = _div((after["low"], after["high"]), factor)
                if interval is not None:
                    rows.append(_implied_row(
                        g, base, "level", unit, "actual", interval,
                        after["value"] / _factor_value(g),
                        f"{after['value_text']} ({period}) ÷ {how[2:]} = {_span(interval)} {unit} for {base}",
                        [after["claim_id"], g["claim_id"]], None,
                    ))  # fmt: skip
    for (m, e, period, unit, status), after in levels.items():
        if status != "actual" or unit in ("%", "pp"):
            continue
        base = shift_years(period_from_label(period), -1).label
        before = levels.get((m, e, base, unit, "actual"))
        if before is None or before["value"] <= 0 or before["low"] <= 0:
            continue
        ratio = _div((after["low"], after["high"]), (before["low"], before["high"]))
        if ratio is None:
            continue
        interval = ((ratio[0] - 1) * 100, (ratio[1] - 1) * 100)
        stated = stated_growth.get((m, e, period, base, "pct_change", "actual"))
        rows.append(_implied_row(
            after, period, "growth", "pct_change", "actual", interval,
            (after["value"] / before["value"] - 1) * 100,
            f"{after['value_text']} ({period}) ÷ {before['value_text']} ({base}) - 1 = "
            f"{interval[0]:+.1f}% to {interval[1]:+.1f}%",
            [after["claim_id"], before["claim_id"]], stated, base_period=base,
        ))  # fmt: skip
    frame = pd.DataFrame(rows, columns=IMPLIED_COLUMNS)
    return frame.drop_duplicates("implied_id").reset_index(drop=True)


def _factor_value(growth: Row) -> float:
    return 1 + growth["value"] / 100 if growth["unit"] == "pct_change" else growth["value"]


def fill_gaps(resolved: pd.DataFrame, implied: pd.DataFrame) -> pd.DataFrame:
    """Resolved points plus one `implied` point where a series has no stated figure."""
    gaps = implied[implied["consistency"] == "fills_gap"].copy()
    if gaps.empty:
        return resolved
    gaps["kind"] = "estimate"
    gaps["point_id"] = [_point_id(row) for row in gaps[POINT_KEY].to_dict("records")]
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
    """Every forecast whose period has a resolved actual, with how far off it was."""
    actual = {
        r["point_id"]: r
        for r in records(resolved)
        if r["state"] == "resolved" and r["status"] == "actual"
    }
    rows: list[Row] = []
    for f in records(prepared[prepared["status"] == "forecast"]):
        a = actual.get(f["point_id"])
        if a is None:
            continue
        error = f["value"] - a["value"]
        lead = (f["period_end"] - f["published"]).days if f["period_end"] and f["published"] else None
        rows.append({
            "metric": f["metric"], "entity": f["entity"], "period": f["period"],
            "measure": f["measure"], "unit": f["unit"], "forecast_claim_id": f["claim_id"],
            "forecast_value": f["value"], "forecast_text": f["value_text"],
            "forecaster": f["publisher"], "forecast_published": f["published"],
            "forecast_quote": f["quote"], "actual_claim_id": a["claim_id"],
            "actual_value": a["value"], "actual_text": a["value_text"],
            "actual_publisher": a["publisher"], "actual_published": a["published"],
            "error": error, "error_pct": error / a["value"] * 100 if a["value"] else None,
            "within_interval": overlaps(_interval(f), _interval(a)), "lead_days": lead,
        })  # fmt: skip
    return pd.DataFrame(rows, columns=FORECAST_ERROR_COLUMNS)


@dataclass
class _Chain:
    target_id: str
    current: Row
    events: int = 0
    revisions: int = 0


def _deadline_year(row: Row) -> int | None:
    return row["period_end"].year if row["period_end"] else None


def target_history(prepared: pd.DataFrame, resolved: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Targets as objects: each restatement, moved deadline or changed value is an event.

    Statements are taken in publication order. One that repeats a target's value with
    another deadline moves the deadline; one that keeps the deadline with another value
    revises the value; a statement from the same article as the target, or one that
    changes both, is a separate target (a milestone), not a revision.
    """
    history: list[Row] = []
    chains: list[_Chain] = []
    groups: dict[tuple[Any, ...], list[Row]] = defaultdict(list)
    for record in records(prepared[prepared["status"] == "target"]):
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
    actuals = _SeriesIndex(resolved)
    summary = [_target_status(c, first_stated[c.target_id], actuals) for c in chains]
    return (
        pd.DataFrame(history, columns=TARGET_HISTORY_COLUMNS),
        pd.DataFrame(summary, columns=TARGET_COLUMNS),
    )


class _SeriesIndex:
    """Resolved full-year actual levels and year-on-year growth, looked up by series."""

    def __init__(self, resolved: pd.DataFrame) -> None:
        self.levels: dict[tuple[Any, ...], list[Row]] = defaultdict(list)
        self.growth: dict[tuple[Any, ...], float] = {}
        for r in records(resolved):
            if r["status"] != "actual" or not re.fullmatch(r"\d{4}", r["period"] or ""):
                continue
            series = (r["metric"], r["entity"] or "", r["unit"])
            if r["measure"] == "level" and r["state"] == "resolved":
                self.levels[series].append(r)
            elif (
                r["measure"] == "growth"
                and r["unit"] == "pct_change"
                and r["state"] in ("resolved", "implied")
                and r["base_period"] == str(int(r["period"]) - 1)
            ):
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
    row["recent_growth_pct"] = actuals.growth.get((t["metric"], t["entity"] or "", latest["period"]))
    if latest["high"] >= t["value"]:
        row["outlook"] = "achieved"
    elif left <= 0:
        row["outlook"] = "missed"
    elif row["recent_growth_pct"] is not None and row["required_growth_pct"] is not None:
        on_track = row["recent_growth_pct"] >= row["required_growth_pct"]
        row["outlook"] = "on_track" if on_track else "off_track"
    return row


def reconcile(claims: pd.DataFrame, sources: pd.DataFrame) -> Reconciliation:
    """Run every reconciliation step over the stored claims and their sources."""
    prepared = prepare(claims, sources)
    resolved, trail = resolve(prepared)
    implied = implied_values(resolved)
    series = fill_gaps(resolved, implied)
    history, targets = target_history(prepared, series)
    return Reconciliation(
        resolved=series,
        trail=trail,
        implied=implied,
        forecast_errors=forecast_errors(prepared, resolved),
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

