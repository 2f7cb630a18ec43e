"""The closed vocabularies of the fact table, spelled once.

Every stage writes and reads these words: the extractors decide them, the schema checks them,
reconciliation and the report branch on them, and users filter by them in SQL. Each is a
`StrEnum`, so a member *is* its string (`Status.ACTUAL == "actual"`), stores in DuckDB and
pandas as plain text, and a typo in code is an AttributeError instead of a silent miss.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Whether a figure happened, is expected, or is aimed for."""

    ACTUAL = "actual"
    FORECAST = "forecast"
    TARGET = "target"


class Measure(StrEnum):
    """What a figure measures: an amount, a change of an amount, or a part of a whole."""

    LEVEL = "level"
    GROWTH = "growth"
    SHARE = "share"


class Qualifier(StrEnum):
    """How exactly the text states a figure ("about", "more than", "up to")."""

    EXACT = "exact"
    APPROX = "approx"
    AT_LEAST = "at_least"
    AT_MOST = "at_most"


class Unit(StrEnum):
    """The base units a claim's value is stored in (scales like "million" are applied)."""

    TONNES = "t"
    TEU = "TEU"
    USD = "USD"
    EUR = "EUR"
    KZT = "KZT"
    # Currencies of the region, as ISO 4217 codes: claims in them are kept (the corpus
    # scores only the ones above, and a bracketed USD conversion is its own claim).
    AZN = "AZN"  # Azerbaijani manat
    UZS = "UZS"  # Uzbek soum
    KGS = "KGS"  # Kyrgyz som
    TJS = "TJS"  # Tajik somoni
    TMT = "TMT"  # Turkmen manat
    GEL = "GEL"  # Georgian lari
    AMD = "AMD"  # Armenian dram
    RUB = "RUB"  # Russian rouble
    CNY = "CNY"  # Chinese yuan
    MNT = "MNT"  # Mongolian tugrik
    PERCENT = "%"
    PCT_CHANGE = "pct_change"
    TIMES = "x"
    COUNT = "count"
    KM = "km"
    DAY = "day"
    PP = "pp"


_NOT_MONEY = {
    Unit.TONNES, Unit.TEU, Unit.PERCENT, Unit.PCT_CHANGE, Unit.TIMES, Unit.COUNT, Unit.KM,
    Unit.DAY, Unit.PP,
}  # fmt: skip
CURRENCY_UNITS = frozenset(set(Unit) - _NOT_MONEY)
"""Units that are money: an amount in one may be restated in brackets in another."""

RATE_UNITS = (Unit.PERCENT, Unit.PP)
"""Units of rates, which cannot be scaled by a growth factor into another level."""


class Verdict(StrEnum):
    """What reconciliation decided about one claim at its point."""

    CHOSEN = "chosen"
    AGREES = "agrees"
    SUPERSEDED = "superseded"
    OUTVOTED = "outvoted"
    DISPUTED = "disputed"
    AMBIGUOUS = "ambiguous"
    SPREAD = "spread"  # one forecaster's latest figure among other forecasters' figures
    MIRROR = "mirror"  # one partner's agency reporting a flow the other partner reports too
    IMPLAUSIBLE = "implausible"  # an order of magnitude off related figures: never the value


class PointState(StrEnum):
    """Whether a point (metric, entity, period, ...) has one value, and where it came from."""

    RESOLVED = "resolved"
    DISPUTED = "disputed"
    AMBIGUOUS = "ambiguous"
    IMPLIED = "implied"
    SPREAD = "spread"  # forecasters disagree: min, median and max of their latest figures
    MIRROR = "mirror"  # mirror statistics: each partner's agency gives its own figure
    IMPLAUSIBLE = "implausible"  # every claim of the point was flagged implausible
