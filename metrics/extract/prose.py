"""Read the figures of a document's prose as claims.

Per figure: the measure (level / growth / share) from the words around it, the metric by
the catalog's cue words and the entities in reach, the period (see `dating`), the status
and the qualifier. Vocabulary comes from data/cues.yaml and data/catalog.yaml.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

from metrics.extract import coordination as lists
from metrics.extract.changes import is_absolute_change, rate_beside_change
from metrics.extract.context import RAILWAY, DocumentContext, EntityMention, Reading
from metrics.extract.cues import prose_cues, qualifier_alternation
from metrics.extract.dating import PeriodReader
from metrics.extract.entities import (
    entity_rules,
    pair_carried,
    pair_entity,
    pair_name,
    sector_in_clause,
)
from metrics.extract.modes import ModeReader
from metrics.extract.rules import (
    claim_id,
    has_ended,
    is_estimate,
    year_before,
)
from metrics.extract.screen import catalog_screen
from metrics.extract.segment import Sentence, clauses
from metrics.extract.status import has_status_cue, prose_status
from metrics.lexicon.catalog import Catalog, Metric
from metrics.lexicon.periods import YEAR_EARLIER, year_period
from metrics.lexicon.quantities import find_quantities, might_hold_quantity
from metrics.models import Claim, Document, Quantity
from metrics.vocab import CURRENCY_UNITS, Measure, Qualifier, Status, Unit

EXTRACTOR = "regex-v1"
_CLAUSE_PUNCTUATION = re.compile(r";|,(?!\d)")  # not the comma of "900,000"
_FROM_BEFORE = re.compile(r"\bfrom\s*\Z", re.IGNORECASE)  # "from" right before a figure
_PASSIVE_STATUS = re.compile(
    r"[^,;]{0,30}?\b(?:is|are|was|were)\s+((?:expected|projected|forecast|estimated|planned|targeted|set)\b)",
    re.IGNORECASE,
)
_CUE_NAMES_FIGURE = re.compile(r"\s*(?:of|in)\s+(?:[\w-]+\s+){0,2}")
_OF_ONLY = re.compile(r"\s*of\s+")
_OF_WHOLE = re.compile(r"\s*of\b")
"""A share's "of": "8% of GDP" names the whole the share is of, not what the figure measures,
which the subject before it names ("public investment ... 8% of GDP")."""
_WHOLE = re.compile(r"\s*of\s+(?:[\w'’-]+\s+){0,5}")  # "of the combined GDP of "
_AFTER = 1000  # distance offset of a cue written after the number
_RESTATE_REACH = 200  # characters between a level and a rate restating it
# Units a figure in prose can be claimed in as it is written; a bare number only when it
# counts something, and a percentage change only once a metric is chosen.
_CURRENCIES = CURRENCY_UNITS
_CLAIMABLE_UNITS = frozenset(Unit) - {Unit.COUNT, Unit.PCT_CHANGE}
_PERCENTAGES = (Unit.PERCENT, Unit.PCT_CHANGE)


def _claimable(q: Quantity, catalog: Catalog) -> bool:
    if q.unit in _CLAIMABLE_UNITS:
        return True
    return (
        q.unit == "" and q.noun is not None and not catalog.count_nouns.isdisjoint(q.noun.split())
    )


_TOLERANCE = re.compile(r"(?:\+\s*/\s*[-−–]?|±)\s*\Z")  # the minus may be the figure's
"""Before a tolerance, no figure: "a band of +/- 1 pp", "± 0.5%"."""
_VERB_REACH = 40  # characters before a figure its count verb ends within
_SUBJECT_REACH = 120  # characters before the verb its subject is looked for in
_SUBJECT_BEFORE = re.compile(r"[^\d,;:()]*\Z")  # the words since the last figure or comma
_SUBJECT_WORDS = 6  # "the number of China-Europe freight train trips": the nouns counted


def _counted_by_subject(text: str, q: Quantity, catalog: Catalog) -> Quantity:
    """A bare number counting no noun of its own takes the noun of "the number of X" before
    it in its clause ("the number of cargo vehicles ... rose to exceed 26,000"), or of the
    subject of a verb right before it ("container trains crossing the country numbered
    8,200")."""
    if q.unit != "" or (q.noun and not catalog.count_nouns.isdisjoint(q.noun.split())):
        return q
    cues = prose_cues()
    found = cues.count_subject.search(text, 0, q.start)
    if found is not None:
        words = found["rest"].lower().split()[:_SUBJECT_WORDS]
    elif (verb := cues.counted_by_verb.search(text, max(0, q.start - _VERB_REACH), q.start)) is not None:
        subject = _SUBJECT_BEFORE.search(text, max(0, verb.start() - _SUBJECT_REACH), verb.start())
        words = subject[0].lower().split()[-_SUBJECT_WORDS:] if subject else []
    else:
        return q
    nouns = [w for w in words if w in catalog.count_nouns]
    return replace(q, noun=nouns[0]) if nouns else q


def _items_not_periods(
    s: Sentence, items: tuple[list[tuple[int, int]], int] | None
) -> tuple[list[tuple[int, int]], int] | None:
    """The items of a "respectively" list, unless every item is a period ("in the first and
    the second quarter ... by 8% and 12%, respectively": the periods are scope.py's)."""
    if items is None:
        return None
    spans, _ = items
    if all(any(a <= p.start < b for p in s.periods) for a, b in spans):
        return None
    return items


def _counts(q: Quantity, metric: Metric) -> bool:
    """Whether a bare number counts what `metric` counts ("2,500 rail wagons")."""
    return q.noun is not None and any(word in metric.count_nouns for word in q.noun.split())


def _previous(s: Sentence, q: Quantity) -> Quantity | None:
    """The quantity of the sentence written right before `q`, claimable or not."""
    found = None
    for other in s.quantities:
        if other.end > q.start:
            break
        found = other
    return found


def _direction_not_bound(found: re.Match[str], before: str) -> bool:
    """ "edge up to 4.4%", "by 10 mln up to 30 mln": "up to" says where to, not how far."""
    return found.group().lower().startswith("up") and bool(
        prose_cues().up_to_as_direction.search(before[: found.start()])
    )


def _points_back(s: Sentence, q: Quantity) -> bool:
    """ "This indicator" before the figure in its sentence: it is the figure before's."""
    return entity_rules().figure_anaphora.search(s.text, 0, q.start) is not None


def _qualifier(before: str, q: Quantity) -> str:
    """The hedge right before the number; "up to" after a verb of motion is no bound."""
    c = prose_cues()
    for name in ("at_most", "at_least", "approx"):
        found = c.qualifiers[name].search(before)
        if found and not _direction_not_bound(found, before):
            return name
    return Qualifier.APPROX if q.is_range else Qualifier.EXACT


def _bare_goods(text: str, figure_end: int, start: int, end: int) -> bool:
    """Whether the cue at `start:end` is a bare word for any freight right after the figure
    ("21 million tonnes of cargo"), which says what is counted and names no metric; "of
    transit cargo" or "of Middle Corridor cargo" still does."""
    return text[start:end].lower() in prose_cues().generic_goods and bool(
        _OF_ONLY.fullmatch(text, figure_end, start)
    )


def _cues_start(s: Sentence, q: Quantity, clause: tuple[int, int]) -> int:
    """Where the figure's own cues may begin: its clause, or the clause before when the
    figure is a second object of its verb ("capacity to reach 25 million tons and 1 million
    TEU": "and" cuts clauses, but the TEU figure is the capacity's too)."""
    before = _previous(s, q)
    if before is None or before.end > clause[0] or not _and_only().fullmatch(s.text, before.end, q.start):
        return clause[0]
    return s.clause_of(before.start)[0]


@cache
def _and_only() -> re.Pattern[str]:
    """Only "and" (and a hedge) between two figures: "25 million tons and about 1 million"."""
    return re.compile(rf",?\s+and\s+(?:(?:{qualifier_alternation()})\s+)?", re.IGNORECASE)


def _local_measure(before: str, after: str, q: Quantity, clause_before: str) -> tuple[str, int]:
    """(measure, sign) from the words around the number, before any metric is chosen."""
    c = prose_cues()
    if q.unit == "x":
        decrease = c.any_decrease_verb.search(clause_before[-40:]) is not None
        return Measure.GROWTH, -1 if decrease else 1
    if q.unit == "pp":
        down = c.decrease_before.search(before) or c.decrease_after.search(after)
        return Measure.GROWTH, -1 if down else 1
    if q.unit != "%":
        return Measure.LEVEL, 1
    if q.value < 0 or before.endswith("+"):
        return Measure.GROWTH, -1 if q.value < 0 else 1  # "6.9 million tons (-7%)": a change
    if c.decrease_before.search(before) or c.decrease_after.search(after):
        return Measure.GROWTH, -1
    if c.growth_before.search(before) or c.growth_after.search(after):
        return Measure.GROWTH, 1
    if c.by_before.search(before):
        if c.any_decrease_verb.search(clause_before):
            return Measure.GROWTH, -1
        if c.any_growth_verb.search(clause_before) or c.comparison_verb.search(clause_before):
            return Measure.GROWTH, 1  # "grew by 5%", "exceeding the 2023 figure by 5%"
    subject = c.change_subject.search(clause_before)
    if subject:  # "the annual increase in cargo turnover amounted to 14%"
        return Measure.GROWTH, -1 if subject["down"] else 1
    if c.share_after.search(after) or c.share_before.search(clause_before):
        return Measure.SHARE, 1
    return Measure.LEVEL, 1


def _claim_unit(written: str, measure: str, metric: Metric) -> tuple[str, str] | None:
    """(claim unit, measure) for a figure in unit `written` read as `metric`, or None if it
    can't be. A count is claimable only if the figure counts what the metric counts
    (`_counts`)."""
    unit: str
    if written == Unit.PERCENT:
        if metric.unit == Unit.PERCENT and not metric.rate and measure == Measure.GROWTH:
            measure = Measure.LEVEL  # "inflation slowed to 8.5% year-on-year" is a level
        if measure == Measure.GROWTH or (measure == Measure.LEVEL and metric.rate):
            unit, measure = Unit.PCT_CHANGE, Measure.GROWTH
        elif measure == Measure.LEVEL and metric.unit != Unit.PERCENT:
            unit, measure = Unit.PERCENT, Measure.SHARE
        else:
            unit = Unit.PERCENT
    elif written == "":
        unit = Unit.COUNT
    else:
        unit = written
    if unit not in metric.units or (
        unit == "%"
        and measure == Measure.SHARE
        and metric.measure == Measure.LEVEL
        and metric.unit == "%"
    ):
        return None
    if (metric.rate and measure != Measure.GROWTH) or (
        metric.measure == Measure.SHARE and measure != Measure.SHARE
    ):
        return None
    return unit, measure


_Readable = dict[tuple[str, str], list[tuple[str, Metric, str, str]]]
_READABLE_TABLE: list[tuple[Catalog, _Readable]] = []  # the last catalog's, one at most


def _readable_table(catalog: Catalog) -> _Readable:
    """The table `ProseExtractor._readable_as` fills: it depends on the catalog alone, so
    every document read with the same catalog (the packaged one is loaded once) shares it."""
    if not _READABLE_TABLE or _READABLE_TABLE[0][0] is not catalog:
        _READABLE_TABLE[:] = [(catalog, {})]
    return _READABLE_TABLE[0][1]


def may_hold_claims(cut: list[Sentence], text: str, catalog: Catalog) -> bool:
    """False only when the prose of `text` (cut into the sentences `cut`) is sure to give
    no claim, which is cheaper to tell than to read it: most articles of a news feed are
    about something else.

    A document's first claim needs a figure that names its metric (`_metric`): a cue or
    weak cue of the metric in its sentence or the one before (`_cue_reach`), a noun the
    metric counts after a bare number, or a sector at a percentage. Every later way to a
    claim (the metric of the figure before, a list's lead, a conversion) needs a claim
    before it. So with none of the three anywhere, there is none at all.
    """
    for s in cut:  # first: an article on topic has a cue early, and its spans are kept
        for entry in catalog.metrics_cued_by(s.word_keys):
            metric = catalog.metrics[entry]
            if s.cue_spans(metric.cues, metric.cue_keys) or (
                metric.weak_cues and s.cue_spans(metric.weak_cues, metric.weak_cue_keys)
            ):
                return True
    lowered = text.lower()
    if any(noun in lowered for noun in catalog.count_nouns):
        return True
    sectors = catalog.sector_pattern
    return sectors is not None and any(
        might_hold_quantity(s.text) and sectors.search(s.text) for s in cut
    )



def revised_from(sentence: str, at: int) -> bool:
    """Whether the figure at `at` in `sentence` is the one a forecast or target was revised
    from: "raised its 2025 forecast to 5.5% from 5.0%" (the 5.0% is the forecaster's earlier
    forecast, not an actual). Hand-entered claims are read by the same rule.

    The revision may open the sentence before the clause splitter's clause ("revised its
    projection for trade between A and B from X to Y"), but no clause punctuation may stand
    between it and the figure."""
    if not _FROM_BEFORE.search(sentence, max(0, at - 6), at):
        return False
    revisions = list(prose_cues().revision.finditer(sentence, 0, at))
    return bool(revisions) and not _CLAUSE_PUNCTUATION.search(sentence, revisions[-1].end(), at)

class ProseExtractor:
    """Reads one document's prose, sentence by sentence, each figure against those before it."""

    def __init__(
        self, document: Document, catalog: Catalog, cut: list[Sentence] | None = None
    ) -> None:
        """`cut`: the document's sentences (`segment.sentences`), when already cut."""
        self.doc = document
        self.catalog = catalog
        self.context = DocumentContext(document, catalog, cut)
        self.dating = PeriodReader(self.context, document.published)
        self.modes = ModeReader(self.context.sentences, document.title)
        self.previous_metric: str | None = None
        self.previous_entity: str | None = None
        self.previous_at = -2  # the sentence index of the figure before
        self.previous_reading: Reading | None = None
        self.reading_at = 0  # the sentence index of the figure being read
        self.pointing_back = False  # the figure being read follows "this indicator"
        self.cues_start = 0  # where the cues of the figure being read may begin (`_cues_start`)
        self.previous_amount: Reading | None = None  # the last level in a unit of its own
        self.in_list = False  # the current sentence may hold a list (coordination.py)
        # "exports and imports grew by 19% and 24%, respectively": the items' spans and
        # which one is the current figure's
        self.respective: tuple[list[tuple[int, int]], int] | None = None
        # where the current figure's own list item begins ("..., container transit by 23%"):
        # cues before it are the earlier items'
        self.item_start: int | None = None
        self._readable = _readable_table(catalog)
        self._cued: dict[int, set[str]] = {}  # sentence start -> `Catalog.metrics_cued_by`

    def run(self) -> list[Claim]:
        claims: list[Claim] = []
        sentences = self.context.sentences
        for s in sentences:
            if might_hold_quantity(s.text):
                found = [_counted_by_subject(s.text, q, self.catalog) for q in find_quantities(s.text)]
                found = lists.with_elided_units(s.text, found)
                s.quantities = [
                    q
                    for q in found
                    if _claimable(q, self.catalog)
                    and not _TOLERANCE.search(s.text, max(0, q.start - 8), q.start)
                ]
            if s.quantities:
                s.clauses = clauses(s.text)
        for index, s in enumerate(sentences):
            if not claims and not self._may_open(index):
                continue
            readings: list[Reading] = []
            self.in_list = lists.is_list_sentence(s.text, s.quantities)
            for q in s.quantities:
                reading = self._read(s, q, readings, index)
                if reading is not None:
                    readings.append(reading)
            if s.quantities and not readings:
                # figures read as nothing: the figure before is no longer the one in view
                self.previous_metric = self.previous_entity = self.previous_reading = None
            claims.extend(self._claim(s, r) for r in readings)
        return claims

    def _may_open(self, index: int) -> bool:
        """Whether the sentence at `index` may hold a document's first claim, by the
        article's screen (`screen.CueScreen.mark`).

        As in `may_hold_claims`: a first claim needs a cue of its metric in its sentence or
        the one before, a noun the metric counts, or a sector, in its sentence. So before
        the first claim, the figures of a sentence the screen found none of these in, nor a
        cue in the sentence before, are not read (a news article on something else that
        still says "people" or "days" somewhere)."""
        sentences = self.context.sentences
        screened = sentences[index].screened
        before = sentences[index - 1].screened if index else None
        return (
            screened is None
            or screened.anything
            or (index > 0 and (before is None or bool(before.cues)))
        )

    # -- one quantity -----------------------------------------------------------------
    def _read(self, s: Sentence, q: Quantity, earlier: list[Reading], index: int) -> Reading | None:
        self.reading_at = index
        self.pointing_back = _points_back(s, q)  # "this indicator": asked for every metric
        clause = s.clause_of(q.start)
        self.cues_start = _cues_start(s, q, clause)
        clause_before = s.text[clause[0] : q.start]
        before = s.text[max(0, q.start - 60) : q.start]
        after = s.text[q.end : q.end + 60]
        conversion = self._conversion_of(s, q, earlier)
        if conversion is not None:
            return conversion
        if is_absolute_change(s.text, q):
            return None  # "increased by $12.1 billion": the amount of a change is no claim
        measure, sign = _local_measure(before, after, q, clause_before)
        beside = rate_beside_change(s.text, q, _previous(s, q))
        if beside is not None:  # "by $12.1 billion, or 23.9%": the change's rate
            measure, sign = Measure.GROWTH, beside
        chosen = None
        if measure == Measure.GROWTH and earlier:
            chosen = self._change_of_previous(s, q, earlier[-1])
        if chosen is None and self.in_list:
            if measure == Measure.LEVEL:
                prev = (earlier[-1].q, earlier[-1].measure, earlier[-1].value) if earlier else None
                measure, sign = lists.measure_of_lead(s.text, q, before, prev) or (measure, sign)
            self.item_start = self._item_start(s, q)
            chosen = self._list_item(s, q, measure, earlier)
            self.respective = (
                _items_not_periods(s, lists.respective_items(s.text, s.quantities, q))
                if "respectively" in s.text
                else None
            )
        if chosen is None:
            chosen = self._metric(s, q, clause, measure)
            if chosen is not None and self.in_list and q.unit == Unit.PERCENT:
                chosen = self._dash_item(s, q, chosen)
        if chosen is None:
            return None
        metric, unit, measure, entity = chosen
        metric, entity = self._in_mode(q, clause, index, metric, entity)
        value = q.value
        if unit == "x" and sign < 0:
            value = 1 / value if value else value
        if q.text.lower().startswith("halv"):
            value, unit = -50.0, Unit.PCT_CHANGE
        elif unit in (Unit.PCT_CHANGE, "pp") and sign < 0:
            value = -abs(value)

        period, deadline, base = self.dating.period(s, q, clause, measure, earlier, metric.rate)
        if self.in_list and len(s.quantities) > 1:
            period = lists.respective_period(s.text, s.quantities, q, s.periods) or period
        if metric.undated and measure == Measure.LEVEL and self.dating.dates_an_event(s, period):
            period = None  # "the 850-km line was commissioned in 2017": its length now
        status_before, status_after = self._status_text(s, q, clause)
        status = prose_status(status_before, status_after, period, metric, self.doc.published)
        if status == Status.ACTUAL:
            period = self.dating.year_so_far(s, period, index) or period
        vintage = revised_from(s.text, q.start)
        if vintage:
            period = self.dating.revised_period(s, q, period)
        origin = not vintage and self._is_origin(s, q)
        today = False  # the origin of a change still to come: today's figure
        if origin:
            if deadline or (status in (Status.FORECAST, Status.TARGET) and period is None):
                # "will be increased from 6 to 10 million tons by 2027", "is expected to
                # increase from 40,000 to 215,000 TEU": the origin is today's figure
                period, status, today = None, Status.ACTUAL, True
            elif has_ended(period, self.doc.published):
                status = Status.ACTUAL
        year_earlier = period is YEAR_EARLIER  # "compared to 65 % a year earlier", nothing else dated
        pointed = self.previous_reading
        carried_aim = False  # the change of a forecast or target before: no base of its own
        ahead = (Status.FORECAST, Status.TARGET)
        if (
            period is None
            and pointed
            and pointed.metric.id == metric.id
            and (status == Status.ACTUAL or pointed.status in ahead)
            and self.pointing_back
        ):
            # "This surge signifies 209-percent growth": the change of the figure before, in
            # its period and, with no forecast or target word of its own, its status ("we
            # will increase this figure by 20%" after an actual level is a plan of its own)
            period = pointed.period
            status = pointed.status if status == Status.ACTUAL else status
            carried_aim = status in ahead
        if period is None and status == Status.FORECAST:
            status = self._estimate_of_carried(s, q, clause, metric, index) or status
        whole = self.previous_amount
        if period is None and whole is not None and lists.split_items(s.text, s.quantities, q):
            period = whole.period  # "Of this, 56,000 TEU were containers": the whole's
        if period is None or year_earlier:
            period = self.dating.context_period(s, metric, status, index, measure)
            if status == Status.ACTUAL and measure != Measure.GROWTH and not origin:
                period = self.dating.begun_context(index, period)
            if year_earlier and period is not None:
                period = year_before(period)
            elif (
                status == Status.ACTUAL
                and measure == Measure.GROWTH
                and prose_cues().past_tense.search(clause_before)
            ):
                period = self.dating.past_for_actual(period)
        if today and period is not None and not has_ended(period, self.doc.published):
            # the text's period lies ahead (a plan "by 2025"): today is the publication year
            period = year_period(self.doc.published.year) if self.doc.published else period
        elif origin and not deadline and status == Status.ACTUAL:
            period = self.dating.origin_period(s, q, period)
        aimed = (deadline or carried_aim) and status in (Status.TARGET, Status.FORECAST)
        base = self.dating.growth_base(base, period, measure, aimed)
        qualifier = _qualifier(before, q)
        if qualifier == Qualifier.EXACT and earlier:
            qualifier = self._coordinated_qualifier(s, q, earlier[-1]) or qualifier
        self.previous_metric = metric.id
        self.previous_entity = entity
        self.previous_at = index
        reading = Reading(
            q, metric, entity, value, unit, measure, period, base, status, qualifier, vintage
        )
        self.previous_reading = reading
        if measure == Measure.LEVEL and unit not in (Unit.PERCENT, Unit.COUNT):
            self.previous_amount = reading
        return reading

    def _list_item(
        self, s: Sentence, q: Quantity, measure: str, earlier: list[Reading]
    ) -> tuple[Metric, str, str, str | None] | None:
        """A percentage that a list makes a share of its lead's whole:
        "$22.7 billion (24%)" (the amount before the bracket), "China (21.9%)" after a
        trade lead (trade with that partner), "of these, 34% are export" (a part of the
        last amount, named by its category)."""
        if q.unit != Unit.PERCENT:
            return None
        text = s.text
        if earlier and earlier[-1].measure == measure and earlier[-1].unit in _PERCENTAGES:
            prev = earlier[-1]
            category = lists.continued_item(text, prev.q.end, q)
            if category is not None and not self._names_entity(s, prev.q.end, q.start):
                return prev.metric, prev.unit, measure, lists.with_category(prev.entity, category)
        if measure not in (Measure.LEVEL, Measure.SHARE):
            return None
        if lists.in_brackets(text, q):
            if earlier and lists.brackets_follow(text, earlier[-1].q.end, q):
                prev = earlier[-1]
                if prev.measure == Measure.LEVEL and prev.unit not in (Unit.PERCENT, Unit.COUNT):
                    return prev.metric, Unit.PERCENT, Measure.SHARE, prev.entity
            return self._partner_share(s, q)
        lead = self.previous_amount
        if lead is not None and lists.split_lead_before(text, s.quantities, q):
            category = lists.category_after(text, q)
            entity = lists.with_category(lead.entity, lists.category_after(text, q))
            return lead.metric, Unit.PERCENT, Measure.SHARE, entity
        return None

    def _item_start(self, s: Sentence, q: Quantity) -> int | None:
        """Where the figure's list item begins, if the figure before it is an item of the
        same list: "grew by 11%, container transit by 23%" -> after "11%"."""
        before = [p for p in s.quantities if p.end <= q.start]
        if not before or before[-1].unit != q.unit:
            return None
        end = before[-1].end
        return end if lists.joins_items(s.text[end : q.start]) else None

    def _names_entity(self, s: Sentence, start: int, end: int) -> bool:
        """Whether an entity is named between two offsets of the sentence."""
        return bool(self.context.mentions_in(s.start + start, s.start + end))

    def _dash_item(
        self, s: Sentence, q: Quantity, chosen: tuple[Metric, str, str, str | None]
    ) -> tuple[Metric, str, str, str | None]:
        """ "freight grew: machinery – 14%": the item is a part of the entity's total,
        unless the item is an entity of its own ("China – 30%")."""
        item = lists.dash_category(s.text, q)
        if item is None or self._names_entity(s, item[0], item[0] + len(item[1])):
            return chosen
        metric, unit, measure, entity = chosen
        return metric, unit, measure, lists.with_category(entity, item[1])

    def _partner_share(
        self, s: Sentence, q: Quantity
    ) -> tuple[Metric, str, str, str | None] | None:
        """ "China (21.9%), Russia (15.8%)" after a country's trade: shares of its trade
        with each partner, entity the pair with the reporting country first."""
        c = lists.coordination_cues()
        if self.previous_metric not in c.partner_lead_metrics or not self.previous_entity:
            return None
        bracket = s.text.rfind("(", 0, q.start)
        named = [
            e
            for e in self.context.mentions_in(s.start, s.start + bracket)
            if e.kind == "country" and not s.text[e.end - s.start : bracket].strip()
        ]
        if not named:
            return None
        reporter_name = self.previous_entity
        if self.previous_metric == c.partner_metric:
            reporter_name = reporter_name.split("-")[0]  # the pair's reporting country
        if named[-1].name == reporter_name:
            return None
        reporter = EntityMention(0, 0, reporter_name, "country", True)
        metric = self.catalog.metrics[c.partner_metric]
        return metric, Unit.PERCENT, Measure.SHARE, pair_name(reporter, named[-1])

    def _change_of_previous(
        self, s: Sentence, q: Quantity, prev: Reading
    ) -> tuple[Metric, str, str, str | None] | None:
        """ "2.6 Mt were handled ..., which is 24 percent higher than": a rate restating the
        level before it in the sentence is that level's change (its metric and entity), when
        no other figure stands between them."""
        if prev.measure != Measure.LEVEL or any(prev.q.end <= p.start < q.start for p in s.quantities):
            return None
        gap = s.text[prev.q.end : q.start]
        if len(gap) > _RESTATE_REACH or not prose_cues().restates_previous.search(gap):
            return None
        shape = _claim_unit(q.unit, Measure.GROWTH, prev.metric)
        if shape is None:
            return None
        return prev.metric, shape[0], shape[1], prev.entity

    def _estimate_of_carried(
        self, s: Sentence, q: Quantity, clause: tuple[int, int], metric: Metric, index: int
    ) -> str | None:
        """'was estimated at 1.5 million tons' after 'In January-April, ...': an estimate
        for the period carried from before, which had ended, is an actual figure."""
        words = prose_cues().forecast.findall(self._status_text(s, q, clause)[0])
        if not words or not is_estimate(words[-1]):
            return None
        carried = self.dating.context_period(s, metric, Status.ACTUAL, index)
        return Status.ACTUAL if has_ended(carried, self.doc.published) else None

    def _is_origin(self, s: Sentence, q: Quantity) -> bool:
        """The starting point of a change written "from X to Y"."""
        return bool(_FROM_BEFORE.search(s.text, max(0, q.start - 6), q.start)) and bool(
            re.match(r"[^,;]{0,25}?\bto\b", s.text[q.end :], re.IGNORECASE)
        )

    def _status_text(self, s: Sentence, q: Quantity, clause: tuple[int, int]) -> tuple[str, str]:
        """Words that can carry the status: (before the figure, the rest of its clause).

        Before: this clause up to the number, else the sentence. A passive right after the
        number counts too: "2 million tonnes are expected to".
        """
        own = s.text[clause[0] : q.start]
        after = s.text[q.end : clause[1]]
        passive = _PASSIVE_STATUS.match(s.text, q.end, clause[1])
        if passive:
            return passive.group(1), after
        if has_status_cue(own):
            return own, after
        return s.text[: q.start], after

    def _conversion_of(self, s: Sentence, q: Quantity, earlier: list[Reading]) -> Reading | None:
        """ "1.9 trillion tenge ($4.2 billion)": the bracketed amount repeats the claim before it."""
        if not earlier or q.unit not in _CURRENCIES:
            return None
        prev = earlier[-1]
        if prev.unit not in _CURRENCIES or prev.unit == q.unit:
            return None
        if not re.fullmatch(r"\s*[(\[]\s*", s.text[prev.q.end : q.start]):
            return None
        return replace(prev, q=q, value=q.value, unit=q.unit, qualifier=_qualifier("", q))

    def _coordinated_qualifier(self, s: Sentence, q: Quantity, prev: Reading) -> str | None:
        """ "at least 5.2% in 2023 and 5.4% in 2024": the second figure shares the hedge."""
        gap = s.text[prev.q.end : q.start]
        if prev.q.unit == q.unit and re.fullmatch(
            r"[\s,]*(?:on average\s*)?(?:(?:in|for)\s+\S+\s*)?,?\s*and\s*", gap
        ):
            return prev.qualifier if prev.qualifier != Qualifier.EXACT else None
        return None

    # -- metric -----------------------------------------------------------------------
    def _metric(
        self, s: Sentence, q: Quantity, clause: tuple[int, int], measure: str
    ) -> tuple[Metric, str, str, str | None] | None:
        best: tuple[tuple[float, ...], Metric, str, str, str | None] | None = None
        sector_metrics = entity_rules().sector_metrics
        sector_at_figure: bool | None = None  # looked up when a sector metric fits the unit
        cued = self._cued.get(s.start)
        if cued is None:
            cued = self._cued[s.start] = self._cued_in(s)
        # a metric with no cue in the sentence can still be the figure's only as the metric
        # of the figure before, by what a bare number counts, or by its sector (`_cue_reach`)
        uncued_open = self.pointing_back or q.unit == ""
        for entry, metric, unit, claim_measure in self._readable_as(q.unit, measure):
            if unit == Unit.COUNT and not _counts(q, metric):
                continue
            in_sectors = metric.id in sector_metrics
            if (
                entry not in cued
                and not in_sectors
                and not uncued_open
                and metric.id != self.previous_metric
            ):
                continue  # `_cue_reach` would find none
            if in_sectors and sector_at_figure is None:
                _, sector_at_figure = self._sector(s, q, clause)
            if sector_at_figure and in_sectors:
                cue: tuple[float, int] | None = (0, 0)  # "construction (10.3%)"
            else:
                cue = self._cue_reach(s, q, clause, metric, entry in cued)
            if cue is None:
                continue
            cue_reach, distance = cue
            entity_reach, entity = self._entity(s, q, clause, metric)
            if entity_reach is None:
                continue
            if (entity is None or entity_reach >= 2) and (
                self._only_counted(s, q, metric) or self._only_its_unit(s, q, metric, cue_reach)
            ):
                continue  # "516 people attended", "the festival lasted 3 days": not ours,
                # unless the sentence names what the figure is about
            # "N tonnes of grain" names its figure; otherwise the subject before the number
            side = 0 if distance < 0 else 1 if distance < _AFTER else 2
            key = (cue_reach, entity_reach, side, -metric.priority, distance)
            if best is None or key < best[0]:
                best = (key, metric, unit, claim_measure, entity)
        if best is None:
            return None
        return best[1], best[2], best[3], best[4]

    def _only_counted(self, s: Sentence, q: Quantity, metric: Metric) -> bool:
        """Whether all that names `metric` for a bare number is the noun it counts
        ("people", "cars"), and no cue of the metric is in the sentence (the noun is none:
        "jobs" and "trucks" are cues of their metrics, "people" is not). Such a figure with
        no entity the metric can be about is most often news on something else that shares
        a common word ("516 people attended the opening")."""
        return (
            q.unit == ""
            and _counts(q, metric)
            and not s.cue_spans(metric.cues, metric.cue_keys)
            and not (metric.weak_cues and s.cue_spans(metric.weak_cues, metric.weak_cue_keys))
        )

    def _only_its_unit(self, s: Sentence, q: Quantity, metric: Metric, cue_reach: float) -> bool:
        """Whether all that names `metric` is a weak cue inside the figure itself, its unit
        ("3 days"): with no entity either, a duration is as likely a festival's as a
        train's ("Delivery ... takes up to 25 days" has a cue besides its unit)."""
        if not 2 <= cue_reach < 3 or metric.weak_cues is None:
            return False  # a strong cue, the figure before's metric, or no weak cue at all
        weak = s.cue_spans(metric.weak_cues, metric.weak_cue_keys)
        return all(q.start <= a and b <= q.end for a, b in weak)

    def _cued_in(self, s: Sentence) -> set[str]:
        """The catalog entries whose cues may be in `s`: by the article's screen where it
        ran, else by the sentence's words (`Catalog.metrics_cued_by`)."""
        screen = catalog_screen(self.catalog) if s.screened is not None else None
        if screen is None or s.screened is None:
            return self.catalog.metrics_cued_by(s.word_keys)
        return {entry for pattern in s.screened.cues for entry in screen.entries_of[pattern]}

    def _in_mode(
        self, q: Quantity, clause: tuple[int, int], index: int, metric: Metric, entity: str | None
    ) -> tuple[Metric, str | None]:
        """The metric and entity once the mode of transport in scope is known.

        A country's rail freight is its railway's when the text names one railway, as
        subject or as source ("Georgia carried 1.1 Mt, according to the report of Georgian
        Railway")."""
        metric_id, entity = self.modes.refine(
            index, clause, q.start, metric.id, entity, self._kind_of(entity) == "country"
        )
        refined = metric if metric_id == metric.id else self.catalog.metrics[metric_id]
        railways = self.context.railways
        if len(railways) == 1 and RAILWAY in self.catalog.metrics[metric_id].entity_kinds:
            base = (entity or "").split(" (")[0]  # "Georgia (chemicals)": a list item's category
            if not base or self._kind_of(base) == "country":
                entity = next(iter(railways)) + (entity or "")[len(base) :]
        return refined, entity

    def _readable_as(self, unit: str, measure: str) -> list[tuple[str, Metric, str, str]]:
        """(catalog entry, metric, claim unit, claim measure) of every metric a figure in
        `unit` read as `measure` can be claimed as (`_claim_unit`). Worked out once per
        catalog for each unit and measure rather than for every figure."""
        key = (unit, measure)
        if key not in self._readable:
            self._readable[key] = [
                (entry, metric, *shape)
                for entry, metric in self.catalog.metrics.items()
                if (shape := _claim_unit(unit, measure, metric)) is not None
            ]
        return self._readable[key]

    def _cue_reach(
        self, s: Sentence, q: Quantity, clause: tuple[int, int], metric: Metric, cued: bool
    ) -> tuple[float, int] | None:
        """(reach, distance) of the nearest cue; lower reach is better.

        0 a cue in the clause, 1 in the sentence, 1.5 a weak cue for the metric of the
        figure before, 2 / 2.5 a weak cue in the clause / sentence, 3 only the metric of
        the figure before ("The figure totaled ..."). Without `cued` (see
        `Catalog.metrics_cued_by`) no cue of the metric is in the sentence.
        """
        if q.unit == "" and _counts(q, metric):
            return 0, 0
        continuing = metric.id == self.previous_metric
        if continuing and self.pointing_back:
            return 0, 0  # "this indicator grew by 16.6%": the figure before's metric
        if self.pointing_back and self.previous_reading is None and self._named_before(metric):
            return 1, 0  # "Cargo on the BTK route grew. ... this figure amounted to 540,000 t"
        if continuing and prose_cues().other_measure.search(s.text, clause[0], q.start):
            continuing = False  # "The company's revenue rose 9.5%": not the figure before's
        if not cued:
            return (3, 0) if continuing else None
        strong = self._nearest_cue(s, q, clause, metric.cues, metric.cue_keys)
        if strong is not None:
            return strong
        weak = (
            self._nearest_cue(s, q, clause, metric.weak_cues, metric.weak_cue_keys)
            if metric.weak_cues
            else None
        )
        if weak is not None:
            return (1.5 if continuing else weak[0] + 2), weak[1]
        return (3, 0) if continuing else None

    def _named_before(self, metric: Metric) -> bool:
        """Whether the sentence before names `metric` (a figure with none of its own may
        point back to it: "this figure")."""
        index = self.reading_at - 1
        if index < 0:
            return False
        before = self.context.sentences[index]
        return bool(before.cue_spans(metric.cues, metric.cue_keys))

    def _nearest_cue(
        self,
        s: Sentence,
        q: Quantity,
        clause: tuple[int, int],
        cues: re.Pattern[str],
        keys: frozenset[str] | None,
    ) -> tuple[float, int] | None:
        best: tuple[float, int] | None = None
        causes = self.context.causes_in(s) if self.context.cause_spans else ()
        listed = self.in_list  # a list's items keep their own cues (coordination.py)
        respective = self.respective if listed else None
        item_start = self.item_start if listed else None
        for start, end in s.cue_spans(cues, keys):
            if causes and any(a <= start < b for a, b in causes):
                continue  # "grew 7.2%, supported by investment": a cause, not the figure
            if listed and lists.in_joined_categories(s.text, start, end):
                continue  # "2.6 Mt of dry and oil cargo": neither category alone
            if respective is not None:
                spans, own = respective
                if spans[own][0] <= start < spans[own][1]:
                    return 0, 0  # the item this figure goes with, "respectively"
                if any(a <= start < b for a, b in spans):
                    continue  # another item's
            if start < q.end and end > q.start:
                distance = 0  # the unit names it: "200,000 TEU"
            elif end <= q.start:
                if listed and lists.owned_by_earlier(s.text, s.quantities, q, start):
                    continue  # "1.1 Mt of coal, 300,000 t for fertiliser": coal is not 300,000's
                distance = q.start - end
            elif (
                _CUE_NAMES_FIGURE.fullmatch(s.text, q.end, start)
                and not (q.unit == Unit.PERCENT and _OF_WHOLE.match(s.text, q.end))
                and not _bare_goods(s.text, q.end, start, end)
            ) or (listed and lists.category_follows(s.text, q.end, start, adjacent=True)):
                distance = -1  # "142 thousand tonnes of grain": the cue names this figure
            elif listed and lists.owned_by_later(s.text, s.quantities, q, start):
                continue  # "of the 5.4 Mt, 2.2 Mt were oil": oil is the later figure's
            else:
                distance = _AFTER + start - q.end  # after the number: weaker than before
            reach = 0 if self.cues_start <= start < clause[1] else 1
            if item_start is not None and start < item_start:
                reach = 1  # the cue of an earlier item of the list
            if best is None or (reach, distance) < best:
                best = (reach, distance)
        return best

    def _entity(
        self, s: Sentence, q: Quantity, clause: tuple[int, int], metric: Metric
    ) -> tuple[int | None, str | None]:
        ctx = self.context
        if metric.entity:
            entity = ctx.catalog.entity_kinds[metric.entity]
            if entity.name not in ctx.entity_names:
                return None, None
            reach, _ = ctx.nearest_entity((entity.kind,), s, q.start, clause)
            in_sentence = ctx.mentions_in(s.start, s.start + len(s.text))
            named = [e for e in in_sentence if e.name == entity.name]
            reach = 0 if named and reach <= 1 else max(reach, 2) if not named else 1
            if metric.entity_label:
                _, label = ctx.nearest_entity((metric.entity_label,), s, q.start, clause)
                return reach, label or entity.name
            return reach, entity.name
        if metric.id == self.previous_metric and self.previous_entity and self.pointing_back:
            return 0, self.previous_entity  # "This indicator has increased by 16.6%""
        kinds = metric.entity_kinds
        if metric.entity_leads_clause:
            # "along the Aktau – Baku route, 3,100 TEU", not "..., most of it from the X route"
            led = ctx.mentions_in(s.start + clause[0], s.start + q.start)
            leading = [e.name for e in led if e.kind in kinds]
            return (0, leading[-1]) if leading else (None, None)
        if kinds and kinds[0] == "pair":
            in_sentence = ctx.mentions_in(s.start, s.start + len(s.text))
            reach, pair = pair_entity(
                in_sentence,
                ctx.entities,
                (s.start + clause[0], s.start + clause[1]),
                s.text,
                s.start,
                single_allowed=len(kinds) == 1,
            )
            if pair is None and len(kinds) > 1 and self.previous_at >= self.reading_at - 1:
                pair = pair_carried(self.previous_entity, in_sentence, s.text)
                reach = 0
            if pair is not None or len(kinds) == 1:
                return reach, pair
            kinds = kinds[1:]
        reach, name = ctx.nearest_entity(kinds, s, q.start, clause)
        if metric.entity_is_part and reach == 0 and _OF_WHOLE.match(s.text, q.end):
            name = self._part_named(kinds, s, q, clause) or name
        if name is None and metric.entity_required:
            return None, None
        rules = entity_rules()
        if (
            reach >= 2
            and metric.id in rules.transit_metrics
            and name not in rules.reporting_countries
            and self._kind_of(name) == "country"
        ):
            transited = ctx.nearest_named(rules.reporting_countries, s.start + q.start)
            name = transited or name
        if name and metric.id in entity_rules().sector_metrics:
            sector, _ = self._sector(s, q, clause)
            if sector:
                name = f"{name} {sector}"
        return reach, name

    def _part_named(
        self, kinds: tuple[str, ...], s: Sentence, q: Quantity, clause: tuple[int, int]
    ) -> str | None:
        """The subject before a share whose nearest entity names its whole: in "Kazakhstan
        accounts for 60% of the combined GDP of Central Asia" the share is Kazakhstan's.
        None when no entity of `kinds` leads the clause or none is in the whole."""
        at, end = s.start + q.start, s.start + q.end
        in_clause = self.context.mentions_in(s.start + clause[0], s.start + clause[1])
        before = [e for e in in_clause if e.kind in kinds and e.end <= at]
        whole = any(
            e.kind in kinds and e.start >= end and _WHOLE.fullmatch(s.text, q.end, e.start - s.start)
            for e in in_clause
        )
        return before[-1].name if before and whole else None

    def _kind_of(self, name: str | None) -> str | None:
        known = self.catalog.entity_kinds.get(name) if name else None
        return known.kind if known else None

    def _sector(self, s: Sentence, q: Quantity, clause: tuple[int, int]) -> tuple[str | None, bool]:
        """The sector named in the figure's clause, and whether it is named at the figure."""
        return sector_in_clause(
            self.context.sectors_in(s),
            (s.start + clause[0], s.start + clause[1]),
            s.start + q.start,
            s.start + q.end,
            s.text,
            s.start,
        )

    # -- output -----------------------------------------------------------------------
    def _claim(self, s: Sentence, r: Reading) -> Claim:
        start, end = s.start + r.q.start, s.start + r.q.end
        period = r.period
        return Claim(
            claim_id=claim_id(self.doc.source_id, start, end, r.metric.id, r.unit, r.value),
            source_id=self.doc.source_id,
            metric=r.metric.id,
            entity=r.entity,
            value=float(r.value),
            unit=r.unit,
            value_text=r.q.text,
            period=period.label if period else None,
            period_start=period.start if period else None,
            period_end=period.end if period else None,
            status=r.status,
            measure=r.measure,
            base_period=r.base.label if r.base and r.measure == Measure.GROWTH else None,
            qualifier=r.qualifier,
            quote=s.text.strip(),
            char_start=start,
            char_end=end,
            extractor=EXTRACTOR,
            superseded=r.superseded,
        )
