"""One reconciliation run: every stage in order, and the tables it produces."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from metrics.reconcile.cascade import resolve
from metrics.reconcile.forecasts import forecast_errors
from metrics.reconcile.frames import prepare
from metrics.reconcile.implied import fill_gaps, implied_values
from metrics.reconcile.targets import target_history
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
    prepared = prepare(claims, sources)
    resolved, trail = resolve(prepared)  # leaves the undated claims out
    errors = forecast_errors(prepared, resolved, trail)
    without_period = undated(prepared)
    stated_targets = prepared[prepared["status"] == Status.TARGET]
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
        undated=without_period,
    )


def summarize(recon: Reconciliation) -> str:
    """One line on what a reconciliation found, for the command line."""
    states = recon.resolved["state"].value_counts()
    checks = recon.implied["consistency"].value_counts()
    verdicts = verdict_counts(recon)
    return (
        f"{states.get('resolved', 0)} figures resolved, {states.get('disputed', 0)} disputed, "
        f"{states.get('ambiguous', 0)} ambiguous, "
        f"{int(recon.resolved['conflict'].fillna(False).astype(bool).sum())} with conflicts, "
        f"{states.get('implied', 0)} gaps filled by implied values; implied checks "
        f"{checks.get('consistent', 0)} consistent, {checks.get('inconsistent', 0)} inconsistent; "
        f"{len(recon.forecast_errors)} forecast errors; {len(recon.targets)} targets "
        f"with {int(recon.targets['revisions'].fillna(0).sum())} revisions; "
        f"{verdicts['revisions']} vintages revised by their originator, "
        f"{verdicts['spreads']} forecast spreads, {verdicts['mirrors']} mirror statistics, "
        f"{verdicts['implausible']} implausible, {verdicts['undated']} undated"
    )
