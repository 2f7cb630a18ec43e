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
from metrics.extract.cues import prose_cues, status_cues
from metrics.extract.rules import is_span, undated_period, year_before
from metrics.extract.scope import (
    asides,
    in_comparison,
    inside,
    is_event_date,
    is_plan_period,
    is_vintage,
    leads_next_figure,
    respective_period,
)
from metrics.extract.segment import Sentence
from metrics.lexicon.catalog import Metric
from metrics.lexicon.periods import (
    SAME_PERIOD,
    YEAR_EARLIER,
    PeriodMention,
    find_periods,
    shift_years,
    year_period,
    year_span,
)
from metrics.models import Period, Quantity
from metrics.vocab import Measure, Status

_NEW_LEVEL = re.compile(
    r",\s*(?:to|totall?ing|reaching|amounting\s+to|standing\s+at|at)\s+(?:about\s+|some\s+|around\s+)?\Z",
    re.IGNORECASE,
)  # the words after a comparison that lead to the level reached, not the one compared with
_COMPARED_BEFORE = re.compile(
    r"\b(?:compared\s+(?:to|with)|than|against|versus|vs\.?)\s+(?:about\s+|some\s+|around\s+|the\s+)?\Z",
    re.IGNORECASE,
)  # a level written right after these is the one compared with
_CHANGE_BEFORE_FROM = re.compile(
    r"\b(?:increas|grow|grew|rise|rising|rose|ris|climb|jump|fall|fell|declin|decreas|drop)\w*\s+from\s*\Z",
    re.IGNORECASE,
)  # "increasing from X to Y": X is the level before the change
_REACHED_BEFORE = re.compile(
    r"\b(?:reach\w*|stood\s+at|stands\s+at|totall?ing|amounting\s+to|to)\s+"
    r"(?:(?:about|some|around|nearly|almost|over|more\s+than|approximately)\s+)?\Z",
    re.IGNORECASE,
)  # the level a change ended at: "... and reached more than 1 million TEU"
_OPENS_ASIDE = re.compile(r"\s*\(\s*")
_COMPARISON_AFTER_ASIDE = re.compile(
    r"\s*\)\s*,?\s*(?:compared\s+(?:to|with)|than|against|versus|vs\.?)\b", re.IGNORECASE
)  # "(1 million tons) than a year before": the bracket holds the level compared with
_COORDINATED = re.compile(r",\s*(?:and|while|but|whereas)\b", re.IGNORECASE)
_RELATIVE_YEAR = re.compile(
    r"(?:this|the\s+current|current|last|the\s+previous|previous|the\s+past)\s+year", re.IGNORECASE
)
_TIGHT_GAP = 28  # characters between a number and a period written for it ("… tons in 2023")


def _same_words(a: str, b: str) -> bool:
    """Two texts with the same words, whatever their case and punctuation (a headline)."""
    return bool(a) and re.findall(r"\w+", a.lower()) == re.findall(r"\w+", b.lower())


class PeriodReader:
    """Dates the figures of one document; remembers what it found per sentence and paragraph."""

    def __init__(self, context: DocumentContext, published: date | None) -> None:
        self.context = context
        self.published = published
        self._last_period: dict[int, Period | None] = {}  # sentence index -> last period before
        self._paragraph_around: dict[int, dict[int, Period | None]] = {}  # see _paragraph_period
        self._asides: dict[int, list[tuple[int, int]]] = {}  # id(sentence) -> see `scope.asides`
        self._vintage: dict[int, frozenset[int]] = {}  # id(sentence) -> see `scope.is_vintage`

    def _aside_spans(self, s: Sentence) -> list[tuple[int, int]]:
        if id(s) not in self._asides:
            figures = [(q.start, q.end) for q in s.quantities]
            self._asides[id(s)] = asides(s.text, figures) if figures else []
        return self._asides[id(s)]

    def _visible(self, s: Sentence, q: Quantity) -> list[PeriodMention]:
        """The sentence's periods that may date `q`: not those of an aside it is outside of,
        nor the date a forecast was made."""
        spans = self._aside_spans(s)
        vintage = self._vintage_starts(s)
        if not spans and not vintage:
            return s.periods
        own = inside(q.start, spans)
        return [
            m for m in s.periods if inside(m.start, spans) in (None, own) and m.start not in vintage
        ]

    def _vintage_starts(self, s: Sentence) -> frozenset[int]:
        if id(s) not in self._vintage:
            self._vintage[id(s)] = frozenset(m.start for m in s.periods if is_vintage(s.text, m))
        return self._vintage[id(s)]

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
        visible = self._visible(s, q)
        respective = self._respective(s, q, visible)
        if respective is not None:
            return respective.period, False, None
        for m in visible:
            if m.start < q.end:
                continue
            gap = s.text[q.end : m.start]
            if m.start >= clause[1]:
                break  # "was 240,370 tons, while in January 2024 ...": the next clause's
            if len(gap) > _TIGHT_GAP or any(q.end <= o.start < m.start for o in s.quantities):
                break
            if _COORDINATED.search(gap) and leads_next_figure(
                s.text, m, [o.start for o in s.quantities]
            ):
                break  # "5.6 % in 2024, and in 2023, 7.2 %": it leads the next figure
            if self._is_base(s, m) or (m.kind == "earlier" and measure == Measure.GROWTH and not rate):
                base = base or self._base_of(s, m) or SAME_PERIOD
                continue
            own = own or m
        compared = self._compared_level(s, q, measure, base, earlier)
        if compared is not None:
            return compared, False, None
        if own is not None and own.kind == "earlier":
            # "4.8% last year, compared with 5.1% a year earlier": a year before the other figure
            reference = self._nearest(s, q, clause, set())
            if reference is None:
                return YEAR_EARLIER, False, None  # a year before the period in context
            return shift_years(reference.period, -1), False, None
        past = next((m for m in visible if m.kind == "past_years"), None)
        if past is not None and (own is None or own is past):
            # "tripled over the past five years": a change compares last year with the first
            return self._past_years(past, measure, s, q)
        if own is None and measure == Measure.LEVEL and earlier:
            base_value = self._base_value_period(s, q, earlier[-1])
            if base_value is not None:
                return base_value, False, None
            year_earlier = self._compared_year_earlier(s, q, earlier[-1])
            if year_earlier is not None:
                return year_earlier, False, None
        if own is None:
            own = self._nearest(s, q, clause, bound)
        if base is None:
            base = self._clause_base(s, q, clause)
        period = own.period if own else None
        return period, bool(own and own.kind == "deadline"), base if measure == Measure.GROWTH else None

    def past_for_actual(self, period: Period | None) -> Period | None:
        """A past-tense figure given a carried period that had not begun at publication
        ("growth remained at 5.3 %" after "will recover in 2025"): the last year that ended."""
        published = self.published
        if period is None or published is None or period.start <= published:
            return period
        return year_period(published.year - 1)

    def dates_an_event(self, s: Sentence, period: Period | None) -> bool:
        """The sentence wrote `period` as the date of an event ("opened in 2015"), not of a
        figure: for a figure read as of publication it is no period."""
        own = next((m for m in s.periods if m.period is period), None)
        return own is not None and is_event_date(s.text, own)

    def year_so_far(self, s: Sentence, period: Period | None, index: int) -> Period | None:
        """'300 ships this year, compared to 262 last year' in a text about January-October:
        an actual figure's "this year" is the part of the year the text is about, and "last
        year" set against it the same part of the year before."""
        own = next((m for m in s.periods if m.period is period), None)
        if own is None:
            return None
        if not _RELATIVE_YEAR.fullmatch(s.text[own.start : own.end]):
            return self._running_year(s, own, index)
        before = [
            m.period
            for m in s.periods
            if m.end <= own.start
            and not self._is_base(s, m)
            and not _RELATIVE_YEAR.fullmatch(s.text[m.start : m.end])
        ]
        about = before[-1] if before else None
        about = about or self._paragraph_period(s) or self._last_period_before(index)
        if about is None or about.start.month != 1 or about.start.year != about.end.year:
            return None
        if about.end.month == 12:
            return None  # a whole year: nothing to narrow
        shift = own.period.start.year - about.start.year
        set_against = bool(before) or any(
            _RELATIVE_YEAR.fullmatch(s.text[m.start : m.end])
            and m.period.start.year == about.start.year
            for m in s.periods
        )
        if shift == -1 and not set_against:
            return None  # "Last year it carried 2.76 Mt" on its own: the whole of last year
        return shift_years(about, shift) if shift in (0, -1) else None

    def _running_year(self, s: Sentence, own: PeriodMention, index: int) -> Period | None:
        """'Transit stands at 11 Mt in 2024' in a text of May 2024 about January-April: an
        actual figure cannot cover a year still running; it is for the part of the year the
        text is about (the period before it, or, in the headline, the lede's)."""
        published = self.published
        year = own.period
        if (
            published is None
            or not re.fullmatch(r"\d{4}", year.label)
            or year.start.year != published.year
            or year.end < published
        ):
            return None
        about = self._paragraph_period(s) or self._last_period_before(index)
        if about is None and index == 0:
            about = next((p for other in self.context.sentences[1:4] for p in self._points(other)), None)
        if about is None or about.start.year != year.start.year or about.end >= published:
            return None
        return about if about.start.month == 1 and about.end < year.end else None

    def _compared_level(
        self,
        s: Sentence,
        q: Quantity,
        measure: str,
        base: Period | None,
        earlier: list[Reading],
    ) -> Period | None:
        """'$2.8bn in 2025, compared to $2.5bn in the same period last year': the level
        compared with is dated by the base written after it, against the figure before."""
        if measure != Measure.LEVEL or base is None or not earlier:
            return None
        if not _COMPARED_BEFORE.search(s.text[max(0, q.start - 30) : q.start]):
            return None
        reference = earlier[-1].period
        if base is SAME_PERIOD:
            return shift_years(reference, -1) if reference is not None else None
        return self._align_base(base, reference) if reference is not None else base

    def origin_period(self, s: Sentence, q: Quantity, period: Period | None) -> Period | None:
        """The start of a change written "rose from X to Y" with no period of its own: the
        period before the one the change ends in ("grew by 24 % from $11.7bn to $14.5bn")."""
        if period is None or not _CHANGE_BEFORE_FROM.search(s.text[max(0, q.start - 40) : q.start]):
            return period
        to = re.search(r"\bto\b", s.text[q.end :], re.IGNORECASE)
        written = to is not None and any(q.end <= m.start < q.end + to.start() for m in s.periods)
        return period if written else year_before(period) or period

    def _is_base(self, s: Sentence, m: PeriodMention) -> bool:
        if is_span(m.period) and m.kind != "base":
            return False  # "over 2024-2028" is a span of its own
        cues = prose_cues()
        cue = cues.base_before.search(s.text[max(0, m.start - 25) : m.start])
        if cue and cue[0].split()[0].lower() in cues.base_if_changed and not self._changed_before(s, m):
            cue = None  # "transported 286.6 Mt over 2021", "Over 2021, exports reached": during
        return (
            m.kind == "base"
            or bool(cue)
            or in_comparison(
                s.text, s.clause_of(m.start), m, [(q.start, q.end) for q in s.quantities]
            )
        )

    @staticmethod
    def _changed_before(s: Sentence, m: PeriodMention) -> bool:
        """Whether a change stands before `m` in its clause: a multiple or a change word
        ("grew 12% over 2021", "an increase over 2021"); a share is none ("accounted for 80%
        of the volume over 2022")."""
        clause_start = s.clause_of(m.start)[0]
        if any(clause_start <= q.start < m.start and q.unit == "x" for q in s.quantities):
            return True
        cues = prose_cues()
        return bool(
            cues.any_growth_verb.search(s.text, clause_start, m.start)
            or cues.any_decrease_verb.search(s.text, clause_start, m.start)
            or cues.change_subject.search(s.text, clause_start, m.start)
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
                if at - q.end <= _TIGHT_GAP and not closer and not self._leads_next(s, q, after):
                    s.bound_periods.add(at)
        return s.bound_periods

    def _respective(
        self, s: Sentence, q: Quantity, visible: list[PeriodMention]
    ) -> PeriodMention | None:
        """'6.6 % and 4.1 %, respectively': the list takes the periods written before it."""
        if "respective" not in s.text and "in that order" not in s.text:
            return None  # the cheap look: most sentences hold neither
        figures = [(o.start, o.end) for o in s.quantities]
        index = next((i for i, o in enumerate(s.quantities) if o is q), None)
        if index is None:
            return None
        return respective_period(s.text, index, figures, visible)

    def _leads_next(self, s: Sentence, q: Quantity, index: int) -> bool:
        """'5.6 % in 2024, and in 2023, 7.2 %': the period after the coordination leads the
        figure after it, so it is bound to that one, not to the figure before."""
        m = s.periods[index]
        return bool(_COORDINATED.search(s.text[q.end : m.start])) and leads_next_figure(
            s.text, m, [o.start for o in s.quantities]
        )

    def _nearest(
        self, s: Sentence, q: Quantity, clause: tuple[int, int], bound: set[int]
    ) -> PeriodMention | None:
        candidates = [
            m
            for m in self._visible(s, q)
            if not self._is_base(s, m)
            and m.kind not in ("past_years", "earlier")
            and not self._later_outlook(s, q, clause, m)
        ]

        def key(m: PeriodMention) -> tuple[int, int, int]:
            in_clause = clause[0] <= m.start < clause[1]
            mine = m.start >= q.end and m.start not in bound
            distance = m.start - q.end if m.start >= q.end else q.start - m.end
            return (0 if in_clause else 1, 0 if (mine or m.start not in bound) else 1, distance)

        return min(candidates, key=key, default=None)

    def _later_outlook(
        self, s: Sentence, q: Quantity, clause: tuple[int, int], m: PeriodMention
    ) -> bool:
        """'growth remained at 5.3 % and is expected to slow to 4.3 % in 2024': the period of
        a later clause that looks ahead does not flow back to a figure of a clause that
        does not."""
        if m.start < clause[1]:
            return False
        c = prose_cues()
        later = s.text[clause[1] : m.start]
        own = s.text[clause[0] : clause[1]]
        ahead = (c.forecast.search(later) or c.future.search(later)) is not None
        return ahead and not (c.forecast.search(own) or c.future.search(own))

    def _clause_base(self, s: Sentence, q: Quantity, clause: tuple[int, int]) -> Period | None:
        for m in self._visible(s, q):
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
        if _NEW_LEVEL.search(gap):
            return None  # "up 58 % compared to 2022, to 2.1 million tons": the level reached
        if any(self._is_base(s, m) for m in s.periods if prev.q.end <= m.start < q.start):
            return prev.base
        if re.search(r"\b(?:compared (?:to|with)|than|against)\b", gap, re.IGNORECASE):
            return prev.base
        if _OPENS_ASIDE.fullmatch(gap) and _COMPARISON_AFTER_ASIDE.match(s.text, q.end):
            return prev.base  # "by 50% (1 million tons) than a year before": the base value
        return None

    @staticmethod
    def revised_period(s: Sentence, q: Quantity, period: Period | None) -> Period | None:
        """The period of a forecast's earlier figure: "revised its 2024 forecast down to 3.8%
        from 4.3% in April" is 4.3% for 2024, made in April. A span shorter than a year
        after the figure is when it was made, when a year was written before it."""
        if period is None or period == year_period(period.start.year):
            return period
        years = [
            m.period
            for m in s.periods
            if m.end <= q.start and m.kind == "point" and m.period == year_period(m.period.start.year)
        ]
        return years[-1] if years else period

    def _compared_year_earlier(self, s: Sentence, q: Quantity, prev: Reading) -> Period | None:
        """'rose to $6.1 billion in 2024, up from $5.6 billion': a level compared with the
        year's level before it, with no period of its own, is the year before's. Only after
        a whole year: "5.5% in October, up from 5.2%" may be September's or last October's."""
        period = prev.period
        if prev.measure != Measure.LEVEL or prev.q.unit != q.unit or period is None:
            return None
        if period != year_period(period.start.year):
            return None
        if not status_cues().compared_with.search(s.text, prev.q.end, q.start):
            return None
        return year_period(period.start.year - 1)

    def _past_years(
        self, past: PeriodMention, measure: str, s: Sentence, q: Quantity
    ) -> tuple[Period | None, bool, Period | None]:
        """'over the past 20 years': a total spans them; the level a change ended at ("has
        tripled over the past five years and reached 1 million TEU") is last year's; a change
        compares last year with the first."""
        end_year = past.period.end.year
        first = end_year - past.years
        if measure != Measure.GROWTH:
            if _REACHED_BEFORE.search(s.text[max(0, q.start - 30) : q.start]):
                return year_period(end_year), False, None
            return past.period, False, None
        if q.unit == "x":
            return year_period(end_year), False, year_period(first)
        return year_span(first, end_year), False, None

    def context_period(
        self, s: Sentence, metric: Metric, status: str, index: int, measure: str = Measure.LEVEL
    ) -> Period | None:
        """No period in the sentence: the metric's convention, the paragraph's, or the last one.

        The metric's convention ("as of publication") is for levels: a rate of change is over
        a period, the one the text is about."""
        published = self.published
        undated = (
            undated_period(metric, published)
            if status == Status.ACTUAL and measure != Measure.GROWTH
            else None
        )
        if undated is not None:
            return undated
        period = self._paragraph_period(s)
        if period is None:
            period = self._last_period_before(index)
        if period is None and status == Status.ACTUAL:
            period = self.topic_period()
        if period is not None and status != Status.ACTUAL and published and period.end < published:
            return year_period(published.year)
        if period is None and status != Status.ACTUAL and published:
            return year_period(published.year)
        return period

    def topic_period(self) -> Period | None:
        """The period the document is about: the first one written in its title, else in its
        first sentence, that is no base, no plan and no report's date."""
        if not hasattr(self, "_topic"):
            self._topic: Period | None = None
            title = self.context.document.title or ""
            sentences = self.context.sentences
            first = sentences[0] if sentences else None
            if first is not None and len(sentences) > 1 and _same_words(first.text, title):
                first = sentences[1]  # the body repeats the headline: its lede comes next
            for text in (title, first.text if first else ""):
                for m in find_periods(text, self.published):
                    base = prose_cues().base_before.search(text[max(0, m.start - 25) : m.start])
                    if m.kind == "point" and not (
                        base or is_plan_period(text, m) or is_vintage(text, m)
                    ):
                        self._topic = m.period
                        break
                if self._topic is not None:
                    break
        return self._topic

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

    def begun_context(self, index: int, period: Period | None) -> Period | None:
        """`period`, a context period for an actual level, unless it lies ahead: a plan's year
        written before ("and in 2025 - 5.2 million tons. ... in the reporting period made up
        3.9 million tons") cannot date an actual figure, the last point written before it
        that had begun can. Rarely needed, so not cached."""
        published = self.published
        if period is None or published is None or period.start <= published:
            return period
        for earlier in range(index - 1, -1, -1):
            sentence = self.context.sentences[earlier]
            points = self._points(sentence)
            begun = [
                m.period
                for m in sentence.periods
                if m.kind == "point" and m.period.start <= published and m.period in points
            ]
            if begun:
                return begun[-1]
        return period

    def _points(self, s: Sentence) -> list[Period]:
        """The sentence's own periods that carry on: not the bases it compares with, not
        those of an aside or of a plan."""
        spans = self._aside_spans(s)
        return [
            m.period
            for m in s.periods
            if m.kind in ("point", "deadline")
            and not self._is_base(s, m)
            and inside(m.start, spans) is None
            and not is_plan_period(s.text, m)
            and m.start not in self._vintage_starts(s)
        ]
