"""One reconciliation run: every stage in order, and the tables it produces."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from metrics.output import plural
from metrics.reconcile.cascade import resolve
from metrics.reconcile.forecasts import forecast_errors
from metrics.reconcile.frames import prepare
from metrics.reconcile.implied import IMPLIED_INPUTS, fill_gaps, implied_values
from metrics.reconcile.origins import OriginRoots
from metrics.reconcile.targets import STATEMENT_COLUMNS, target_history
from metrics.reconcile.verdicts import undated, verdict_counts
from metrics.vocab import Status


@dataclass(frozen=True)
class Reconciliation:
    """Every output of one reconciliation run, one DataFrame per database table."""

    resolved: pd.DataFrame
    trail: pd.DataFrame
    implied: pd.DataFrame
    forecast_errors: pd.DataFrame
    target_history: pd.DataFrame
    targets: pd.DataFrame
    undated: pd.DataFrame


def reconcile(claims: pd.DataFrame, sources: pd.DataFrame) -> Reconciliation:
    """Run every reconciliation step over the stored claims and their sources.

    Every step combines claims of one metric only, so running it metric by metric and
    concatenating the tables gives the same rows (the store may, to bound memory).
    """
    return reconcile_series(reconcile_points(claims, sources))


@dataclass(frozen=True)
class PointTables:
    """What the claims of some points give on their own: the points resolved (before
    implied values fill the gaps between them), the trail, forecast errors, undated
    claims, and the stated targets the series step needs."""

    resolved: pd.DataFrame
    trail: pd.DataFrame
    forecast_errors: pd.DataFrame
    undated: pd.DataFrame
    stated_targets: pd.DataFrame


def reconcile_points(
    claims: pd.DataFrame, sources: pd.DataFrame, roots: OriginRoots | None = None
) -> PointTables:
    """The steps that read the claims of one point at a time (and a document's claims
    of one entity, period and unit, for plausibility): claims may be given a part at a
    time as long as no point, nor such a group, is split, with `roots` the origins linked
    across all of their metrics' claims (`origin_roots`)."""
    prepared = prepare(claims, sources, roots)
    resolved, trail = resolve(prepared)  # leaves the undated claims out
    errors = forecast_errors(prepared, resolved, trail)
    without_period = undated(prepared)
    stated = prepared.loc[prepared["status"] == Status.TARGET]
    stated_targets = stated.filter(items=[*STATEMENT_COLUMNS, "row"])  # row: a store's order
    return PointTables(resolved, trail, errors, without_period, stated_targets)


SERIES_INPUTS = [*IMPLIED_INPUTS, "state", "point_id"]
"""The columns of the resolved points that `reconcile_series` reads (implied values, the
gaps they fill, the actuals targets are measured against): a store that has written a
metric's points a part at a time keeps only these for the series step."""


def reconcile_series(points: PointTables) -> Reconciliation:
    """The steps that read a metric's points together (implied values, gaps, targets):
    `points` must hold the resolved points (at least their `SERIES_INPUTS`) and stated
    targets of all of its claims (its other tables are passed on as they are). The
    resolved points come back with a point of state `implied` added for each gap."""
    implied = implied_values(points.resolved)
    series = fill_gaps(points.resolved, implied)
    history, targets = target_history(points.stated_targets, series)
    return Reconciliation(
        resolved=series,
        trail=points.trail,
        implied=implied,
        forecast_errors=points.forecast_errors,
        target_history=history,
        targets=targets,
        undated=points.undated,
    )


SUMMARY_COLUMNS: dict[str, list[str]] = {
    "resolved": ["state", "conflict"],
    "trail": ["verdict", "rule"],
    "implied": ["consistency"],
    "forecast_errors": ["forecast_claim_id"],
    "target_history": ["target_id"],
    "targets": ["revisions"],
    "undated": ["claim_id"],
}
"""The columns `summary_counts` reads (and the rows it counts), for
`Store.reconciliation(columns=...)`: the counts of a million claims without their texts."""


def summary_counts(recon: Reconciliation) -> dict[str, int]:
    """The counts of a reconciliation that the command line prints and the report's cards
    show, computed once so the two always agree."""
    states = recon.resolved["state"].value_counts()
    checks = recon.implied["consistency"].value_counts()
    return {
        "resolved": int(states.get("resolved", 0)),
        "disputed": int(states.get("disputed", 0)),
        "ambiguous": int(states.get("ambiguous", 0)),
        "conflicts": int(recon.resolved["conflict"].fillna(False).astype(bool).sum()),
        "gaps_filled": int(states.get("implied", 0)),
        "consistent": int(checks.get("consistent", 0)),
        "inconsistent": int(checks.get("inconsistent", 0)),
        "forecast_errors": len(recon.forecast_errors),
        "targets": len(recon.targets),
        "target_revisions": int(recon.targets["revisions"].fillna(0).sum()),
    } | {f"verdict_{name}": n for name, n in verdict_counts(recon).items()}


def summarize(recon: Reconciliation) -> str:
    """One line on what a reconciliation found, for the command line."""
    n = summary_counts(recon)

    def said(count: str, one: str, many: str | None = None) -> str:
        return f"{n[count]} {plural(n[count], one, many)}"

    return (
        f"{said('resolved', 'figure resolved', 'figures resolved')}, {n['disputed']} disputed, "
        f"{n['ambiguous']} ambiguous, {n['conflicts']} with conflicts, "
        f"{said('gaps_filled', 'gap filled by an implied value', 'gaps filled by implied values')}; "
        f"implied checks {n['consistent']} consistent, {n['inconsistent']} inconsistent; "
        f"{said('forecast_errors', 'forecast error')}; "
        f"{said('targets', 'target')} with {said('target_revisions', 'revision')}; "
        f"{said('verdict_revisions', 'vintage revised by its originator', 'vintages revised by their originator')}, "
        f"{said('verdict_spreads', 'forecast spread')}, {said('verdict_mirrors', 'mirror statistic')}, "
        f"{n['verdict_implausible']} implausible, {n['verdict_undated']} undated"
    )  # fmt: skip
