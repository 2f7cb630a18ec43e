"""Case tables for metrics.lexicon.quantities: the first quantity of a news-style sentence.

The sentences are written for this file in the style of English-language transport and
economy news from Kazakhstan, the Caspian region and international wires (they are
not copied from the development corpus). They are grouped by the form they exercise,
and the comment above each group says where that form is met. Each row gives the
expected value in the base unit (tonnes, currency units, percent, ...), the unit code
and the text of the quantity exactly as written; for bare numbers only value and unit
are checked. Known gaps go in as ``xfail(strict=True)`` so that a fix has to flip them.
"""

from __future__ import annotations

from typing import NamedTuple

import pytest

from metrics.lexicon.quantities import find_quantities, might_hold_quantity, parse_quantity

THIN = "\u2009"  # thin space, as in "1 234" typeset by some wires
NBSP = "\u00a0"  # no-break space, as in "12 500" pasted from a CMS


class Example(NamedTuple):
    text: str  # the sentence
    value: float  # expected value of the first quantity, in the base unit
    unit: str  # its unit code
    written: str | None  # its text as written; None = not checked (bare counts)
    low: float | None = None  # range ends, for "3-4%"
    high: float | None = None


def case(text, value, unit, written, *, id, low=None, high=None, xfail=None):
    marks = [pytest.mark.xfail(strict=True, reason=xfail)] if xfail else []
    return pytest.param(Example(text, value, unit, written, low, high), id=id, marks=marks)


# One case per two lines reads as a table, so the formatter leaves it alone.
# fmt: off
EXAMPLES = [
    # --- Tonnes with digit separators and decimals -------------------------------
    # Port and rail results in the regional English-language press: dot and comma
    # decimals (CIS writers often keep the decimal comma), comma and space thousands.
    case("Transshipment at the port rose to 2.76 million tons in 2023.",
         2_760_000, "t", "2.76 million tons", id="tons-decimal-point"),
    case("Transshipment at the port reached 2,76 million tons, the operator said.",
         2_760_000, "t", "2,76 million tons", id="tons-decimal-comma"),
    case("The grain terminal loaded 274,200 tons in January, a record for the month.",
         274_200, "t", "274,200 tons", id="tons-comma-thousands"),
    case("Rail carriers moved 1 234 tons of cotton across the border last week.",
         1234, "t", "1 234 tons", id="tons-space-thousands"),
    case(f"Rail carriers moved 1{THIN}234 tons of cotton across the border last week.",
         1234, "t", f"1{THIN}234 tons", id="tons-thin-space-thousands"),
    case(f"The elevator shipped 12{NBSP}500 tonnes of wheat to Iran.",
         12_500, "t", f"12{NBSP}500 tonnes", id="tonnes-nbsp-thousands"),
    case("Wheat exports totalled 1 234 567 tonnes in the marketing year.",
         1_234_567, "t", "1 234 567 tonnes", id="tonnes-two-space-groups"),
    case("The ferry line carried 4.5 million tons of cargo last year.",
         4_500_000, "t", "4.5 million tons", id="tons-million"),
    case("Throughput slipped to 0.8 million tonnes in the first quarter.",
         800_000, "t", "0.8 million tonnes", id="tonnes-below-one-million"),
    case("Dry bulk volumes at the port climbed to 7.5 million tonnes.",
         7_500_000, "t", "7.5 million tonnes", id="tonnes-million"),
    case("Oil shipments through the pipeline were 34.6 mln tonnes in 2024.",
         34_600_000, "t", "34.6 mln tonnes", id="tonnes-mln"),
    case("The government wants transit along the route to reach 10 mln t by 2027.",
         10_000_000, "t", "10 mln t", id="t-mln"),
    case("Coal loadings at the sea terminal reached 2.5 Mt in the quarter.",
         2_500_000, "t", "2.5 Mt", id="Mt"),
    case("The new grain terminal will handle 500 thousand tons a year.",
         500_000, "t", "500 thousand tons", id="tons-thousand-word"),
    case("A record 16,000 metric tons of fertiliser left the port in May.",
         16_000, "t", "16,000 metric tons", id="metric-tons"),
    case("The berth can take bulk carriers loaded with 278,000 t of ore.",
         278_000, "t", "278,000 t", id="t-symbol-spaced"),
    case("The terminal took delivery of gantry cranes lifting up to 100t each.",
         100, "t", "100t", id="t-symbol-glued"),
    case("The corridor carried 1 million 84 thousand tons in the first half of the year.",
         1_084_000, "t", "1 million 84 thousand tons", id="tons-million-and-thousand"),
    case("Aluminium exports reached 1.5 thousand tonnes in March.",
         1500, "t", "1.5 thousand tonnes", id="tonnes-decimal-thousand"),

    # --- Number words ---------------------------------------------------------------
    # Spelled-out amounts appear in quotes from officials and in lead sentences.
    case("About three million tonnes of oil went across the Caspian by tanker.",
         3_000_000, "t", "three million tonnes", id="word-three-million-tonnes"),
    case("The port expects one and a half million tons of containerised cargo.",
         1_500_000, "t", "one and a half million tons", id="word-one-and-a-half-million"),
    case("The line will need twenty-one thousand tons of rails.",
         21_000, "t", "twenty-one thousand tons", id="word-twenty-one-thousand"),
    case("Three new ferries will join the Caspian fleet next year.",
         3, "", None, id="word-three-bare"),
    case("Twenty-one freight trains left the border station on Monday.",
         21, "", None, id="word-twenty-one-bare"),
    case("The ministry expects two hundred and fifty containers a week on the route.",
         250, "", None, id="word-two-hundred-and-fifty-bare"),

    # --- TEU ----------------------------------------------------------------------------
    # Container terminal statistics.
    case("Container traffic reached 30,400 TEU, tripling on the year.",
         30_400, "TEU", "30,400 TEU", id="TEU-comma-thousands"),
    case("The dry port is designed for 300 thousand TEU per year.",
         300_000, "TEU", "300 thousand TEU", id="TEU-thousand"),
    case("The hub handled 12.5 thousand TEUs in July.",
         12_500, "TEU", "12.5 thousand TEUs", id="TEUs-plural"),
    case("The shipping line plans a capacity of 1 million TEU by 2030.",
         1_000_000, "TEU", "1 million TEU", id="TEU-million"),

    # --- Money: US dollars ------------------------------------------------------------
    # Trade, investment and budget figures, most often quoted in dollars.
    case("Bilateral trade reached $2.2 billion this year, the minister said.",
         2.2e9, "USD", "$2.2 billion", id="usd-sign-billion"),
    case("The bank approved a $1.1 bn loan for the highway.",
         1.1e9, "USD", "$1.1 bn", id="usd-sign-bn"),
    case("The bank lent $1.5bn to the port operator.",
         1.5e9, "USD", "$1.5bn", id="usd-sign-glued-bn"),
    case("The startup raised $500k in its first round.",
         500_000, "USD", "$500k", id="usd-sign-k"),
    case("The logistics firm booked $10M in new contracts.",
         10_000_000, "USD", "$10M", id="usd-sign-M"),
    case("The fund now manages $3B of infrastructure assets.",
         3e9, "USD", "$3B", id="usd-sign-B"),
    case("The country's GDP is estimated at $2.174T.",
         2.174e12, "USD", "$2.174T", id="usd-sign-T"),
    case("The World Bank approved a US$150 million loan for the railway.",
         150_000_000, "USD", "US$150 million", id="usd-US$-glued"),
    case("The World Bank approved a US$ 150 million loan for the railway.",
         150_000_000, "USD", "US$ 150 million", id="usd-US$-spaced"),
    case("The price of the new locomotives starts at USD 22.5 million.",
         22_500_000, "USD", "USD 22.5 million", id="usd-code-before"),
    case("The carrier lost 75 USD million over the past three years.",
         75_000_000, "USD", "75 USD million", id="usd-code-between"),
    case("The airport upgrade will cost 50 million USD.",
         50_000_000, "USD", "50 million USD", id="usd-code-after"),
    case("The project costs 40 million dollars, the company said.",
         40_000_000, "USD", "40 million dollars", id="usd-word-dollars"),
    case("Investment in the terminal reached 450 mln dollars.",
         450_000_000, "USD", "450 mln dollars", id="usd-word-mln"),
    case("Trade with China reached 31.5 billion US dollars in 2024.",
         31.5e9, "USD", "31.5 billion US dollars", id="usd-word-us-dollars"),
    case("The budget for the study is 350 thousand dollars.",
         350_000, "USD", "350 thousand dollars", id="usd-word-thousand"),

    # --- Money: euro and other currencies -----------------------------------------------
    # EU and Gulf financing of the corridor; neighbours' own currencies.
    case("The EU pledged €10 billion for transport links in Central Asia.",
         10e9, "EUR", "€10 billion", id="eur-sign-glued"),
    case("The lender provided € 2 million for the feasibility study.",
         2_000_000, "EUR", "€ 2 million", id="eur-sign-spaced"),
    case("The bank signed EUR 40 million for new rolling stock.",
         40_000_000, "EUR", "EUR 40 million", id="eur-code-before"),
    case("The consortium will invest 500 million euros in the logistics park.",
         500_000_000, "EUR", "500 million euros", id="eur-word"),
    case("The group reported €10B in sales.",
         10e9, "EUR", "€10B", id="eur-sign-B"),
    case("The fund raised 250 million roubles for the terminal.",
         250_000_000, "RUB", "250 million roubles", id="rub-word"),
    case("Russian Railways invested ₽5 billion in the border crossing.",
         5e9, "RUB", "₽5 billion", id="rub-sign"),
    case("The port authority budgeted AZN 1.3 billion for dredging.",
         1.3e9, "AZN", "AZN 1.3 billion", id="azn-code"),
    case("Revenue of the shipping company reached 1.3 billion manats.",
         1.3e9, "AZN", "1.3 billion manats", id="azn-word"),
    case("The city spent 100 billion yuan on the new logistics zone.",
         100e9, "CNY", "100 billion yuan", id="cny-word"),
    case("The insurer paid out £15 million after the fire.",
         15_000_000, "GBP", "£15 million", id="gbp-sign"),
    case("The order is worth C$16.4 million.",
         16_400_000, "CAD", "C$16.4 million", id="cad-prefix"),
    case("Exports of toys fell to HK$10.05 billion.",
         10.05e9, "HKD", "HK$10.05 billion", id="hkd-prefix"),

    # --- Money: tenge -------------------------------------------------------------------
    # Kazakh budget, GDP and wage figures, written in words, codes and the ₸ sign.
    case("The state budget will allocate 1.9 trillion tenge to road building.",
         1.9e12, "KZT", "1.9 trillion tenge", id="kzt-word-trillion"),
    case("Budget revenue reached 19.4 trillion tenge ($42.3 billion) in 2024.",
         19.4e12, "KZT", "19.4 trillion tenge", id="kzt-word-before-usd-aside"),
    case("GDP reached 120.6 trln tenge according to preliminary data.",
         120.6e12, "KZT", "120.6 trln tenge", id="kzt-word-trln"),
    case("The fund allocated 3 bn tenge to the airport.",
         3e9, "KZT", "3 bn tenge", id="kzt-word-bn"),
    case("The average monthly wage rose to 400,000 tenge.",
         400_000, "KZT", "400,000 tenge", id="kzt-word-plain"),
    case("The operator's investment programme is KZT 150 billion.",
         150e9, "KZT", "KZT 150 billion", id="kzt-code-before"),
    case("The modernisation programme is worth KZT1.2 trillion.",
         1.2e12, "KZT", "KZT1.2 trillion", id="kzt-code-glued"),
    case("Subsidies to carriers reached 800 million KZT.",
         800_000_000, "KZT", "800 million KZT", id="kzt-code-after"),
    case("The national company plans to spend ₸1.2 trillion on new lines.",
         1.2e12, "KZT", "₸1.2 trillion", id="kzt-sign-before"),
    case("The regional road fund received 450 billion ₸ this year.",
         450e9, "KZT", "450 billion ₸", id="kzt-sign-after"),

    # --- Percent and percentage points --------------------------------------------------
    # Growth rates, shares and central-bank decisions.
    case("Freight volumes grew by 65% year on year.",
         65, "%", "65%", id="pct-sign"),
    case("Inflation slowed to 8.5 percent in October.",
         8.5, "%", "8.5 percent", id="pct-percent"),
    case("Industrial output rose 4.9 per cent in the first half.",
         4.9, "%", "4.9 per cent", id="pct-per-cent"),
    case("Rail tariffs for transit cargo rose by 15 pct in 2024.",
         15, "%", "15 pct", id="pct-pct-wire"),
    case("The railway has a 62 % share of the transit market.",
         62, "%", "62 %", id="pct-spaced-sign"),
    case("Construction grew 5,4% on the year.",
         5.4, "%", "5,4%", id="pct-decimal-comma"),
    case("Passenger traffic was up twenty percent in the summer.",
         20, "%", "twenty percent", id="pct-word"),
    case("Real wages fell to minus 1.2 percent in the quarter.",
         -1.2, "%", "minus 1.2 percent", id="pct-minus-word"),
    case("The central bank raised the base rate by 2.5 percentage points.",
         2.5, "pp", "2.5 percentage points", id="pp-words"),
    case("The share of rail freight rose by 0.3 pp to 41%.",
         0.3, "pp", "0.3 pp", id="pp-abbrev"),

    # --- Multiples -----------------------------------------------------------------------
    # "grew 2.7 times", "a sixfold rise": how the regional press reports fast growth.
    case("Container traffic on the route grew three times in nine months.",
         3, "x", "three times", id="x-word-times"),
    case("Shipments to Europe increased 2.7 times over the year.",
         2.7, "x", "2.7 times", id="x-decimal-times"),
    case("The ministry reported a 2.5-fold increase in transit.",
         2.5, "x", "2.5-fold", id="x-hyphen-fold"),
    case("Exports of grain by rail grew 7.9fold.",
         7.9, "x", "7.9fold", id="x-glued-fold"),
    case("The corridor saw a sixfold rise in container traffic.",
         6, "x", "sixfold", id="x-sixfold"),
    case("Officials expect a twofold increase in ferry capacity.",
         2, "x", "twofold", id="x-twofold"),
    case("Transit volumes doubled in 2023.",
         2, "x", "doubled", id="x-doubled"),
    case("Cargo flows along the route tripled after the war began.",
         3, "x", "tripled", id="x-tripled"),
    case("The operator is on track for tripling volumes by 2030.",
         3, "x", "tripling", id="x-tripling"),
    case("Waiting times at the border crossing halved this year.",
         0.5, "x", "halved", id="x-halved"),

    # --- Ranges written with a dash --------------------------------------------------------
    # Forecasts from ministries and banks; the value is the midpoint.
    case("Growth is expected at 3-4% next year.",
         3.5, "%", "3-4%", low=3, high=4, id="range-pct-hyphen"),
    case("The bank sees inflation at 8-9% by December.",
         8.5, "%", "8-9%", low=8, high=9, id="range-pct-8-9"),
    case("The plan targets growth of 5.5-7.5% a year.",
         6.5, "%", "5.5-7.5%", low=5.5, high=7.5, id="range-pct-decimals"),
    case("Tariffs may rise by 3–4% from July.",
         3.5, "%", "3–4%", low=3, high=4, id="range-pct-en-dash"),
    case("The new fields could add 10-12 million tons a year.",
         11e6, "t", "10-12 million tons", low=10e6, high=12e6, id="range-million-tons"),
    case("Delivery now takes 12-15 days.",
         13.5, "day", "12-15 days", low=12, high=15, id="range-days"),

    # --- Distances and durations -----------------------------------------------------------
    # Rail and road projects; transit times.
    case("The 1,200 km railway will link the two ports.",
         1200, "km", "1,200 km", id="km-comma-thousands"),
    case("The new line is 152 kilometres long.",
         152, "km", "152 kilometres", id="km-word"),
    case("Delivery time from China to Europe fell to 15 days.",
         15, "day", "15 days", id="days"),

    # --- Bare counts -------------------------------------------------------------------------
    # Projects, wagons and jobs: a number with no unit (value and unit checked only).
    case("The ministry approved 170 new projects for the region.",
         170, "", None, id="bare-projects"),
    case("Some 1,500 wagons are waiting at the border.",
         1500, "", None, id="bare-comma-thousands"),
    case("Some 13 thousand containers passed through the port.",
         13_000, "", None, id="bare-thousand-word"),
]
# fmt: on


def _approx(value: float | None):
    return None if value is None else pytest.approx(value, rel=1e-9)


@pytest.mark.parametrize("example", EXAMPLES)
def test_first_quantity(example: Example):
    q = parse_quantity(example.text)
    assert q is not None
    got = (q.value, q.unit, q.text if example.written is not None else None, q.low, q.high)
    expected = (
        _approx(example.value),
        example.unit,
        example.written,
        _approx(example.low),
        _approx(example.high),
    )
    assert got == expected
    assert example.text[q.start : q.end] == q.text


@pytest.mark.parametrize("example", EXAMPLES)
def test_the_cheap_look_never_misses_a_quantity(example: Example):
    """The extractor skips sentences `might_hold_quantity` rejects; no table case may be one."""
    assert might_hold_quantity(example.text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The ministers met in Astana and signed a memorandum.", False),
        ("Freight traffic doubled over the period.", True),
        ("Exports grew twofold.", True),
        ("Cargo rose two-fold.", True),
        ("Shipments reached half a million tons.", True),
        ("Volumes fell by a third.", True),
        ("The fleet has twenty-one vessels.", True),
        ("Trade stood at 4.5 billion dollars.", True),
    ],
)
def test_cheap_look_for_a_quantity(text: str, expected: bool):
    assert might_hold_quantity(text) is expected
    if not expected:
        assert find_quantities(text) == []


@pytest.mark.parametrize("example", EXAMPLES)
def test_offsets_point_at_the_text_as_written(example: Example):
    found = find_quantities(example.text)
    assert found, "nothing found"
    assert found[0] == parse_quantity(example.text)
    for q in found:
        assert example.text[q.start : q.end] == q.text
    assert [q.start for q in found] == sorted(q.start for q in found)


# Sentences with several quantities: every quantity that has a unit, in order.
SEVERAL = [
    pytest.param(
        "Budget revenue reached 19.4 trillion tenge ($42.3 billion), up 12% on the year.",
        [
            (19.4e12, "KZT", "19.4 trillion tenge"),
            (42.3e9, "USD", "$42.3 billion"),
            (12, "%", "12%"),
        ],
        id="tenge-with-usd-aside-and-growth",
    ),
    pytest.param(
        "The port handled 4.2 million tons in 2023, 65% more than in 2022.",
        [(4.2e6, "t", "4.2 million tons"), (65, "%", "65%")],
        id="tons-and-growth-with-years",
    ),
    pytest.param(
        "Container traffic rose 2.5-fold to 30,400 TEU, and transit took 15 days.",
        [(2.5, "x", "2.5-fold"), (30_400, "TEU", "30,400 TEU"), (15, "day", "15 days")],
        id="multiple-teu-days",
    ),
    pytest.param(
        "They paid 75 USD million, while the asking price was 50 million USD.",
        [(75e6, "USD", "75 USD million"), (50e6, "USD", "50 million USD")],
        id="usd-code-orders",
    ),
    pytest.param(
        "Growth is forecast at 3-4% in 2025 and 5.5-7.5% in 2026.",
        [(3.5, "%", "3-4%"), (6.5, "%", "5.5-7.5%")],
        id="two-ranges",
    ),
]


@pytest.mark.parametrize(("text", "expected"), SEVERAL)
def test_all_quantities_with_units(text, expected):
    found = [q for q in find_quantities(text) if q.unit]
    assert [(q.value, q.unit, q.text) for q in found] == [
        (_approx(v), u, t) for v, u, t in expected
    ]
    for q in found:
        assert text[q.start : q.end] == q.text


# Numbers that are not quantities: years, dates, ordinals, labels. find_quantities may
# return them as bare numbers, but never with a unit.
NO_UNIT = [
    pytest.param("The agreement was signed in 2023.", id="year"),
    pytest.param("Since 2019 the corridor has expanded steadily.", id="year-since"),
    pytest.param("Talks resumed on Feb. 26 in Baku.", id="date-abbrev-month"),
    pytest.param("The ferry arrived on 15 March after a storm.", id="date-day-month"),
    pytest.param("The 32nd meeting of the commission took place in Astana.", id="ordinal"),
    pytest.param("Results for the 2nd quarter will be published in August.", id="ordinal-quarter"),
    pytest.param("The ship moored at Berth No3 on Tuesday.", id="berth-No3"),
    pytest.param("The ship moored at Berth No. 3 on Tuesday.", id="berth-No.-3"),
    pytest.param("Article 5 of the agreement covers transit fees.", id="article-number"),
    pytest.param("The dollar strengthened against the tenge on Friday.", id="currency-no-number"),
    pytest.param("Only a small percent of the cargo is containerised.", id="percent-no-number"),
    pytest.param("Forwarders complain about tons of paperwork at the border.", id="tons-idiom"),
]


@pytest.mark.parametrize("text", NO_UNIT)
def test_no_quantity_with_a_unit(text):
    assert [q for q in find_quantities(text) if q.unit] == []
