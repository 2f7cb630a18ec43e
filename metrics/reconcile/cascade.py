"""The resolution cascade: which figure holds for each point, and why.

Inside a point (one figure: metric, entity, period, measure, unit, base period, kind,
scope) the rules below run in the order of `RULES`, and every claim leaves a verdict and
its reason in the trail. Claims without a period never get here (`resolve` leaves them
out: the `undated` table lists them).
"""

from __future__ import annotations

import math
import re
import statistics
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import chain
from typing import Any

import numpy as np
import pandas as pd

from metrics.reconcile.frames import Row, concat, iter_records, plain
from metrics.reconcile.intervals import Interval, disagreements, interval_of, overlaps
from metrics.reconcile.plausibility import human_number
from metrics.reconcile.settings import settings
from metrics.vocab import PointState, Status, Verdict

RESOLVED_COLUMNS = [
    "point_id", "metric", "entity", "period", "period_start", "period_end", "measure",
    "unit", "base_period", "status", "state", "value", "low", "high", "value_text",
    "claim_id", "rule", "conflict", "n_claims", "n_sources", "publisher", "published",
    "url", "quote", "scope",
]  # fmt: skip
TRAIL_COLUMNS = ["point_id", "claim_id", "verdict", "rule", "reason", "low", "high",
                 "originator", "superseded_by"]  # fmt: skip
"""`originator`: who states the figure (the claim's originator, else its publisher);
`superseded_by`: the claim of the same originator that revised it."""

_SET_ASIDE = {Verdict.SUPERSEDED, Verdict.IMPLAUSIBLE, Verdict.SPREAD, Verdict.MIRROR}
"""Verdicts of claims that are no conflict: earlier vintages, implausible figures, and
figures that legitimately differ (forecasters, the two partners of a flow)."""


def _width(row: Row) -> float:
    return row["high"] - row["low"]


def _shown(row: Row) -> str:
    return signed(row["value"], row["value_text"])


def signed(value: float, text: str) -> str:
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
            common = interval_of(row)
    return groups


def _has_conflict(rows: Sequence[Row]) -> bool:
    """Claims of one status disagree; forecasts only when one originator disagrees with
    itself (different forecasters' figures are a spread, not a conflict)."""
    by_status: dict[tuple[Any, ...], list[Row]] = defaultdict(list)
    for row in rows:
        forecaster = row["origin_group"] if row["status"] == Status.FORECAST else None
        by_status[(row["status"], forecaster)].append(row)
    return any(len(_agreeing_groups(group)) > 1 for group in by_status.values())


def best_supported(rows: Sequence[Row]) -> Row:
    """Of disagreeing claims, the one a forecast is best scored against when no value was
    chosen: the group of agreeing claims backed by the most independent origins (then
    the most claims, then the latest statement), and its most precise claim."""
    def support(group: list[Row]) -> tuple[int, int, int]:
        latest = max((r["published"].toordinal() for r in group if r["published"]), default=0)
        return len({r["origin_group"] for r in group}), len(group), latest

    best = max(_agreeing_groups(rows), key=support)
    return min(best, key=lambda r: (_width(r), _recency(r["published"]), r["char_start"], r["claim_id"]))


TrailEntry = tuple[str, str, str]
"""What the trail records of a claim: its verdict, the rule that gave it, and why."""


@dataclass
class _Point:
    """The claims of one point on their way through the cascade: the rules narrow `live`,
    write verdicts, name themselves in `fired` and leave `winner`, the agreeing claims a
    value is chosen from, and `chosen`, the claim whose value it is."""

    rows: Sequence[Row]
    live: list[Row]
    verdicts: dict[str, TrailEntry] = field(default_factory=dict)
    fired: list[str] = field(default_factory=list)
    winner: list[Row] | None = None
    chosen: Row | None = None
    superseded_by: dict[str, str] = field(default_factory=dict)
    set_aside: list[Row] = field(default_factory=list)  # implausible, spread or mirror claims
    spread: tuple[float, float, float] | None = None  # min, median, max of the forecasters


def _implausible(point: _Point) -> None:
    """A figure an order of magnitude off related figures (`plausibility`) is never the
    value and neither outvotes nor disputes the others."""
    flagged = [r for r in point.live if isinstance(r["implausible"], str)]
    if not flagged:
        return
    point.fired.append(Verdict.IMPLAUSIBLE)
    for r in flagged:
        point.verdicts[r["claim_id"]] = (Verdict.IMPLAUSIBLE, Verdict.IMPLAUSIBLE, r["implausible"])
        point.live.remove(r)
        point.set_aside.append(r)


def _actual_over_forecast(point: _Point) -> None:
    """An actual outranks the forecasts of a period that had ended by the latest statement;
    while the period still runs, the forecast for the whole of it outranks a partial actual."""
    actuals = [r for r in point.live if r["status"] == Status.ACTUAL]
    forecasts = [r for r in point.live if r["status"] == Status.FORECAST]
    if not (actuals and forecasts):
        return
    point.fired.append("actual_over_forecast")
    end = point.rows[0]["period_end"]
    dates = [r["published"] for r in point.rows if r["published"]]
    latest = max(dates) if dates else None
    ended = end is None or latest is None or end < latest
    kept, outranked = (actuals, forecasts) if ended else (forecasts, actuals)
    for r in outranked:
        reason = (
            f"forecast ({_who(r)}); the period ended {end or 'before'} "
            "and an actual figure was published"
            if ended
            else f"partial actual: the period was still running on {latest}, so the "
            "forecast for the whole period is kept"
        )
        point.verdicts[r["claim_id"]] = ("outranked", "actual_over_forecast", reason)
    point.live = kept


def _revision(point: _Point) -> None:
    """An originator's later statement supersedes its earlier ones that it does not restate,
    and the earlier vintage a revision sentence names ("raised to 5.5% from 5.0%") is
    superseded by the new figure of the same sentence."""
    by_origin: dict[str, list[Row]] = defaultdict(list)
    for r in point.live:
        by_origin[r["origin"]].append(r)
    for group in by_origin.values():
        current = [r for r in group if not r["superseded"]]
        for r in (r for r in group if r["superseded"]):
            if (new := _revised_to(r, current)) is not None:
                _supersede(point, r, new, named=True)
        dated = [r for r in current if r["published"]]
        if not dated:
            continue
        newest_day = max(r["published"] for r in dated)
        newest = [r for r in dated if r["published"] == newest_day]
        for r in dated:
            if r["published"] < newest_day and not any(_restates(r, n) for n in newest):
                _supersede(point, r, newest[0], named=False)


def _restates(a: Row, b: Row) -> bool:
    """One figure rounds the other: either value lies strictly inside the other's
    interval ("2.8 million" restates 2.76 million; "5 percent" does not restate 5.5 %,
    which rounds to 6). A later figure that does not restate the earlier one revises it,
    even where their intervals touch."""
    return a["low"] < b["value"] < a["high"] or b["low"] < a["value"] < b["high"]


def _revised_to(vintage: Row, current: Sequence[Row]) -> Row | None:
    """The figure a revision sentence revised `vintage` to: the same originator's figure
    of the same article (the nearest one), else its latest; None when the point has no
    other figure of the originator (the vintage is then all it says about the point, and
    stays, as extraction put the new figure elsewhere)."""
    same = [r for r in current if r["source_id"] == vintage["source_id"]]
    if same:
        return min(same, key=lambda r: abs(r["char_start"] - vintage["char_start"]))
    return min(current, key=lambda r: _recency(r["published"]), default=None)


def _supersede(point: _Point, old: Row, new: Row, *, named: bool) -> None:
    """`old` is an earlier vintage of its originator, revised to `new`."""
    who = old["originator"] or old["origin"]
    if named:
        reason = f"earlier vintage named in a revision sentence of {who}: {_shown(old)} ({_who(old)})"
    else:
        reason = f"revised by the same originator ({who}): {_shown(old)} ({_who(old)})"
    reason += f" -> {_shown(new)} ({_who(new)})"
    point.superseded_by[old["claim_id"]] = new["claim_id"]
    point.verdicts[old["claim_id"]] = (Verdict.SUPERSEDED, "revision", reason)
    point.live.remove(old)
    if "revision" not in point.fired:
        point.fired.append("revision")


def _partners(entity: str | None) -> tuple[str, str] | None:
    """The two countries of a pair entity ("Tajikistan-China"), else None."""
    parts = [p.strip() for p in (entity or "").split("-")]
    return (parts[0], parts[1]) if len(parts) == 2 and all(parts) else None


def _mirror(point: _Point) -> None:
    """Mirror statistics: disagreeing actuals of a pair entity, each partner's side stated
    by its own statistics or customs agency and agreeing with itself, are both kept."""
    live = point.live
    partners = _partners(point.rows[0]["entity"])
    if partners is None or not live or any(r["status"] != Status.ACTUAL for r in live):
        return
    if len(_agreeing_groups(live)) < 2:
        return
    agency = settings().agency_country
    sides: dict[str, list[Row]] = defaultdict(list)
    for r in live:
        country = agency.get(r["originator"])
        if country not in partners:
            return
        sides[country].append(r)
    if len(sides) != 2 or any(len(_agreeing_groups(side)) > 1 for side in sides.values()):
        return
    point.fired.append(Verdict.MIRROR)
    for country, side in sides.items():
        (other,) = (c for c in sides if c != country)
        them = sides[other][0]
        for r in side:
            point.verdicts[r["claim_id"]] = (
                Verdict.MIRROR,
                Verdict.MIRROR,
                f"{_shown(r)} by {r['originator']}, {country}'s agency ({_who(r)}); "
                f"{other}'s agency {them['originator']} gives {_shown(them)}: mirror "
                "statistics of one flow, both kept",
            )
    point.set_aside.extend(live)
    point.live = []


def _spread(point: _Point) -> None:
    """Forecasts of different originators that disagree form a spread: each forecaster's
    latest figure is kept, and the point gets their least, median and greatest value."""
    live = point.live
    if not live or any(r["status"] != Status.FORECAST for r in live):
        return
    by_origin: dict[int, list[Row]] = defaultdict(list)
    for r in live:
        by_origin[r["origin_group"]].append(r)
    if len(by_origin) < 2 or len(_agreeing_groups(live)) < 2:
        return
    members: list[Row] = []
    for group in by_origin.values():
        ordered = sorted(group, key=lambda r: (
            _recency(r["published"]), _width(r), r["char_start"], r["claim_id"]))  # fmt: skip
        lead = ordered[0]
        members.append(lead)
        for r in ordered[1:]:
            if overlaps(interval_of(r), interval_of(lead)):
                point.verdicts[r["claim_id"]] = (
                    Verdict.AGREES, "spread",
                    _agrees_reason(_shown(r), _who(r), _shown(lead), interval_of(r) == interval_of(lead)),
                )  # fmt: skip
            else:
                members.append(r)  # one forecaster's two figures of one day: both count
    values = sorted(r["value"] for r in members)
    point.spread = (values[0], statistics.median(values), values[-1])
    point.fired.append(Verdict.SPREAD)
    summary = _spread_text(members, point.spread)
    for r in members:
        point.verdicts[r["claim_id"]] = (
            Verdict.SPREAD,
            Verdict.SPREAD,
            f"{_shown(r)} forecast by {r['originator'] or r['origin']} ({_who(r)}); {summary}",
        )
    point.set_aside.extend(members)
    point.live = []


def _spread_text(members: Sequence[Row], spread: tuple[float, float, float]) -> str:
    low = min(members, key=lambda r: r["value"])
    high = max(members, key=lambda r: r["value"])
    forecasters = len({r["origin_group"] for r in members})
    return (
        f"{forecasters} forecasters: {_shown(low)} to {_shown(high)}, "
        f"median {human_number(spread[1])}"
    )


def _independent_majority(point: _Point) -> None:
    """Claims that still disagree: the group backed by more independent origins wins if it
    has at least two and no other group has as many; otherwise the point is disputed."""
    if not point.live:
        return
    groups = _agreeing_groups(point.live)
    if len(groups) == 1:
        point.winner = groups[0]
        return
    counts = [len({r["origin_group"] for r in g}) for g in groups]
    best = max(counts)
    if best < 2 or counts.count(best) > 1:
        _dispute(point)
        return
    point.fired.append("independent_majority")
    winner = point.winner = groups[counts.index(best)]
    backers = sorted({r["publisher"] or r["origin"] for r in winner})
    for r in chain.from_iterable(g for g in groups if g is not winner):
        point.verdicts[r["claim_id"]] = (
            Verdict.OUTVOTED,
            "independent_majority",
            f"{_shown(r)} disagrees with {best} independent sources ({'; '.join(backers)})",
        )


def _dispute(point: _Point) -> None:
    """No majority: every live claim is disputed, or `ambiguous` when one article gives them
    all. One article against itself is not a dispute between sources: the sentences name
    something (a sector, a region) that tells the figures apart."""
    live = point.live
    verdict = Verdict.AMBIGUOUS if len({r["source_id"] for r in live}) == 1 else Verdict.DISPUTED
    point.fired.append(verdict)
    for r, (count, listed) in zip(live, disagreements(live), strict=True):
        more = f" and {count - len(listed)} more" if count > len(listed) else ""
        point.verdicts[r["claim_id"]] = (
            verdict,
            verdict,
            f"{_shown(r)} ({_who(r)}) disagrees with "
            + "; ".join(f"{_shown(live[o])} ({_who(live[o])})" for o in listed)
            + more
            + (
                "; the same article gives both, so they probably describe different "
                "things that extraction did not tell apart"
                if verdict == Verdict.AMBIGUOUS
                else ""
            ),
        )


def _precision(point: _Point) -> None:
    """Of the agreeing claims the most precise is chosen (then the latest, the first
    mentioned); the others agree with it."""
    winner = point.winner
    if winner is None:
        return
    ordered = sorted(
        winner,
        key=lambda r: (_width(r), _recency(r["published"]), r["char_start"], r["claim_id"]),
    )
    chosen = point.chosen = ordered[0]
    origins = len({r["origin_group"] for r in winner})
    if len(winner) > 1:
        point.fired.append("precision")
    point.verdicts[chosen["claim_id"]] = (
        Verdict.CHOSEN,
        point.fired[-1] if point.fired else "single",
        _chosen_reason(len(point.rows), len(winner), origins),
    )
    for r in ordered[1:]:
        same = interval_of(r) == interval_of(chosen)
        point.verdicts[r["claim_id"]] = (
            Verdict.AGREES,
            "precision",
            _agrees_reason(_shown(r), _who(r), _shown(chosen), same),
        )


RULES: tuple[Callable[[_Point], None], ...] = (
    _implausible,
    _actual_over_forecast,
    _revision,
    _mirror,
    _spread,
    _independent_majority,
    _precision,
)
"""The cascade, in the order its rules apply to every point."""


def resolve_point(rows: Sequence[Row]) -> tuple[Row, list[Row]]:
    """Resolve the claims of one point: the resolved row and one trail row per claim."""
    point = _Point(rows=rows, live=list(rows))
    for rule in RULES:
        rule(point)
    point_id = rows[0]["point_id"]
    trail = [
        {"point_id": point_id, "claim_id": r["claim_id"], "verdict": v[0],
         "rule": v[1], "reason": v[2], "low": r["low"], "high": r["high"],
         "originator": r["originator"], "superseded_by": point.superseded_by.get(r["claim_id"])}
        for r in rows
        for v in [point.verdicts[r["claim_id"]]]
    ]  # fmt: skip
    return _resolved_row(point), trail


def _resolved_row(point: _Point) -> Row:
    """The point's row of the resolved table: the chosen claim's figure, or the span of
    the disagreeing ones when none was chosen."""
    rows, chosen, live = point.rows, point.chosen, point.live
    first = rows[0]
    resolved: Row = {k: first[k] for k in ("point_id", "metric", "entity", "period",
                                           "period_start", "period_end", "measure", "unit",
                                           "base_period", "scope")}  # fmt: skip
    kept = [r for r in rows if point.verdicts[r["claim_id"]][0] not in _SET_ASIDE]
    resolved.update(
        status=(chosen or (live or point.set_aside or rows)[0])["status"],
        rule=",".join(point.fired) or "single",
        conflict=_has_conflict(kept),
        n_claims=len(rows),
        n_sources=len({r["origin_group"] for r in rows}),
    )
    unchosen = {k: None for k in ("claim_id", "publisher", "published", "url", "quote")}
    if chosen is not None:
        resolved.update(
            state=PointState.RESOLVED,
            value=chosen["value"],
            low=chosen["low"],
            high=chosen["high"],
            value_text=chosen["value_text"],
            claim_id=chosen["claim_id"],
            **{k: chosen[k] for k in ("publisher", "published", "url", "quote")},
        )
    elif point.spread is not None:
        members = [r for r in rows if point.verdicts[r["claim_id"]][0] == Verdict.SPREAD]
        resolved.update(
            state=PointState.SPREAD,
            value=point.spread[1],
            low=point.spread[0],
            high=point.spread[2],
            value_text=_spread_text(members, point.spread),
            **unchosen,
        )
    else:
        if live:  # disputed or ambiguous
            state, shown = point.fired[-1], live
        else:  # mirror statistics (both sides shown), or nothing but implausible figures
            state = PointState.MIRROR if Verdict.MIRROR in point.fired else PointState.IMPLAUSIBLE
            shown = [r for r in rows if point.verdicts[r["claim_id"]][0] == state]
        values = [r["value"] for r in shown]
        resolved.update(
            state=state,
            value=None,
            low=min(values),
            high=max(values),
            value_text=" vs ".join(dict.fromkeys(
                _shown(r) + (f" ({r['originator']})" if state == PointState.MIRROR else "")
                for r in shown)),
            **unchosen,
        )  # fmt: skip
    return resolved


_RESOLVE_INPUTS = [
    "point_id", "metric", "entity", "period", "period_start", "period_end", "measure", "unit",
    "base_period", "status", "published", "claim_id", "source_id", "char_start", "origin",
    "origin_group", "low", "high", "value", "value_text", "publisher", "url", "quote",
    "scope", "originator", "superseded", "implausible",
]  # fmt: skip
"""What `resolve_point` reads of a claim."""


def resolve(prepared: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The resolved table and the trail for every point of the prepared claims.

    Claims are sorted once by point and statement order. Most points end at the cascade's
    last step: their claims have one status and share a value, so nothing is outranked,
    revised or outvoted; those are settled in columns (`_settle_agreeing`), the others go
    through `resolve_point` one point at a time.
    """
    prepared = prepared[prepared["period"].notna()]  # undated claims are never compared
    point = pd.factorize(prepared["point_id"])[0]  # numbered as they first appear
    points = prepared.groupby(point)
    shared_value = points["low"].transform("max") <= points["high"].transform("min")
    source = pd.factorize(prepared["source_id"], sort=True)[0]
    day = np.array([d.toordinal() if d is not None else 0 for d in prepared["published"]])
    flagged = prepared["superseded"].to_numpy() | prepared["implausible"].notna().to_numpy()
    # an originator stating two values on two days may have revised itself (`_revision`)
    spans = pd.DataFrame({"day": day, "value": prepared["value"].to_numpy(dtype=float)})
    by_origin = spans.groupby([point, pd.factorize(prepared["origin"])[0]])
    low, high = by_origin.transform("min"), by_origin.transform("max")
    revises = ((low["day"] < high["day"]) & (low["value"] < high["value"])).to_numpy()
    del spans, by_origin, low, high  # a million rows each: gone before the cascade runs
    unsettled = pd.Series(flagged | revises).groupby(point).transform("any").to_numpy()
    agreeing = (
        shared_value.to_numpy() & (points["status"].transform("nunique") == 1).to_numpy()
    ) & ~unsettled
    # the order of _statement_order within a point; lexsort is stable: ties keep claim order
    order = np.lexsort((prepared["char_start"].to_numpy(), source, day, point))
    settle, cascade = order[agreeing[order]], order[~agreeing[order]]
    claims = prepared[_RESOLVE_INPUTS]
    settled = _settle_agreeing(claims.take(settle), point[settle])
    cascaded = _cascade(claims.take(cascade))
    resolved, trail = (_by_point(concat([a, b])) for a, b in zip(settled, cascaded, strict=True))
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
    publisher, published = plain(claims["publisher"]), claims["published"].tolist()
    reasons[~is_chosen] = [
        _agrees_reason(signed(value[i], text[i]), _by(publisher[i], published[i]),
                       signed(value[c], text[c]), low[i] == low[c] and high[i] == high[c])
        for i, c in zip(np.flatnonzero(~is_chosen).tolist(), pick[~is_chosen].tolist(), strict=True)
    ]  # fmt: skip
    rule = np.where(count > 1, "precision", "single")
    trail = claims[["point_id", "claim_id", "low", "high", "originator"]].assign(
        verdict=np.where(is_chosen, Verdict.CHOSEN, Verdict.AGREES), rule=rule, reason=reasons,
        superseded_by=None,
    )[TRAIL_COLUMNS]
    resolved = claims[is_chosen].assign(
        state=PointState.RESOLVED,
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
