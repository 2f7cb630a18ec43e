"""The status of a figure in prose: actual, forecast or target, from the words around it.

Rules, in order (the words are data: cues.yaml `forecast`, `target`, `future` shared with
tables; `modal_forecast`, `modal_forecast_after`, `target_setters` for prose only):

1. A forecast word before the figure ("expected", "projected", "forecasts") makes a
   forecast; an estimate of a period that had ended is an actual figure.
2. Modal and projection language ("could", "may", "is likely to", "studies show", "is
   within reach in the coming years") makes a forecast of a figure whose period has not
   ended: said of a past period it is a hedge on an actual ("may have grown 5% in 2022").
3. A target word ("goal", "aims", "plans", "task", "the planned", "is set to") makes a
   target, as does a target noun right after the figure ("the 3% inflation target"); so
   does an agreement or programme that sets the figure ("an agreement to ship at least
   200 trains"), again only for a period still to come.
4. A deadline ("by 2030") alone makes no target: "will reach $7bn by the end of the year"
   is what someone expects, the metric's future status like any "will".
5. Otherwise the date decides (`rules.status_by_date`).
6. Before all these: a figure written right after "up from", "compared with", "against"
   (cues.yaml `compared_with`) is the one another figure is compared with; the forecast
   or plan word before it is the other figure's, so a compared figure whose period has
   ended is an actual figure ("is forecast to reach 5.2 Mt in 2025, up from 4.5 Mt in
   2024").

A forecast or plan word inside a comparison ("lower than expected", "as planned") is no
cue at all (`no_status_cue`): it measures the figure against a forecast, it makes none;
nor is a set phrase of reporting ("it should be noted that").
"""

from __future__ import annotations

from datetime import date

from metrics.extract.cues import prose_cues, status_cues
from metrics.extract.rules import forecast_status, has_ended, is_estimate, status_by_date
from metrics.lexicon.catalog import Metric
from metrics.lexicon.textscan import search
from metrics.models import Period
from metrics.vocab import Status


def has_status_cue(text: str) -> bool:
    """Whether `text` holds any word that can give a figure its status.

    Used to choose the words to read (a clause or the sentence), so it need not set aside
    the phrases of `no_status_cue`; `prose_status` does.
    """
    c, s = prose_cues(), status_cues()
    lowered = text.lower()
    cues = (c.forecast, c.target, c.future, s.modal, s.target_setter)
    return any(search(cue, text, lowered) for cue in cues)


def prose_status(
    before: str,
    after: str,
    period: Period | None,
    metric: Metric,
    published: date | None,
) -> str:
    """The status of a figure from the words `before` it and the rest of its clause `after` it.

    `period` is the figure's own period (None when the sentence gives none); a figure whose
    period has ended cannot be forecast by a modal or set by an agreement.
    """
    c, s = prose_cues(), status_cues()
    if (
        has_ended(period, published)
        and s.compared_with.search(before, max(0, len(before) - 60))
        and not c.revision.search(before)  # "revised its 2024 forecast down from 4.3%"
    ):
        return status_by_date(period, metric, published)  # rule 6
    before, after = s.no_cue.sub(" ", before), s.no_cue.sub(" ", after)
    lowered = before.lower()  # the cues are sought case-folded (`textscan.search`): faster
    if search(c.forecast, before, lowered):
        estimate = is_estimate(c.forecast.findall(before)[-1])
        if forecast_status(estimate, period, published) == Status.FORECAST:
            return Status.FORECAST
    still_to_come = not has_ended(period, published)
    if still_to_come and (search(s.modal, before, lowered) or search(s.modal_after, after)):
        return Status.FORECAST
    if (
        search(c.target, before, lowered)
        or s.target_after.match(after)
        or (still_to_come and search(s.target_setter, before, lowered))
    ):
        return Status.TARGET
    if search(c.future, before, lowered):
        return metric.future
    return status_by_date(period, metric, published)
