"""Frame helpers: claims made ready for reconciling, and the conversions every stage shares.

`prepare` joins claims to their sources and adds what every rule reads (interval,
originator, scope, point id, plausibility); the rest move frames between pandas columns
and plain Python rows without copying text a million times.

The claim columns `originator`, `scope` and `superseded` are optional: a claims frame
without them (from a store or extractor that does not write them yet) reads as all NULL
and all False, so every claim's originator falls back to its publisher, every figure
covers the whole flow, and no claim is an earlier vintage named in a revision sentence.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import duckdb
import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from metrics.reconcile.intervals import claim_interval
from metrics.reconcile.origins import OriginRoots, independent_origins, originator
from metrics.reconcile.plausibility import implausible_reasons
from metrics.vocab import Status

Row = dict[str, Any]

POINT_KEY = ["metric", "entity", "period", "measure", "unit", "base_period", "kind", "scope"]
"""What makes two claims statements of the same figure; `kind` is `estimate` or `target`,
`scope` a restriction of coverage ("via seaports", "transit"; NULL: the whole flow)."""

OPTIONAL_CLAIM_COLUMNS = {"originator": None, "scope": None, "superseded": False}
"""Claim columns a claims frame may lack, and what their absence means."""

_SOURCE_FIELDS = ["publisher", "published", "url"]
_INTERVAL_INPUTS = ["value", "value_text", "qualifier"]


def prepare(
    claims: pd.DataFrame, sources: pd.DataFrame, roots: OriginRoots | None = None
) -> pd.DataFrame:
    """Claims with their source's provenance, interval, originator and point key.

    Intervals and originators are computed once per distinct input (news repeats the
    same few figures and outlets), then joined back to the claims. `roots`: the origins
    linked across every claim of these metrics, when `claims` are only some of them.
    """
    provenance = with_dates(sources[["source_id", *_SOURCE_FIELDS]], "published")
    frame = as_objects(with_dates(claims, "period_start", "period_end")).merge(
        as_objects(provenance), on="source_id", how="left"
    )  # objects before the join: it copies pointers, not text
    _fill_optional_columns(frame)
    bounds = frame[_INTERVAL_INPUTS].drop_duplicates()
    intervals = [
        claim_interval(*row) for row in zip(*map(bounds.get, _INTERVAL_INPUTS), strict=True)
    ]
    bounds["low"] = [i[0] for i in intervals]
    bounds["high"] = [i[1] for i in intervals]
    located = frame[_INTERVAL_INPUTS].merge(bounds, on=_INTERVAL_INPUTS, how="left")
    frame = frame.assign(low=located["low"].to_numpy(), high=located["high"].to_numpy())
    frame["origin"], frame["originator"] = origins(frame)
    frame["origin_group"] = independent_origins(frame, roots)
    frame["kind"] = np.where(frame["status"] == Status.TARGET, "target", "estimate").astype(object)
    frame["point_id"] = point_ids(frame)
    frame["implausible"] = implausible_reasons(frame)
    return frame


def origins(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(origin, originator) per claim of a frame with `originator` (None where unstated),
    `publisher` and `source_id`: the comparable key of who a figure comes from, and the
    name shown for it."""
    names = {p: originator(p) for p in frame["publisher"].dropna().unique()}
    stated = frame["originator"]
    keys = {n: n.lower() for n in stated.dropna().unique()}  # "ADB" and "adb" are one
    origin = stated.map(keys).where(stated.notna(), frame["publisher"].map(names))
    fallback = "source:" + frame["source_id"].astype(str)  # a publisher-less source is its own
    origin = origin.where(origin.notna(), fallback).astype(object)
    shown = stated.where(stated.notna(), frame["publisher"])
    return origin, shown.where(shown.notna(), origin).astype(object)


def _fill_optional_columns(frame: pd.DataFrame) -> None:
    """Give `frame` (prepare's own, so changed in place rather than copied: a million
    claims) every OPTIONAL_CLAIM_COLUMNS column, absent ones at their default; an empty
    scope counts as none."""
    for column, default in OPTIONAL_CLAIM_COLUMNS.items():
        if column not in frame.columns:
            frame[column] = default
    scope = frame["scope"].astype(object)
    named = scope.dropna()
    blank = scope.isna()
    blank[named.index] = named.astype(str).str.strip() == ""  # only the few stated scopes
    frame["scope"] = scope.where(~blank, None)
    frame["originator"] = frame["originator"].astype(object).where(frame["originator"].notna(), None)
    frame["superseded"] = frame["superseded"].fillna(False).astype(bool)


def point_ids(frame: pd.DataFrame) -> pd.Series:
    """A stable id per point: the start of the SHA-1 of its POINT_KEY joined by `|`
    (a missing part as the empty string), computed in DuckDB, in the frame's order.

    A scope is appended only when there is one, so figures of the whole flow keep the
    ids they had before scope was part of the key."""
    unscoped = [k for k in POINT_KEY if k != "scope"]
    parts = ", ".join(f"coalesce(CAST({k} AS VARCHAR), '')" for k in unscoped)
    keys = frame.reindex(columns=POINT_KEY)  # a frame without scope is of the whole flow
    with duckdb.connect() as con:
        con.register("keys", keys.assign(scope=keys["scope"].astype(object)))
        ids = con.sql(
            f"SELECT left(sha1(concat_ws('|', {parts}) || coalesce('|scope:' || CAST(scope AS VARCHAR), '')), 16)"
            " AS id FROM keys"
        ).df()["id"]
    return pd.Series(ids.to_numpy(), index=frame.index, dtype=object)


def as_objects(frame: pd.DataFrame, also: Sequence[str] = ()) -> pd.DataFrame:
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
        shared = _then_none(uniques)
        columns[column] = pd.Series(shared[codes], index=frame.index, dtype=object)
    return frame.assign(**columns)


def _then_none(uniques: ArrayLike) -> np.ndarray:
    """`uniques` as objects and None after them, so that `pd.factorize`'s code -1 (missing)
    picks None."""
    return np.append(np.asarray(uniques, dtype=object), np.array([None], dtype=object))


def with_dates(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """`columns` as `datetime.date` or None, however DuckDB or pandas typed them; one
    object per distinct date, which a million claims repeat."""
    dated = {}
    for column in columns:
        codes, uniques = pd.factorize(frame[column])
        days = pd.Series(pd.to_datetime(uniques)).dt.date.to_numpy(dtype=object)
        dated[column] = pd.Series(_then_none(days)[codes], index=frame.index, dtype=object)
    return frame.assign(**dated)


def concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Frames one below the other; empty ones add no rows but do not turn columns to
    object (pandas warns that it will)."""
    kept = [f for f in frames if len(f)] or frames[:1]
    return pd.concat(kept, ignore_index=True)


def iter_records(frame: pd.DataFrame) -> Iterator[Row]:
    """Rows as dicts with every missing value as None, for plain Python comparisons.

    Built column by column (one pass per column, not per cell) and yielded one at a
    time, so a caller that groups rows never holds a dict per row of a large frame.
    """
    names = list(frame.columns)
    for values in zip(*(plain(frame[name]) for name in names), strict=True):
        yield dict(zip(names, values, strict=True))


def plain(column: pd.Series) -> list[Any]:
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
