"""Finding things in text: quantities, periods and the catalog's metric words.

The extractors (prose and tables) and reconciliation read text only through this stage:
`quantities` turns "4.5 million tons" into a value in a base unit, `periods` turns "the
first half of last year" into a labelled span of dates, `catalog` holds the metrics with
their cue words and entity aliases, and `textscan` runs the big case-insensitive patterns
of all three fast. Nothing here knows what a claim is.
"""

from metrics.lexicon.catalog import (
    Catalog,
    Entity,
    Metric,
    cue_keys,
    load_catalog,
    parse_catalog,
    use_catalog,
    user_catalog,
)
from metrics.lexicon.periods import (
    PERIOD_RULES,
    SAME_PERIOD,
    YEAR_EARLIER,
    PeriodMention,
    PeriodRule,
    find_periods,
    month_span,
    parse_period,
    period_from_label,
    shift_years,
    year_period,
    year_span,
)
from metrics.lexicon.quantities import (
    find_quantities,
    might_hold_quantity,
    parse_quantity,
    rounding_step,
    unit_of_label,
)
from metrics.lexicon.textscan import case_folded, finditer

__all__ = [
    "PERIOD_RULES",
    "SAME_PERIOD",
    "YEAR_EARLIER",
    "Catalog",
    "Entity",
    "Metric",
    "PeriodMention",
    "PeriodRule",
    "case_folded",
    "cue_keys",
    "find_periods",
    "find_quantities",
    "finditer",
    "load_catalog",
    "might_hold_quantity",
    "month_span",
    "parse_catalog",
    "parse_period",
    "parse_quantity",
    "period_from_label",
    "rounding_step",
    "shift_years",
    "unit_of_label",
    "use_catalog",
    "user_catalog",
    "year_period",
    "year_span",
]
