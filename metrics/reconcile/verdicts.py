"""The verdicts of issue 16 as tables: undated claims, revisions, spreads, mirror
statistics and implausible figures, and the counts the command line, the report and the
SQL views all give.

Only `undated` is a table of its own (its claims never reach the cascade); the others
are read from the trail and the resolved points, so `metrics sql` sees them as views
over the same rows (see `metrics/store.py`) and these functions give the report the same
rows the views give.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from metrics.reconcile.settings import settings
from metrics.vocab import PointState, Verdict

if TYPE_CHECKING:
    from metrics.reconcile.reconciliation import Reconciliation

UNDATED_COLUMNS = [
    "claim_id", "source_id", "metric", "entity", "status", "measure", "unit", "base_period",
    "scope", "value", "value_text", "originator", "publisher", "published", "url", "quote",
    "reason",
]  # fmt: skip


def undated(prepared: pd.DataFrame) -> pd.DataFrame:
    """The claims without a period, each with why it is left out of every comparison."""
    rows = prepared[prepared["period"].isna()]
    reasons = settings().undated_reasons
    return rows.assign(reason=rows["status"].map(reasons).astype(object))[
        UNDATED_COLUMNS
    ].reset_index(drop=True)


def verdict_counts(recon: Reconciliation) -> dict[str, int]:
    """How many of each verdict of issue 16 a reconciliation holds, counted as the SQL
    views count them: claims undated, revisions (earlier vintages superseded by their own
    originator), spreads and mirror statistics (points), implausible figures (claims)."""
    trail, states = recon.trail, recon.resolved["state"]
    return {
        "undated": len(recon.undated),
        "revisions": int(
            ((trail["verdict"] == Verdict.SUPERSEDED) & (trail["rule"] == "revision")).sum()
        ),
        "spreads": int((states == PointState.SPREAD).sum()),
        "mirrors": int((states == PointState.MIRROR).sum()),
        "implausible": int((trail["verdict"] == Verdict.IMPLAUSIBLE).sum()),
    }


def revision_rows(recon: Reconciliation, claims: pd.DataFrame) -> pd.DataFrame:
    """Per revision: the originator, the figure's key, the old and the new vintage (the
    `revisions` view). `claims` has the claims' value, value_text and published date."""
    trail = recon.trail
    revised = trail[(trail["verdict"] == Verdict.SUPERSEDED) & (trail["rule"] == "revision")]
    figures = claims[["claim_id", "value", "value_text", "published", "quote"]]
    frame = revised[["point_id", "claim_id", "originator", "superseded_by"]].merge(
        recon.resolved[["point_id", "metric", "entity", "period", "measure", "unit", "scope"]],
        on="point_id",
    )
    frame = frame.merge(figures.add_prefix("old_"), left_on="claim_id", right_on="old_claim_id")
    frame = frame.merge(
        figures.add_prefix("new_"), how="left", left_on="superseded_by", right_on="new_claim_id"
    )
    return frame.sort_values(["metric", "entity", "period", "old_published"], kind="stable")


def point_members(recon: Reconciliation, claims: pd.DataFrame, state: str) -> pd.DataFrame:
    """The points of one `state` (spread, mirror) with their member claims (the verdict of
    the same name): one row per member, the point's columns and the member's prefixed
    `member_` (originator, claim_id, value, value_text, publisher, published, quote)."""
    points = recon.resolved[recon.resolved["state"] == state]
    members = recon.trail.loc[
        recon.trail["verdict"] == state, ["point_id", "claim_id", "originator"]
    ].rename(columns={"claim_id": "member_claim_id", "originator": "member_originator"})
    figures = claims[["claim_id", "value", "value_text", "publisher", "published", "quote"]]
    frame = points.merge(members, on="point_id").merge(
        figures.add_prefix("member_"), on="member_claim_id"
    )
    return frame.sort_values(["metric", "entity", "period", "member_value"], kind="stable")


def implausible_rows(recon: Reconciliation, claims: pd.DataFrame) -> pd.DataFrame:
    """The claims flagged implausible, with the arithmetic (`reason`)."""
    flagged = recon.trail[recon.trail["verdict"] == Verdict.IMPLAUSIBLE]
    frame = flagged[["point_id", "claim_id", "reason"]].merge(claims, on="claim_id")
    return frame.sort_values(["metric", "entity", "period"], kind="stable")
