"""Find time periods in text and resolve relative ones against the publication date.

Labels follow the claim contract: `2023`, `2024-H1`, `2024-Q1`, `2024-05`,
`2024-01..2024-05`, `2021..2025`. A month range that is exactly a quarter, a half or a
year gets that shorter label, so equal spans always share one label.

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
from dataclasses import dataclass
from datetime import date

from metrics.lexicon.textscan import finditer
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
_ORDINAL = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "1st": 1,
    "2nd": 2,
    "3rd": 3,
    "4th": 4,
}
_ORD = r"(?:first|second|third|fourth|1st|2nd|3rd|4th)"
_RELATIVE_YEAR = (
    r"(?:this|the\s+current|last|the\s+previous|the\s+past|next|the\s+next|the\s+coming)\s+year"
)
_YEAR_REF = rf"(?:{_YEAR}|{_RELATIVE_YEAR}|the\s+year)"

# Ordered: the first alternative that matches at a position wins.
_PERIOD = re.compile(
    rf"""
    (?P<date>\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+{_YEAR})?\b          # April 11, 2024
       | \b\d{{1,2}}\s+{_MONTH}(?:\s+{_YEAR})?\b                                 # 11 April 2024
       | \b\d{{1,2}}[./]\d{{1,2}}[./]{_YEAR}\b)                                  # 31.05.2024
  | (?P<month_range>\b(?:between\s+)?(?P<m1>{_MONTH})(?:{_DASH}|\s+and\s+)(?P<m2>{_MONTH})(?:\s*(?:of\s+)?(?P<mr_year>{_YEAR_REF}))?)
  | (?P<half>\b(?:(?:in\s+)?the\s+)?(?P<h_ord>first|second|1st|2nd)\s+half(?:\s+of\s+(?P<h_year>{_YEAR_REF}))?
       | \bH(?P<h_num>[12])\s*(?P<h_year2>{_YEAR}|{_SHORT_YEAR})\b
       | \b(?P<h_num2>[12])H\s*(?P<h_year3>{_YEAR}|{_SHORT_YEAR})\b
       | \b(?P<h_year4>{_YEAR})\s*H(?P<h_num3>[12])\b)
  | (?P<quarter>\b(?:the\s+)?(?P<q_ord>{_ORD})\s+quarter(?:\s+of\s+(?P<q_year>{_YEAR_REF}))?
       | \bQ(?P<q_num>[1-4])\s*(?P<q_year2>{_YEAR}|{_SHORT_YEAR})?\b
       | \b(?P<q_num2>[1-4])Q\s*(?P<q_year3>{_YEAR}|{_SHORT_YEAR})\b
       | \b(?P<q_year4>{_YEAR})\s*Q(?P<q_num3>[1-4])\b)
  | (?P<first_months>\b(?:(?:in|over|during)\s+)?(?:the\s+)?(?:first\s+)?(?P<fm_n>{_N})\s+months(?:\s+of\s+(?P<fm_year>{_YEAR_REF}))?(?!\s+(?:ago|later|earlier))
       | \b(?P<fm_n2>\d{{1,2}})M\s*(?P<fm_year2>{_YEAR}|{_SHORT_YEAR})
       | \b(?P<fm_n3>\d{{1,2}})M(?P<fm_year3>{_YEAR}|{_SHORT_YEAR})
       | \b(?:the\s+)?(?P<fm_n4>{_N})[-\s]month\s+period\s+of\s+(?P<fm_year5>{_YEAR}))
  | (?P<past_months>\b(?:for|over|in|during)\s+the\s+(?:past|last)\s+(?P<pm_n>{_N})\s+months\b)
  | (?P<past_years>\b(?:for|over|in|during)\s+the\s+(?:past|last)\s+(?P<py_n>{_N})\s+years\b)
  | (?P<same_period>\b(?:the\s+)?same\s+period\s+(?:of|in|a)\s+(?:the\s+previous|last|previous|the\s+last)?\s*year\b
       | \bthe\s+same\s+period\s+(?:of|in)\s+(?P<sp_year>{_YEAR})\b)
  | (?P<year_range>\b(?:between\s+|from\s+)?(?P<y1>{_YEAR})\s*(?:-|–|—|to|and|through)\s*(?P<y2>{_YEAR}|\d\d)\b)
  | (?P<month>\b(?P<mo>{_MONTH})(?:\s+of)?\s+(?P<mo_year>{_YEAR}|this\s+year|last\s+year)\b
       | \b(?:in|during|for|of|since)\s+(?P<mo2>(?:january|february|march|april|june|july|august|september|october|november|december|jan|feb|aug|sept?|oct|nov|dec)\.?)(?=[\s,.;:]|$)(?![\s,]*(?:19|20)\d\d)(?!\.?\s*(?:[-–—]|to\b|and\b))
       | \b(?P<mo3>{_MONTH})\s*['’](?P<mo_short>\d\d)\b)
  | (?P<deadline>\b(?:by|until|till|through|before)\s+(?:the\s+end\s+of\s+)?(?P<d_year>{_YEAR})\b
       | \bby\s+(?:the\s+)?end\s+of\s+(?P<d_rel>this|next)\s+year\b)
  | (?P<earlier>\b(?:a|one)\s+year\s+(?:earlier|ago|before)\b|\bthe\s+year\s+before\b)
  | (?P<relative>\b(?P<rel>this|the\s+current|current|last|the\s+previous|previous|the\s+past|next|the\s+next|a)\s+year(?:['’]s)?\b(?!-on-)(?!\s+ago))
  | (?P<year>(?<![\d.,/-])(?:FY\s?)?(?P<y>{_YEAR})(?![\d%]|\s*(?:tons|tonnes|t\b|km|TEU)))
    """,
    re.VERBOSE | re.IGNORECASE,
)


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


def _mention(m: re.Match[str], published: date | None) -> PeriodMention | None:
    g = m.groupdict()
    kind = "point"
    period: Period | None = None
    years = 0
    if g["date"]:
        return None
    if g["month_range"]:
        year = _year_of(g["mr_year"], published)
        if year is None:
            return None
        m1, m2 = _month(g["m1"]), _month(g["m2"])
        period = month_span(year, m1, year, m2) if m1 <= m2 else None
    elif g["half"]:
        raw_year = g["h_year"] or g["h_year2"] or g["h_year3"] or g["h_year4"]
        year = _year_of(raw_year, published)
        half = _ORDINAL.get((g["h_ord"] or "").lower()) or int(
            g["h_num"] or g["h_num2"] or g["h_num3"]
        )
        if year is None:
            return None  # "the first half" in an undated text: no year to put it in
        period = month_span(year, 1, year, 6) if half == 1 else month_span(year, 7, year, 12)
    elif g["quarter"]:
        raw_year = g["q_year"] or g["q_year2"] or g["q_year3"] or g["q_year4"]
        year = _year_of(raw_year, published)
        q = _ORDINAL.get((g["q_ord"] or "").lower()) or int(
            g["q_num"] or g["q_num2"] or g["q_num3"]
        )
        period = month_span(year, 3 * q - 2, year, 3 * q) if year else None
    elif g["first_months"]:
        n = _count(g["fm_n"] or g["fm_n2"] or g["fm_n3"] or g["fm_n4"])
        year = _year_of(g["fm_year"] or g["fm_year2"] or g["fm_year3"] or g["fm_year5"], published)
        period = month_span(year, 1, year, n) if year and 1 <= n <= 12 else None
    elif g["past_months"]:
        if published is None:
            return None
        n = _count(g["pm_n"])
        last = date(published.year, published.month, 1)
        end_y, end_m = (last.year, last.month - 1) if last.month > 1 else (last.year - 1, 12)
        start_index = end_y * 12 + end_m - 1 - (n - 1)
        period = month_span(start_index // 12, start_index % 12 + 1, end_y, end_m)
    elif g["past_years"]:
        if published is None:
            return None
        years = _count(g["py_n"])
        period = year_span(published.year - years, published.year - 1)
        kind = "past_years"
    elif g["same_period"]:
        kind = "base"
        year = int(g["sp_year"]) if g["sp_year"] else None
        period = year_period(year) if year else Period("same-period", date.min, date.min)
    elif g["year_range"]:
        y1, raw2 = int(g["y1"]), g["y2"]
        y2 = int(raw2) if len(raw2) == 4 else y1 // 100 * 100 + int(raw2)
        period = year_span(y1, y2) if y1 < y2 <= y1 + 30 else None
    elif g["month"]:
        month = _month(g["mo"] or g["mo2"] or g["mo3"])
        if g["mo_short"]:
            year = 2000 + int(g["mo_short"])
        elif g["mo_year"]:
            year = _year_of(g["mo_year"], published)
        elif published is not None:
            # "in March" in an April article is this March; in a February one, last March
            year = published.year if month <= published.month else published.year - 1
        else:
            year = None
        period = month_span(year, month, year, month) if year else None
    elif g["deadline"]:
        kind = "deadline"
        year = int(g["d_year"]) if g["d_year"] else _year_of(g["d_rel"] + " year", published)
        period = year_period(year) if year else None
    elif g["earlier"]:
        kind = "earlier"  # a year before the figure it follows: resolved by the extractor
        period = Period("year-earlier", date.min, date.min)
    elif g["relative"]:
        rel = re.sub(r"\s+", " ", g["rel"].lower())
        if rel == "a":
            return None  # "a year" is a duration ("10 million tons a year")
        year = _year_of(rel + " year", published)
        period = year_period(year) if year else None
    elif g["year"]:
        period = year_period(int(g["y"]))
    if period is None:
        return None
    return PeriodMention(period, m.start(), m.end(), kind, years)


# Every branch of _PERIOD needs a digit or one of these words; text without any (most
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
    for folded in finditer(_PERIOD, text):
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
