"""Reconciliation: which figure holds for each claim key, why, and how the figures relate.

Claims are compared only within one *point*: metric, entity, period, measure, unit, base
period (a growth "vs 2019" is not the growth "vs 2023") and scope ("via seaports" is not
the whole route), with targets kept apart from estimates (actuals and forecasts). Claims
without a period are never compared: they are listed as `undated`. Inside a point every claim is read as the interval its
wording allows ("4.5 million" is 4.45-4.55 million, "more than 2.76" has no upper end), and
two claims agree when their intervals overlap.

One value per point is chosen by a cascade whose every step is written to the trail:

0. `implausible`: a figure an order of magnitude off related figures (`plausibility`)
   is set aside, never the value.
1. `actual_over_forecast`: for a period that had ended when the latest claim was published,
   an actual outranks forecasts; while the period still runs, a forecast for the whole
   period outranks a partial actual.
2. `revision`: a later statement by the same originator (the claim's `originator`, else
   its publisher) that does not restate its earlier one supersedes it, as does the new
   figure of a revision sentence the vintage it names (the ALFRED vintage model: a
   revision, not a conflict).
   Then `mirror`: the two partners' own agencies disagreeing about one flow are mirror
   statistics, both kept; and `spread`: forecasters disagreeing form a spread (min,
   median, max of each one's latest figure). Neither is a conflict.
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

from metrics.reconcile.cascade import RESOLVED_COLUMNS, TRAIL_COLUMNS, resolve, resolve_point
from metrics.reconcile.forecasts import FORECAST_ERROR_COLUMNS, forecast_errors
from metrics.reconcile.frames import POINT_KEY, origins, prepare, records, with_dates
from metrics.reconcile.implied import IMPLIED_COLUMNS, fill_gaps, implied_values
from metrics.reconcile.intervals import claim_interval, overlaps
from metrics.reconcile.origins import (
    OriginLinks,
    OriginRoots,
    origin_roots,
    originator,
    quote_words,
)
from metrics.reconcile.reconciliation import (
    SERIES_INPUTS,
    SUMMARY_COLUMNS,
    PointTables,
    Reconciliation,
    reconcile,
    reconcile_points,
    reconcile_series,
    summarize,
    summary_counts,
)
from metrics.reconcile.settings import Settings, settings
from metrics.reconcile.targets import TARGET_COLUMNS, TARGET_HISTORY_COLUMNS, target_history

__all__ = [
    "FORECAST_ERROR_COLUMNS",
    "IMPLIED_COLUMNS",
    "POINT_KEY",
    "RESOLVED_COLUMNS",
    "SERIES_INPUTS",
    "SUMMARY_COLUMNS",
    "TARGET_COLUMNS",
    "TARGET_HISTORY_COLUMNS",
    "TRAIL_COLUMNS",
    "OriginLinks",
    "OriginRoots",
    "PointTables",
    "Reconciliation",
    "Settings",
    "claim_interval",
    "fill_gaps",
    "forecast_errors",
    "implied_values",
    "origin_roots",
    "originator",
    "origins",
    "overlaps",
    "prepare",
    "quote_words",
    "reconcile",
    "reconcile_points",
    "reconcile_series",
    "records",
    "resolve",
    "resolve_point",
    "settings",
    "summarize",
    "summary_counts",
    "target_history",
    "with_dates",
]
