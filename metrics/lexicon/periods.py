"""Find time periods in text and resolve relative ones against the publication date.

Labels follow the claim contract: `2023`, `2024-H1`, `2024-Q1`, `2024-05`,
`2024-01..2024-05`, `2021..2025`. A month range that is exactly a quarter, a half or a
year gets that shorter label, so equal spans always share one label.

Each way of writing a period is a `PeriodRule` in `PERIOD_RULES`: a name, a pattern, the
function that dates a match, and examples. All patterns run as one scanner, case-folded.

>>> parse_period("in January-July 2023", None).label
'2023-01..2023-07'
>>> parse_period("this year", date(2024, 7, 3)).label
'2024'
>>> parse_period("this year", None) is None
True
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial

from metrics.lexicon.textscan import finditer, top_level_alternatives
from metrics.models import Period

MONTHS = {
    name: i
    for i, full in enumerate(calendar.month_name)
    if full
    for name in (full.lower(), full[:3].lower(), full[:4].lower())
}
_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_YEAR = r"(?:19|20)\d\d"
_SHORT_YEAR = r"['’‘]\d\d"
_DASH = r"\s*(?:-|–|—|to|through|till|until)\s*"
_COUNT = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
    "twenty": 20, "thirty": 30,
}  # fmt: skip
_N = r"(?:\d{1,2}|" + "|".join(_COUNT) + r")"
_ORDINAL = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}  # fmt: skip
_ORD = r"(?:first|second|third|fourth|1st|2nd|3rd|4th)"
_RELATIVE_YEAR = (
    r"(?:this|the\s+current|last|the\s+previous|the\s+past|next|the\s+next|the\s+coming)\s+year"
)
_YEAR_REF = rf"(?:{_YEAR}|{_RELATIVE_YEAR}|the\s+year)"


@dataclass(frozen=True)
class PeriodMention:
    """A period found in text, with where it was and how it was written.

    `kind` tells the extractor how the period relates to a claim: `point` (in 2023),
    `deadline` (by 2030), `base` (the same period of last year), `past_years` (over the
    past five years: `years` is 5, `period` the span up to last year).
    """

    period: Period
    start: int
    end: int
    kind: str
    years: int = 0


def year_period(year: int) -> Period:
    return Period(str(year), date(year, 1, 1), date(year, 12, 31))


def month_span(y1: int, m1: int, y2: int, m2: int) -> Period:
    """A span of whole months, labelled with the shortest equivalent label."""
    start = date(y1, m1, 1)
    end = date(y2, m2, calendar.monthrange(y2, m2)[1])
    if y1 == y2:
        if (m1, m2) == (1, 12):
            return year_period(y1)
        if m1 == m2:
            return Period(f"{y1}-{m1:02d}", start, end)
        if (m1, m2) in ((1, 6), (7, 12)):
            return Period(f"{y1}-H{1 if m1 == 1 else 2}", start, end)
        if m2 == m1 + 2 and m1 % 3 == 1:
            return Period(f"{y1}-Q{m2 // 3}", start, end)
    return Period(f"{y1}-{m1:02d}..{y2}-{m2:02d}", start, end)


def year_span(y1: int, y2: int) -> Period:
    return year_period(y1) if y1 == y2 else Period(f"{y1}..{y2}", date(y1, 1, 1), date(y2, 12, 31))


def period_from_label(label: str) -> Period:
    """The inverse of a label: '2024-H1' -> Period('2024-H1', 2024-01-01, 2024-06-30)."""
    if ".." in label:
        a, b = (period_from_label(part) for part in label.split("..", 1))
        return Period(label, a.start, b.end)
    if m := re.fullmatch(r"(\d{4})", label):
        return year_period(int(m[1]))
    if m := re.fullmatch(r"(\d{4})-H([12])", label):
        return month_span(int(m[1]), 1 if m[2] == "1" else 7, int(m[1]), 6 if m[2] == "1" else 12)
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", label):
        q = int(m[2])
        return month_span(int(m[1]), 3 * q - 2, int(m[1]), 3 * q)
    if m := re.fullmatch(r"(\d{4})-(\d{2})", label):
        return month_span(int(m[1]), int(m[2]), int(m[1]), int(m[2]))
    raise ValueError(f"not a period label: {label!r}")


def shift_years(period: Period, years: int) -> Period:
    """The same span `years` earlier (negative) or later: the base of year-on-year growth."""
    s, e = period.start, period.end
    if re.fullmatch(r"\d{4}\.\.\d{4}", period.label):
        return year_span(s.year + years, e.year + years)
    return month_span(s.year + years, s.month, e.year + years, e.month)


def _year_of(text: str | None, published: date | None) -> int | None:
    """A year as written, or a relative year resolved against the publication date."""
    if not text:
        return published.year if published else None
    t = re.sub(r"\s+", " ", text.strip().lower())
    if re.fullmatch(_YEAR, t):
        return int(t)
    if re.fullmatch(_SHORT_YEAR, t):
        return 2000 + int(t[1:])
    if published is None:
        return None
    if t.startswith(("last", "the previous", "the past", "previous")):
        return published.year - 1
    if t.startswith(("next", "the next", "the coming")):
        return published.year + 1
    return published.year  # this year, the current year, the year


def _count(text: str) -> int:
    return int(text) if text.isdigit() else _COUNT[text.lower()]


def _month(text: str) -> int:
    return MONTHS[
        text.lower().rstrip(".")[:4]
        if text.lower().startswith("sept")
        else text.lower().rstrip(".")[:3]
    ]


SAME_PERIOD = Period("same-period", date.min, date.min)
"""'The same period of last year': the base of a growth figure, dated only by that figure.

The extractor puts the figure's own span a year earlier in its place (`shift_years`);
it is one object, so test for it with `is`.
"""

YEAR_EARLIER = Period("year-earlier", date.min, date.min)
"""'A year earlier': a year before the figure it follows, resolved by the extractor."""

EXAMPLE_PUBLISHED = date(2024, 7, 3)
"""The publication date the rules' examples are resolved against."""

Groups = dict[str, str | None]


@dataclass(frozen=True)
class PeriodRule:
    """One way of writing a period: the pattern that finds it and the function that dates it.

    The patterns of all rules are compiled into one scanner, in order: at a position the
    first rule that matches wins. A rule's named groups reach `resolve` under their own
    names, so rules may share names ("year") and resolvers. `resolve` returns None for a
    match that is no period (a day's date, "a year" as a duration) or cannot be dated.
    """

    name: str
    pattern: str  # verbose, case-insensitive
    resolve: Callable[[Groups, date | None], Period | None]
    examples: dict[str, str | None]  # text -> label when published on EXAMPLE_PUBLISHED
    kind: str = "point"  # see PeriodMention


def _no_period(g: Groups, published: date | None) -> Period | None:
    return None


def _month_range(g: Groups, published: date | None) -> Period | None:
    year = _year_of(g["year"], published)
    if year is None:
        return None
    first, last = _month(g["first"] or ""), _month(g["last"] or "")
    return month_span(year, first, year, last) if first <= last else None


def _half(g: Groups, published: date | None) -> Period | None:
    year = _year_of(g["year"], published)
    half = _ORDINAL.get((g.get("ordinal") or "").lower()) or int(g.get("number") or "")
    if year is None:
        return None  # "the first half" in an undated text: no year to put it in
    return month_span(year, 1, year, 6) if half == 1 else month_span(year, 7, year, 12)


def _quarter(g: Groups, published: date | None) -> Period | None:
    year = _year_of(g["year"], published)
    q = _ORDINAL.get((g.get("ordinal") or "").lower()) or int(g.get("number") or "")
    return month_span(year, 3 * q - 2, year, 3 * q) if year else None


def _first_months(g: Groups, published: date | None) -> Period | None:
    n = _count(g["n"] or "")
    year = _year_of(g["year"], published)
    return month_span(year, 1, year, n) if year and 1 <= n <= 12 else None


def _first_quarters(g: Groups, published: date | None) -> Period | None:
    """'the first three quarters of 2024': January to the end of the third quarter."""
    n = _count(g["n"] or "")
    year = _year_of(g["year"], published)
    return month_span(year, 1, year, 3 * n) if year and 1 <= n <= 4 else None


def _past_months(g: Groups, published: date | None) -> Period | None:
    if published is None:
        return None
    n = _count(g["n"] or "")
    last = date(published.year, published.month, 1)
    end_y, end_m = (last.year, last.month - 1) if last.month > 1 else (last.year - 1, 12)
    start_index = end_y * 12 + end_m - 1 - (n - 1)
    return month_span(start_index // 12, start_index % 12 + 1, end_y, end_m)


def _past_years(g: Groups, published: date | None) -> Period | None:
    if published is None:
        return None
    years = _count(g["n"] or "")
    return year_span(published.year - years, published.year - 1)


def _same_period(g: Groups, published: date | None) -> Period | None:
    return year_period(int(g["year"])) if g["year"] else SAME_PERIOD


def _year_range(g: Groups, published: date | None) -> Period | None:
    y1, raw2 = int(g["first"] or ""), g["last"] or ""
    y2 = int(raw2) if len(raw2) == 4 else y1 // 100 * 100 + int(raw2)
    return year_span(y1, y2) if y1 < y2 <= y1 + 30 else None


def _month_period(g: Groups, published: date | None) -> Period | None:
    month = _month(g["month"] or "")
    if g.get("short"):
        year: int | None = 2000 + int(g["short"] or "")
    elif g.get("year"):
        year = _year_of(g["year"], published)
    elif published is not None:
        # "in March" in an April article is this March; in a February one, last March
        year = published.year if month <= published.month else published.year - 1
    else:
        year = None
    return month_span(year, month, year, month) if year else None


def _since_month(g: Groups, published: date | None) -> Period | None:
    """'since March' in a July article: March to June, the whole months published so far."""
    if published is None:
        return None
    first = _month(g["month"] or "") if g.get("month") else 1
    last = published.month - 1
    if first > published.month:
        return None  # "since November" in a July article: last year's, too far to tell
    return month_span(published.year, first, published.year, max(first, last))


def _deadline(g: Groups, published: date | None) -> Period | None:
    year = int(g["year"]) if g["year"] else _year_of(f"{g['relative']} year", published)
    return year_period(year) if year else None


def _this_year(g: Groups, published: date | None) -> Period | None:
    return year_period(published.year) if published else None


def _year_before_last(g: Groups, published: date | None) -> Period | None:
    return year_period(published.year - 2) if published else None


def _year_earlier(g: Groups, published: date | None) -> Period | None:
    return YEAR_EARLIER


def _relative_year(g: Groups, published: date | None) -> Period | None:
    relative = re.sub(r"\s+", " ", (g["relative"] or "").lower())
    if relative == "a":
        return None  # "a year" is a duration ("10 million tons a year")
    year = _year_of(relative + " year", published)
    return year_period(year) if year else None


def _year(g: Groups, published: date | None) -> Period | None:
    return year_period(int(g["year"] or ""))


_YEAR_OR_SHORT = rf"(?:{_YEAR}|{_SHORT_YEAR})"

PERIOD_RULES: tuple[PeriodRule, ...] = (
    PeriodRule(
        "date",  # a day is no period; matched so that its year is not read as one
        rf"""\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+{_YEAR})?\b
          | \b\d{{1,2}}\s+{_MONTH}(?:\s+{_YEAR})?\b
          | \b\d{{1,2}}[./]\d{{1,2}}[./]{_YEAR}\b""",
        _no_period,
        {"April 11, 2024": None, "11 April 2024": None, "31.05.2024": None},
    ),
    PeriodRule(
        "month_range",
        rf"""\b(?:between\s+|from\s+)?(?P<first>{_MONTH})(?:{_DASH}|\s+and\s+)(?P<last>{_MONTH})
            (?:\s*(?:of\s+)?(?P<year>{_YEAR_REF}))?""",
        _month_range,
        {
            "January-July 2023": "2023-01..2023-07",
            "between April and June": "2024-Q2",
            "from March through May 2022": "2022-03..2022-05",
        },
    ),
    PeriodRule(
        "half_in_words",
        rf"\b(?:(?:in\s+)?the\s+)?(?P<ordinal>first|second|1st|2nd)\s+half(?:\s+of\s+(?P<year>{_YEAR_REF}))?",
        _half,
        {"in the first half of 2023": "2023-H1", "the second half of last year": "2023-H2"},
    ),
    PeriodRule(
        "half_h_first",
        rf"\bH(?P<number>[12])\s*(?P<year>{_YEAR_OR_SHORT})?\b",
        _half,
        {"H1 2023": "2023-H1", "H2'23": "2023-H2", "H1": "2024-H1"},
    ),
    PeriodRule(
        "half_number_first",
        rf"\b(?P<number>[12])H\s*(?P<year>{_YEAR_OR_SHORT})?\b",
        _half,
        {"1H 2023": "2023-H1", "1H": "2024-H1"},
    ),
    PeriodRule(
        "half_year_first",
        rf"\b(?P<year>{_YEAR})\s*H(?P<number>[12])\b",
        _half,
        {"2023H2": "2023-H2"},
    ),
    PeriodRule(
        "quarter_in_words",
        rf"\b(?:the\s+)?(?P<ordinal>{_ORD})\s+quarter(?:\s+of\s+(?P<year>{_YEAR_REF}))?",
        _quarter,
        {"the third quarter of 2023": "2023-Q3", "the first quarter": "2024-Q1"},
    ),
    PeriodRule(
        "quarter_q_first",
        rf"\bQ(?P<number>[1-4])\s*(?P<year>{_YEAR_OR_SHORT})?\b",
        _quarter,
        {"Q3 2023": "2023-Q3", "Q1": "2024-Q1"},
    ),
    PeriodRule(
        "quarter_number_first",
        rf"\b(?P<number>[1-4])Q\s*(?P<year>{_YEAR_OR_SHORT})\b",
        _quarter,
        {"2Q 2023": "2023-Q2"},
    ),
    PeriodRule(
        "quarter_year_first",
        rf"\b(?P<year>{_YEAR})\s*Q(?P<number>[1-4])\b",
        _quarter,
        {"2023 Q4": "2023-Q4"},
    ),
    PeriodRule(
        "first_months_in_words",
        rf"""\b(?:(?:in|over|during)\s+)?(?:the\s+)?(?:first\s+)?(?P<n>{_N})\s+months
            (?:\s+of\s+(?P<year>{_YEAR_REF}))?(?!\s+(?:ago|later|earlier))""",
        _first_months,
        {"in the first five months of 2023": "2023-01..2023-05", "9 months": "2024-01..2024-09"},
    ),
    PeriodRule(
        "first_quarters_in_words",
        rf"""\b(?:(?:in|over|during|for)\s+)?(?:the\s+)?first\s+(?P<n>{_N})\s+quarters
            (?:\s+of\s+(?P<year>{_YEAR_REF}))?""",
        _first_quarters,
        {"in the first three quarters of 2023": "2023-01..2023-09", "the first 2 quarters": "2024-H1"},
    ),
    PeriodRule(
        "first_months_abbreviated",
        rf"\b(?P<n>\d{{1,2}})M\s*(?P<year>{_YEAR_OR_SHORT})",
        _first_months,
        {"9M 2023": "2023-01..2023-09", "5M2023": "2023-01..2023-05"},
    ),
    PeriodRule(
        "first_months_period",
        rf"\b(?:the\s+)?(?P<n>{_N})[-\s]month\s+period\s+of\s+(?P<year>{_YEAR})",
        _first_months,
        {"the six-month period of 2023": "2023-H1"},
    ),
    PeriodRule(
        "past_months",
        rf"\b(?:for|over|in|during)\s+the\s+(?:past|last)\s+(?P<n>{_N})\s+months\b",
        _past_months,
        {"over the past three months": "2024-Q2"},
    ),
    PeriodRule(
        "past_years",
        rf"\b(?:for|over|in|during)\s+the\s+(?:past|last)\s+(?P<n>{_N})\s+years\b",
        _past_years,
        {"over the past five years": "2019..2023"},
        kind="past_years",
    ),
    PeriodRule(
        "same_period",
        rf"""\b(?:the\s+)?(?:same|corresponding|comparable)\s+(?:period|months?)\s+(?:(?:of|in|a)\s+)?(?:the\s+previous|last|previous|the\s+last|the\s+prior|prior)?\s*year\b
          | \bthe\s+(?:same|corresponding)\s+(?:period|months?)\s+(?:of|in)\s+(?P<year>{_YEAR})\b""",
        _same_period,
        {
            "the same period of last year": "same-period",
            "the same period last year": "same-period",
            "the corresponding period of the previous year": "same-period",
            "the same months of the prior year": "same-period",
            "the same period of 2022": "2022",
            "the same month in 2023": "2023",
        },
        kind="base",
    ),
    PeriodRule(
        "year_range",
        # two digits end a range only after a dash ("2019–21"), never a word ("2024 and 40")
        rf"\b(?:between\s+|from\s+)?(?P<first>{_YEAR})\s*(?:-|–|—|to|and|through)\s*"
        rf"(?P<last>{_YEAR}|(?<=[-–—])\d\d|(?<=[-–—]\s)\d\d)\b",
        _year_range,
        {"2021-2025": "2021..2025", "between 2020 and 2022": "2020..2022", "2019–21": "2019..2021"},
    ),
    PeriodRule(
        "month_and_year",
        rf"\b(?P<month>{_MONTH})(?:\s+of)?\s+(?P<year>{_YEAR}|this\s+year|last\s+year)\b",
        _month_period,
        {"May 2024": "2024-05", "March of last year": "2023-03", "January this year": "2024-01"},
    ),
    PeriodRule(
        "since_month",  # year to date: from that month to the last whole month published
        rf"""\bsince\s+(?:(?:the\s+)?(?:start|beginning)\s+of\s+(?:the|this)\s+year
            |(?P<month>{_MONTH})(?![\s,]*(?:19|20)\d\d)(?!\s+\d))""",
        _since_month,
        {
            "since January": "2024-H1",
            "since the beginning of the year": "2024-H1",
            "since March": "2024-03..2024-06",
        },
    ),
    PeriodRule(
        "month_alone",  # "in March": the last March up to publication
        rf"""\b(?:in|during|for|of)\s+(?P<month>(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|aug|sept?|oct|nov|dec)\.?)
            (?=[\s,.;:]|$)(?![\s,]*(?:19|20)\d\d)(?!\.?\s*(?:[-–—]|to\b|and\b)\s*{_MONTH})
            (?!\s+(?:of\s+)?(?:this|last)\s+year)""",
        _month_period,
        {"in March": "2024-03", "in October": "2023-10", "in May": "2024-05"},
    ),
    PeriodRule(
        "month_short_year",
        rf"\b(?P<month>{_MONTH})\s*['’](?P<short>\d\d)\b",
        _month_period,
        {"Jan'24": "2024-01"},
    ),
    PeriodRule(
        "deadline",
        rf"""\b(?:by|until|till|through|before)\s+(?:the\s+end\s+of\s+)?(?P<year>{_YEAR})\b
          | \bby\s+(?:the\s+)?end\s+of\s+(?P<relative>this|next)\s+year\b""",
        _deadline,
        {"by 2030": "2030", "by the end of next year": "2025"},
        kind="deadline",
    ),
    PeriodRule(
        "year_end",  # the year the text is written in; a change "by year-end" is the year's
        r"\b(?:by|until|till)\s+(?:the\s+)?(?:end\s+of\s+the\s+year|year[-\s]end)\b",
        _this_year,
        {"by the end of the year": "2024", "by year-end": "2024"},
    ),
    PeriodRule(
        "year_before_last",
        r"\b(?:the\s+)?year\s+before\s+last\b",
        _year_before_last,
        {"the year before last": "2022", "year before last": "2022"},
    ),
    PeriodRule(
        "earlier",
        r"\b(?:a|one)\s+year\s+(?:earlier|ago|before)\b|\bthe\s+year\s+before\b",
        _year_earlier,
        {"a year earlier": "year-earlier", "the year before": "year-earlier"},
        kind="earlier",
    ),
    PeriodRule(
        "relative_year",
        r"""\b(?P<relative>this|the\s+current|current|last|the\s+previous|previous|the\s+past|next|the\s+next|a)
            \s+year(?:['’]s)?\b(?!-on-)(?!\s+ago)""",
        _relative_year,
        {"last year": "2023", "this year's": "2024", "a year": None},
    ),
    PeriodRule(
        "year",
        rf"(?<![\d.,/-])(?:FY\s?)?(?P<year>{_YEAR})(?![\d%]|\s*(?:tons|tonnes|t\b|km|TEU))",
        _year,
        {"2023": "2023", "FY2024": "2024"},
    ),
)
_RULE_NAMED = {rule.name: rule for rule in PERIOD_RULES}
_GROUP = re.compile(r"\(\?P<(\w+)>")


def _prefixed_group(prefix: str, m: re.Match[str]) -> str:
    return f"(?P<{prefix}__{m[1]}>"


def _scanner(
    rules: tuple[PeriodRule, ...],
) -> tuple[re.Pattern[str], dict[str, list[tuple[str, str]]]]:
    """The rules as one pattern, each followed by an empty group of its name, and their groups.

    Group names must be unique in a pattern, so a rule's group `year` becomes
    `<rule>__year`; the second value maps each rule to its (scanner name, own name) pairs.

    Each run of rules that match only at a word boundary is tried behind one shared `\\b`,
    in the same order: inside a word `re` then drops the run at once instead of trying
    every rule of it (the bare year is the rule that may begin inside a word, "FY2024").
    """
    runs: list[tuple[bool, list[str]]] = []  # (at a word boundary, rules) in order
    groups = {}
    for rule in rules:
        groups[rule.name] = [
            (f"{rule.name}__{name}", name) for name in _GROUP.findall(rule.pattern)
        ]
        own = _GROUP.sub(partial(_prefixed_group, rule.name), rule.pattern)
        part = f"(?:{own})(?P<{rule.name}>)"  # at the end: only a match pays for it
        at_boundary = _begins_at_word_boundary(rule.pattern)
        if runs and runs[-1][0] == at_boundary:
            runs[-1][1].append(part)
        else:
            runs.append((at_boundary, [part]))
    alternatives = [
        rf"\b(?:{_RULE_JOINER.join(parts)})" if at_boundary else _RULE_JOINER.join(parts)
        for at_boundary, parts in runs
    ]
    return re.compile(_RULE_JOINER.join(alternatives), re.VERBOSE | re.IGNORECASE), groups


_RULE_JOINER = "\n|"  # a line each, for reading the pattern


def _begins_at_word_boundary(pattern: str) -> bool:
    """Whether every alternative of a rule's (verbose) pattern begins with `\\b`."""
    alternatives = top_level_alternatives(pattern)
    return "#" not in pattern and all(a.lstrip().startswith(r"\b") for a in alternatives)


_PERIOD, _RULE_GROUPS = _scanner(PERIOD_RULES)
_PERIOD_FINDER = re.compile(_GROUP.sub("(?:", _PERIOD.pattern), _PERIOD.flags)
"""`_PERIOD` with its named groups made plain: the same matches, found faster, since `re`
pays for entering a named group at every position it tries. `find_periods` matches
`_PERIOD` only where this one matched."""


def _mention(m: re.Match[str], published: date | None) -> PeriodMention | None:
    """What the rule that matched makes of `m` (its empty group is the last one matched)."""
    rule = _RULE_NAMED[m.lastgroup or ""]
    period = rule.resolve({name: m[group] for group, name in _RULE_GROUPS[rule.name]}, published)
    if period is None:
        return None
    # "over the past five years" is the five whole years up to last year
    years = period.end.year - period.start.year + 1 if rule.kind == "past_years" else 0
    return PeriodMention(period, m.start(), m.end(), rule.kind, years)


# Every rule needs a digit or one of these words; text without any (most
# sentences of background and quotes) is skipped without running the large pattern.
_PERIOD_HINT = re.compile(
    r"\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|half|quarter|month|year|period",
    re.IGNORECASE,
)


def find_periods(text: str, published: date | None) -> list[PeriodMention]:
    """Every period expression in `text`, in order; unresolvable ones are left out."""
    if not _PERIOD_HINT.search(text):
        return []
    found = []
    for folded in finditer(_PERIOD_FINDER, text):
        m = _PERIOD.match(text, folded.start())  # the same match, with the groups as written
        mention = _mention(m, published) if m else None
        if mention is not None:
            found.append(mention)
    return found


def parse_period(text: str, published: date | None = None) -> Period | None:
    """The first period written in `text`, resolved against `published`."""
    for mention in find_periods(text, published):
        if mention.kind != "base":
            return mention.period
    return None
