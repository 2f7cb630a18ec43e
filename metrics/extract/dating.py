"""Which period a figure in prose is for, and which period a change compares with.

A period is looked for next to the figure, then elsewhere in its clause and sentence, then
in the paragraph, then in the text before; words like "compared with" make a period the
base of a change instead of its own.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from datetime import date

from metrics.extract.context import DocumentContext, Reading
from metrics.extract.cues import prose_cues
from metrics.extract.rules import is_span, undated_period, year_before
from metrics.extract.segment import Sentence
from metrics.lexicon.catalog import Metric
from metrics.lexicon.periods import (
    SAME_PERIOD,
    PeriodMention,
    shift_years,
    year_period,
    year_span,
)
from metrics.models import Period, Quantity
from metrics.vocab import Measure, Status

_TIGHT_GAP = 28  # characters between a number and a period written for it ("… tons in 2023")


class PeriodReader:
    """Dates the figures of one document; remembers what it found per sentence and paragraph."""

    def __init__(self, context: DocumentContext, published: date | None) -> None:
        self.context = context
        self.published = published
        self._last_period: dict[int, Period | None] = {}  # sentence index -> last period before
        self._paragraph_around: dict[int, dict[int, Period | None]] = {}  # see _paragraph_period

    def period(
        self,
        s: Sentence,
        q: Quantity,
        clause: tuple[int, int],
        measure: str,
        earlier: list[Reading],
        rate: bool,
    ) -> tuple[Period | None, bool, Period | None]:
        """(period, is a deadline, base period) from the sentence itself.

        "a year earlier" after a change is its base ("double the figure a year earlier"),
        after a growth rate its period ("5.1% growth a year earlier").
        """
        bound = self._bound_mentions(s)
        base: Period | None = None
        own: PeriodMention | None = None
        for m in s.periods:
            if m.start < q.end:
                continue
            gap = s.text[q.end : m.start]
            if len(gap) > _TIGHT_GAP or any(q.end <= o.start < m.start for o in s.quantities):
                break
            if self._is_base(s, m) or (m.kind == "earlier" and measure == Measure.GROWTH and not rate):
                base = base or self._base_of(s, m) or SAME_PERIOD
                continue
            own = own or m
        if own is not None and own.kind == "earlier":
            # "4.8% last year, compared with 5.1% a year earlier": a year before the other figure
            reference = self._nearest(s, q, clause, set())
            if reference is None:
                return None, False, None
            return shift_years(reference.period, -1), False, None
        past = next((m for m in s.periods if m.kind == "past_years"), None)
        if past is not None and own is None:
            return self._past_years(past, measure, s, q)
        if own is None and measure == Measure.LEVEL and earlier:
            base_value = self._base_value_period(s, q, earlier[-1])
            if base_value is not None:
                return base_value, False, None
        if own is None:
            own = self._nearest(s, q, clause, bound)
        if base is None:
            base = self._clause_base(s, q, clause)
        period = own.period if own else None
        return period, bool(own and own.kind == "deadline"), base if measure == Measure.GROWTH else None

    def _is_base(self, s: Sentence, m: PeriodMention) -> bool:
        if is_span(m.period) and m.kind != "base":
            return False  # "over 2024-2028" is a span of its own
        return m.kind == "base" or bool(
            prose_cues().base_before.search(s.text[max(0, m.start - 25) : m.start])
        )

    def _base_of(self, s: Sentence, m: PeriodMention) -> Period | None:
        """None means 'the same span a year earlier' ("than the previous year")."""
        if m.kind == "earlier":
            return None
        relative = re.search(
            r"previous|last|preceding|earlier|same", s.text[m.start : m.end], re.IGNORECASE
        )
        return None if m.period is SAME_PERIOD or relative else m.period

    def _bound_mentions(self, s: Sentence) -> set[int]:
        """Periods written right after some number belong to that number.

        Computed once per sentence: the first period after each number, if no other
        number comes between and it is near enough."""
        if s.bound_periods is None:
            starts = sorted(q.start for q in s.quantities)
            period_starts = [m.start for m in s.periods]  # in order
            s.bound_periods = set()
            for q in s.quantities:
                after = bisect_left(period_starts, q.end)
                if after == len(period_starts):
                    continue
                at = period_starts[after]
                following = bisect_left(starts, q.end)
                closer = following < len(starts) and starts[following] < at
                if at - q.end <= _TIGHT_GAP and not closer:
                    s.bound_periods.add(at)
        return s.bound_periods

    def _nearest(
        self, s: Sentence, q: Quantity, clause: tuple[int, int], bound: set[int]
    ) -> PeriodMention | None:
        candidates = [
            m
            for m in s.periods
            if not self._is_base(s, m) and m.kind not in ("past_years", "earlier")
        ]

        def key(m: PeriodMention) -> tuple[int, int, int]:
            in_clause = clause[0] <= m.start < clause[1]
            mine = m.start >= q.end and m.start not in bound
            distance = m.start - q.end if m.start >= q.end else q.start - m.end
            return (0 if in_clause else 1, 0 if (mine or m.start not in bound) else 1, distance)

        return min(candidates, key=key, default=None)

    def _clause_base(self, s: Sentence, q: Quantity, clause: tuple[int, int]) -> Period | None:
        for m in s.periods:
            if clause[0] <= m.start < clause[1] and m.start >= q.end and self._is_base(s, m):
                return self._base_of(s, m) or SAME_PERIOD
        return None

    def growth_base(
        self, base: Period | None, period: Period | None, measure: str, aimed: bool
    ) -> Period | None:
        """The base of a change: the one written, matched to the period; else a year before.

        A change aimed at a deadline ("double by 2030") has none.
        """
        if base is not None and period is not None:
            base = self._align_base(base, period)
        elif base is SAME_PERIOD:
            base = None
        if measure == Measure.GROWTH and base is None and period and not aimed:
            base = year_before(period)
        return base

    def _align_base(self, base: Period, period: Period) -> Period:
        """'147% in January compared to last year' compares with January of last year."""
        if base is SAME_PERIOD:
            return shift_years(period, -1)
        whole_year = re.fullmatch(r"\d{4}", base.label)
        if (
            whole_year
            and not re.fullmatch(r"\d{4}", period.label)
            and base.start.year == period.start.year - 1
        ):
            return shift_years(period, -1)
        return base

    def _base_value_period(self, s: Sentence, q: Quantity, prev: Reading) -> Period | None:
        """'10% more compared to the previous year, with 1.37 million tons': a base value."""
        if prev.measure != Measure.GROWTH or prev.base is None:
            return None
        gap = s.text[prev.q.end : q.start]
        if any(self._is_base(s, m) for m in s.periods if prev.q.end <= m.start < q.start):
            return prev.base
        if re.search(r"\b(?:compared (?:to|with)|than|against)\b", gap, re.IGNORECASE):
            return prev.base
        return None

    def _past_years(
        self, past: PeriodMention, measure: str, s: Sentence, q: Quantity
    ) -> tuple[Period | None, bool, Period | None]:
        """'over the past 20 years': a total spans them; a change compares last year with the first."""
        end_year = past.period.end.year
        first = end_year - past.years
        if measure != "growth":
            return past.period, False, None
        if q.unit == "x":
            return year_period(end_year), False, year_period(first)
        return year_span(first, end_year), False, None

    def context_period(self, s: Sentence, metric: Metric, status: str, index: int) -> Period | None:
        """No period in the sentence: the metric's convention, the paragraph's, or the last one."""
        published = self.published
        undated = undated_period(metric, published) if status == Status.ACTUAL else None
        if undated is not None:
            return undated
        period = self._paragraph_period(s)
        if period is None:
            period = self._last_period_before(index)
        if period is not None and status != Status.ACTUAL and published and period.end < published:
            return year_period(published.year)
        if period is None and status != Status.ACTUAL and published:
            return year_period(published.year)
        return period

    def _paragraph_period(self, s: Sentence) -> Period | None:
        """The period written last in an earlier sentence of the paragraph, else first in
        a later one; found for the whole paragraph at once, so that a long paragraph of
        undated figures is not walked once per figure."""
        if s.paragraph not in self._paragraph_around:
            sentences = self.context.paragraphs[s.paragraph]
            points = [self._points(other) for other in sentences]
            before: list[Period | None] = []
            last = None
            for found in points:
                before.append(last)
                last = found[-1] if found else last
            after: list[Period | None] = []
            first = None
            for found in reversed(points):
                after.append(first)
                first = found[0] if found else first
            self._paragraph_around[s.paragraph] = {
                id(other): b if b is not None else a
                for other, b, a in zip(sentences, before, reversed(after), strict=True)
            }
        return self._paragraph_around[s.paragraph][id(s)]

    def _last_period_before(self, index: int) -> Period | None:
        """The period last written before sentence `index`, for a figure with none of its own."""
        if index not in self._last_period:
            found = None
            for earlier in range(index - 1, -1, -1):
                points = self._points(self.context.sentences[earlier])
                if points:
                    found = points[-1]
                    break
                if earlier in self._last_period:
                    found = self._last_period[earlier]
                    break
            self._last_period[index] = found
        return self._last_period[index]

    def _points(self, s: Sentence) -> list[Period]:
        """The sentence's own periods, not the bases it compares with."""
        return [
            m.period
            for m in s.periods
            if m.kind in ("point", "deadline") and not self._is_base(s, m)
        ]
