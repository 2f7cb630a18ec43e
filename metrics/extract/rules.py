"""Decisions that prose and tables share, written once so that both read a figure alike.

A figure's status follows from its cue words and from its period against the publication
date; a figure with no period at all may take the publication's year or month when its
metric says so (a capacity is "as of now"). Where the cue words stand differs between a
sentence and a table, so each extractor finds them and asks these rules what they mean.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date

from metrics.lexicon.catalog import Metric
from metrics.lexicon.periods import month_span, shift_years, year_period
from metrics.models import Period
from metrics.vocab import Status

_YEAR_SPAN = re.compile(r"\d{4}\.\.\d{4}")


def has_ended(period: Period | None, published: date | None) -> bool:
    """The period was over when the document came out."""
    return period is not None and published is not None and period.end < published


def is_estimate(word: str) -> bool:
    """An estimate word ("estimated", "est.") among the forecast words."""
    return word.lower().startswith("est")


def forecast_status(estimate: bool, period: Period | None, published: date | None) -> str:
    """'actual' or 'forecast' for a figure marked as a forecast or an estimate.

    An estimate for a period that had ended when the document came out is the first
    reading of an actual figure ("2024e" in a 2025 report, "estimated at ... last year").
    """
    return Status.ACTUAL if estimate and has_ended(period, published) else Status.FORECAST


def status_by_date(period: Period | None, metric: Metric, published: date | None) -> str:
    """A figure with no status word: a period still to begin is the metric's future status."""
    if period is not None and published is not None and period.start > published:
        return metric.future
    return Status.ACTUAL


def undated_period(metric: Metric, published: date | None) -> Period | None:
    """The publication's year or month for a metric that is read as of its publication."""
    if published is None:
        return None
    if metric.undated == "published_year":
        return year_period(published.year)
    if metric.undated == "published_month":
        return month_span(published.year, published.month, published.year, published.month)
    return None


def is_span(period: Period) -> bool:
    """A span of whole years ("2021..2025"): it has no single year before it."""
    return bool(_YEAR_SPAN.fullmatch(period.label))


def year_before(period: Period) -> Period | None:
    """The base of a year-on-year change stated with none: the same span a year earlier."""
    return None if is_span(period) else shift_years(period, -1)


def claim_id(*parts: object) -> str:
    """A claim's id: the same figure read the same way in the same source keeps its id."""
    return hashlib.sha1("|".join(map(str, parts)).encode("utf-8")).hexdigest()[:16]
