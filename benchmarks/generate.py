"""Generate a synthetic English news corpus for throughput benchmarks of `metrics`.

The documents read like the regional news the extractor is built for: articles on the
Middle Corridor (TITR), the Caspian and Black Sea ports, railways and Central Asian
economies, each with YAML front matter and 4-12 paragraphs. About half of the paragraphs
carry claims (volumes, money, rates, multiples and ranges in many spellings, with periods,
growth, shares, forecasts and targets); the rest are quotes, diplomacy, background and
numbers that are not claims (dates, times, ages, ordinals, phone and article numbers).

Every figure, name, title and URL is SYNTHETIC: invented from templates and a seeded random
generator, not taken from any real article. Publishers are fictional and named
"Synthetic ..."; URLs point at example.org. Do not use the output as data.

The same seed gives the same corpus, and document `i` is the same whatever `count` is.
Run:

    python benchmarks/generate.py OUT_DIR --count 100000 [--seed 0]
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from functools import cache
from pathlib import Path
from string import Formatter
from typing import TypeVar

T = TypeVar("T")

SHARD_SIZE = 1000
"""Files per subfolder written by `write_corpus` (0000/, 0001/, ...)."""

PUBLISHERS = (
    "Synthetic Wire",
    "Synthetic Steppe Herald",
    "Synthetic Caspian Ledger",
    "Synthetic Corridor Daily",
    "Synthetic Silk Road Monitor",
    "Synthetic Eurasia Bulletin",
)

_FIRST_DAY = date(2022, 1, 1).toordinal()
_LAST_DAY = date(2026, 6, 30).toordinal()
_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)  # fmt: skip
_MONTHS_SHORT = ("Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.",
                 "Oct.", "Nov.", "Dec.")  # fmt: skip
_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                 "ten", "eleven", "twelve")  # fmt: skip
_FOLD_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
               9: "nine", 10: "ten"}  # fmt: skip
_KZT_PER_USD = {2021: 426, 2022: 460, 2023: 456, 2024: 470, 2025: 510, 2026: 515}

# --- names -----------------------------------------------------------------------------------

_ROUTE_FIRST = (
    "the Trans-Caspian International Transport Route (TITR)",
    "the Trans-Caspian International Transport Route",
    "the Middle Corridor",
    "the Middle Corridor (TITR)",
    "TITR",
    "the Trans-Caspian route",
)
_ROUTE_AGAIN = ("the route", "the corridor", "the TITR", "the Middle Corridor", "this route")
_PORTS = {
    # name: (first mentions, annual cargo range in Mt, annual TEU range)
    "Aktau": (("the port of Aktau", "Aktau port", "Aktau seaport", "Aktau sea port"), (3.0, 6.5),
              (15_000, 60_000)),
    "Kuryk": (("the port of Kuryk", "Kuryk port", "Kuryk seaport"), (2.0, 5.0),
              (5_000, 30_000)),
    "Baku": (("the port of Baku", "Baku International Sea Trade Port", "Baku port",
              "the Port of Baku in Alat"), (4.0, 7.5), (40_000, 120_000)),
    "Poti": (("the port of Poti", "Poti port", "Poti sea port"), (6.0, 9.0), (250_000, 400_000)),
    "Batumi": (("the port of Batumi", "Batumi port", "Batumi sea port"), (3.0, 5.5),
               (60_000, 150_000)),
    "Turkmenbashi": (("Turkmenbashi international sea port", "the port of Turkmenbashi"),
                     (1.5, 4.0), (10_000, 50_000)),
}  # fmt: skip
_PORT_AGAIN = ("the port", "the port", "the seaport", "this port")
_RAILWAYS = {
    # name: (first mentions, annual freight range in Mt)
    "KTZ": (("Kazakhstan Temir Zholy (KTZ)", "Kazakhstan Temir Zholy", "KTZ",
             "the national rail operator KTZ"), (225.0, 290.0)),
    "ADY": (("Azerbaijan Railways", "Azerbaijan Railways (ADY)"), (12.0, 17.0)),
    "GR": (("Georgian Railway", "Georgian Railways"), (11.0, 16.0)),
    "BTK": (("the Baku-Tbilisi-Kars railway", "the BTK railway", "the Baku–Tbilisi–Kars line"),
            (0.5, 4.0)),
}  # fmt: skip
_COUNTRIES = {
    # name: (possessive, adjective, foreign trade range in $bn, GDP range in $bn, FDI in $bn)
    "Kazakhstan": ("Kazakhstan's", "Kazakh", (95, 145), (200, 300), (14, 28)),
    "Uzbekistan": ("Uzbekistan's", "Uzbek", (45, 70), (80, 115), (5, 12)),
    "Azerbaijan": ("Azerbaijan's", "Azerbaijani", (30, 55), (55, 80), (2, 6)),
    "Georgia": ("Georgia's", "Georgian", (15, 26), (22, 35), (1, 3)),
    "Kyrgyzstan": ("Kyrgyzstan's", "Kyrgyz", (10, 18), (10, 18), (0.5, 1.5)),
    "Turkmenistan": ("Turkmenistan's", "Turkmen", (12, 20), (55, 80), (1, 3)),
}  # fmt: skip
_TRANSIT = (("Kazakhstan", (20, 40)), ("Azerbaijan", (10, 16)), ("Georgia", (8, 14)),
            ("Uzbekistan", (5, 10)))  # fmt: skip
_PARTNERS = ("China", "Türkiye", "Turkey", "the European Union", "Russia", "Uzbekistan",
             "Azerbaijan", "Georgia", "Kazakhstan", "Iran")  # fmt: skip
_CITIES = (("ASTANA", "Kazakhstan"), ("ALMATY", "Kazakhstan"), ("AKTAU", "Kazakhstan"),
           ("BAKU", "Azerbaijan"), ("TBILISI", "Georgia"), ("TASHKENT", "Uzbekistan"),
           ("ISTANBUL", "Türkiye"), ("BISHKEK", "Kyrgyzstan"))  # fmt: skip
_MEN = ("Arman", "Rauf", "Timur", "Giorgi", "Aziz", "Samir", "Nurlan", "Rustam", "Kerem",
        "Erlan", "Daniyar", "Levan")  # fmt: skip
_WOMEN = ("Dana", "Nino", "Leyla", "Elif", "Zhanna", "Madina", "Tamar", "Aigerim", "Dilnoza",
          "Gulnara", "Saule", "Ketevan")  # fmt: skip
# (a man's surname, a woman's): Slavic-style endings take -a, others do not change.
_SURNAMES = tuple((name, name + "a" if name.endswith(("ov", "ev", "yev", "in")) else name)
                  for name in ("Seitkali", "Omarov", "Mammadli", "Beridze", "Abenov", "Huseynov",
                               "Kapanadze", "Rakhimov", "Demiralp", "Bekov", "Aliyev",
                               "Tursunov", "Sarsenbayev", "Lomidze", "Yusupov", "Zhakupov",
                               "Ozturan", "Karimov", "Dosmagambetov", "Ismayilov"))  # fmt: skip
_TITLES = ("Deputy Minister of Transport", "Vice Minister of Trade and Integration",
           "the head of the port administration", "chairman of the national railway company",
           "a senior economist at a regional development bank", "Deputy Foreign Minister",
           "the secretary general of the corridor association", "the Minister of Economy",
           "an adviser to the Prime Minister", "the director of the transport policy department",
           "a logistics analyst", "the managing director of a freight forwarder")  # fmt: skip
_SOURCES = ("the Ministry of Transport", "the national railway company", "the Bureau of National "
            "Statistics", "the port administration", "the ministry's press service",
            "the Prime Minister's press office", "the National Bank", "official statistics",
            "the press service of the corridor association", "the State Statistics Committee")  # fmt: skip
_FORECASTERS = ("the Asian Development Bank", "the EBRD", "the World Bank", "the IMF",
                "the Eurasian Development Bank", "the National Bank", "the Ministry of Economy",
                "analysts polled by the agency")  # fmt: skip

# --- prose without claims ----------------------------------------------------------------------

_BACKGROUND = (
    "{route_cap} links China with Europe through Kazakhstan, the Caspian Sea, Azerbaijan, "
    "Georgia and Türkiye, bypassing the northern routes.",
    "Interest in {route} has grown since disruptions on the northern routes pushed "
    "shippers to look for alternatives.",
    "The corridor relies on ferry links across the Caspian Sea, which remain sensitive to "
    "storms and to the availability of vessels.",
    "Shippers have long complained about delays at border crossings and about the lack of a "
    "single tariff along the whole route.",
    "The participants discussed the digitalization of customs procedures and the introduction "
    "of electronic consignment notes.",
    "Logistics companies say that a reliable timetable matters more to their customers than "
    "the price of a single shipment.",
    "The sides agreed to coordinate the modernization of border stations and to harmonize "
    "technical standards for rolling stock.",
    "Dredging works and new berths are among the measures meant to remove bottlenecks at the "
    "Caspian ports.",
    "The association brings together railway operators, ports, shipping lines and logistics "
    "companies from several countries.",
    "Observers note that the success of the corridor depends on the coordinated work of all "
    "the countries along it.",
    "Construction of second tracks and bypass lines is under way on several sections of the "
    "railway network.",
    "A working group will prepare proposals on a common digital platform for freight forwarders.",
)
_DIPLOMACY = (
    "The parties stressed the importance of maintaining an active political dialogue at the "
    "highest level.",
    "The talks focused on cooperation in the political, economic and cultural spheres, as well "
    "as interaction within international organizations.",
    "The sides reaffirmed their intention to further strengthen the strategic partnership.",
    "The delegations exchanged views on regional security and the situation in neighbouring "
    "regions.",
    "Both sides welcomed the results of recent high-level visits and agreed to keep up the "
    "momentum.",
    "The meeting also touched upon cooperation in education, science and tourism.",
    "The ministers signed a memorandum of understanding on consultations between the foreign "
    "ministries.",
    "The parties underlined the role of multilateral institutions in tackling common challenges.",
    "An agreement was reached to hold the next round of consultations in {city_title}.",
    "The guests were briefed on the reforms carried out in recent years.",
)
# Cue words without figures: read by the extractor, give no claims.
_SOFT = (
    "Cargo volumes on {route} are expected to keep growing in the coming years.",
    "The port plans to expand its container terminal and to deepen the approach channel.",
    "Officials said freight traffic had recovered after a slow start to the year.",
    "Exports of grain and metals remain the main source of traffic.",
    "Investment in the sector has picked up, driven by private capital.",
    "Inflation has eased thanks to tighter monetary policy and lower food prices.",
    "Trade with neighbouring countries keeps growing faster than total foreign trade.",
    "The railway plans to buy new locomotives and wagons to cope with rising demand.",
    "Economic growth was driven by construction, trade and transport.",
    "Transit through the country has become more attractive for Chinese shippers.",
)
_WEATHER_CULTURE = (
    "Strong winds over the Caspian Sea forced several ferries to wait in the roadstead.",
    "Heavy snowfall in the mountain passes slowed traffic on the highways for several days.",
    "Forecasters expect a warm and dry end of the month across most of the region.",
    "The festival of traditional music gathered performers from across Central Asia.",
    "A new exhibition of nomadic art opened at the national museum in {city_title}.",
    "The city's old quarter has been restored and now attracts visitors from abroad.",
    "The national team returned home after a successful performance at the tournament.",
    "Low water levels in the Caspian Sea remain a concern for ecologists and port operators.",
    "The theatre season opened with a premiere staged by a young director.",
)
_QUOTES = (
    "We see great potential in deepening our cooperation, and we are ready to move forward "
    "together",
    "The corridor is not only a transit route but a channel for the development of our economy",
    "Our task is to make the route fast, predictable and competitive",
    "We have built effective cooperation in all areas and intend to take it to a new level",
    "There are still bottlenecks, and we are working with our partners to remove them",
    "Investors need clear rules, and we are doing everything to provide them",
    "This is a long-term project, and its benefits will be felt for decades",
    "Our approach is to maintain constructive relations with all our partners",
    "Digital solutions will help us cut paperwork at the borders",
    "The region is at a crossroads, with significant opportunities as well as risks",
    "We count on the support of the international financial institutions",
    "Connectivity is the backbone of economic growth in the region",
)
_NOISE = (
    "The meeting was held on {month} {day} in {city_title}.",
    "The talks began at {hour}:{minute:02d} local time and lasted for about {n_word} hours.",
    "{name}, {age}, has led the organization since {since}.",
    "It was the {ordinal} meeting of the intergovernmental commission.",
    "The forum brought together more than {delegates} delegates from {small} countries.",
    "Accreditation for journalists is open until {month} {day}; enquiries can be sent by phone "
    "at +{code} {phone}.",
    "Under Article No. {small} of the agreement, the parties will meet at least once a year.",
    "The company's office is located at {street} {street_name} Street in {city_title}.",
    "The restrictions introduced during the COVID-19 pandemic have long been lifted.",
    "The issue was also raised on the sidelines of the G20 summit.",
    "Berth No. {small} is to be extended, and berths No. {small2} and {small3} will be "
    "reconstructed.",
    "The next session is scheduled for {month} {day}, {next_year}.",
    "The {ordinal} edition of the exhibition will run from {month} {day} to {day2}.",
    "The delegation of {small} people was led by {name}.",
    "The document consists of {small} chapters and {articles} articles.",
    "The programme was adopted by Resolution No. {resolution} of {month} {day}, {since}.",
)
_ORDINALS = ("2nd", "3rd", "5th", "7th", "10th", "12th", "13th", "21st", "25th", "32nd", "40th",
             "second", "third", "fifth", "sixth", "tenth")  # fmt: skip
_STREETS = ("Dostyk", "Abay", "Nizami", "Rustaveli", "Amir Temur", "Kabanbay Batyr", "Republic")

# --- claim vocabulary --------------------------------------------------------------------------

_TITR_SUBJECTS = (
    "cargo transportation via {route}",
    "freight traffic along {route}",
    "the volume of goods carried through {route}",
    "cargo traffic on {route}",
    "the volume of freight transported along {route}",
    "transportation of goods via {route}",
    "cargo carriage through {route}",
)
_ACTUAL_VERBS = ("reached", "totaled", "amounted to", "hit", "stood at", "came to", "totalled",
                 "exceeded", "surpassed", "reached nearly", "was about", "made up")  # fmt: skip
_RISE_VERBS = ("rose", "increased", "grew", "jumped", "climbed", "soared", "went up")
_FALL_VERBS = ("fell", "declined", "decreased", "dropped", "contracted")
_TON_WORDS = ("tons", "tonnes", "tons", "tonnes", "metric tons")
_PER_YEAR = ("a year", "per year", "annually", "a year")


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _dec(x: float, places: int) -> str:
    """`x` with up to `places` decimals, trailing zeros dropped: 10.0 -> '10', 4.50 -> '4.5'."""
    text = f"{x:.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _article(number_text: str) -> str:
    """'a' or 'an' before a number as it is read aloud ('an 8%', 'an 11.5%', 'a 62%')."""
    head = number_text.split(".")[0].split(",")[0]
    return "an" if head.startswith("8") or head in ("11", "18") else "a"


class _Writer:
    """Writes one document from its own random generator and publication date."""

    def __init__(self, rng: random.Random, published: date) -> None:
        self.rng = rng
        self.random = rng.random
        self.published = published
        self.year = published.year
        self.month = published.month
        self.route_named = False
        self.port = self.pick(tuple(_PORTS))
        self.port_named = False
        self.railway = self.pick(tuple(_RAILWAYS))
        self.country = self.pick(tuple(_COUNTRIES))
        self.partner = self.pick(tuple(p for p in _PARTNERS if p != self.country))
        self.seen: set[str] = set()

    def pick(self, items: Sequence[T]) -> T:
        """`random.choice`, a few times faster (no rejection sampling; bias is negligible)."""
        return items[int(self.random() * len(items))]

    def between(self, low: int, high: int) -> int:
        """`random.randint` (both ends included), a few times faster."""
        return low + int(self.random() * (high - low + 1))

    # --- entities ------------------------------------------------------------------------------

    def route(self) -> str:
        if self.route_named and self.rng.random() < 0.7:
            return self.pick(_ROUTE_AGAIN)
        self.route_named = True
        return self.pick(_ROUTE_FIRST)

    def port_name(self) -> str:
        if self.port_named and self.rng.random() < 0.6:
            return self.pick(_PORT_AGAIN)
        self.port_named = True
        return self.pick(_PORTS[self.port][0])

    def person(self) -> str:
        rng = self.rng
        man, woman = self.pick(_SURNAMES)
        if rng.random() < 0.5:
            return f"{self.pick(_MEN)} {man}"
        return f"{self.pick(_WOMEN)} {woman}"

    def speaker(self) -> str:
        return f"{self.pick(_TITLES)} {self.person()}"

    # --- numbers -------------------------------------------------------------------------------

    def tons(self, t: float) -> str:
        rng = self.rng
        r = rng.random()
        unit = self.pick(_TON_WORDS)
        if t >= 1e6:
            m = t / 1e6
            if r < 0.40:
                return f"{_dec(m, 1)} million {unit}"
            if r < 0.52:
                return f"{_dec(m, 2)} million {unit}"
            if r < 0.62:
                return f"{_dec(m, 1)} mln {unit}"
            if r < 0.72:
                return f"{t / 1e3:,.0f} thousand {unit}"
            if r < 0.79:
                return f"{_dec(m, 1)} Mt"
            if r < 0.88:
                return f"{round(t, -3):,.0f} {unit}"
            two = f"{m:.2f}"
            if r < 0.96 and m < 10 and not two.endswith("0"):
                return f"{two.replace('.', ',')} million {unit}"  # decimal comma
            if m < 10 and int(t / 1e3) % 1000 >= 10:
                return f"{int(m)} million {int(t / 1e3) % 1000} thousand {unit}"
            return f"{_dec(m, 1)} million {unit}"
        if r < 0.5:
            return f"{round(t, -2):,.0f} {unit}"
        if r < 0.8:
            return f"{t / 1e3:.0f} thousand {unit}"
        return f"{_dec(t / 1e3, 1)} thousand {unit}"

    def teu(self, n: float) -> str:
        r = self.rng.random()
        if n >= 1e6 or (n >= 5e5 and r < 0.5):
            return f"{n / 1e6:.1f} mln TEU" if r < 0.6 else f"{n / 1e6:.2f} million TEU"
        if r < 0.5:
            return f"{round(n, -2):,.0f} TEU"
        if r < 0.8:
            return f"{n / 1e3:.0f} thousand TEU"
        if r < 0.9:
            return f"{n / 1e3:.1f}k TEU"
        return f"{round(n, -2):,.0f} twenty-foot equivalent units"

    def usd(self, v: float) -> str:
        rng = self.rng
        r = rng.random()
        if v >= 1e9:
            b = v / 1e9
            num = _dec(b, 1) if b < 100 or r < 0.5 else f"{b:.0f}"
            if r < 0.35:
                return f"${num} billion"
            if r < 0.5:
                return f"${num}bn"
            if r < 0.62:
                return f"USD {num} bn"
            if r < 0.72:
                return f"US$ {num} billion"
            if r < 0.8:
                return f"{num} billion US dollars"
            if r < 0.88:
                return f"${num} bln"
            if r < 0.94:
                return f"USD {num} billion"
            return f"{num} billion dollars"
        m = v / 1e6
        if r < 0.5:
            return f"${m:.0f} million"
        if r < 0.7:
            return f"USD {m:.1f} mln"
        if r < 0.85:
            return f"${m:.0f}m"
        return f"{m:.0f} million US dollars"

    def money(self, v: float, year: int) -> str:
        """`v` dollars, sometimes written in tenge with the dollar figure after it, or euros."""
        r = self.rng.random()
        if self.country == "Kazakhstan" and r < 0.25:
            kzt = v * _KZT_PER_USD.get(year, 470)
            if kzt >= 1e12:
                word = self.pick(("trillion tenge", "trln tenge", "trillion tenge"))
                tenge = f"{_dec(kzt / 1e12, 1)} {word}"
            else:
                tenge = f"{kzt / 1e9:,.0f} billion tenge"
            return f"{tenge} ({self.usd(v)})" if r < 0.18 else tenge
        if r < 0.32:
            e = _dec(v * 0.92 / 1e9, 1)
            return self.pick((f"€{e} billion", f"EUR {e} billion", f"{e} billion euros"))
        return self.usd(v)

    def pct(self, p: float) -> str:
        rng = self.rng
        p = abs(p)
        num = _dec(p, 1) if p < 20 or rng.random() < 0.3 else f"{p:.0f}"
        r = rng.random()
        if r < 0.55:
            return f"{num}%"
        if r < 0.75:
            return f"{num} percent"
        if r < 0.92:
            return f"{num} per cent"
        return f"{num} %"

    def pct_range(self, low: float) -> str:
        rng = self.rng
        step = self.pick((0.5, 1.0, 1.0, 2.0))
        a = round(low * 2) / 2
        b = a + step
        fa = f"{a:g}"
        fb = f"{b:g}"
        r = rng.random()
        if r < 0.35:
            return f"{fa}-{fb}%"
        if r < 0.55:
            return f"{fa}–{fb}%"
        if r < 0.8:
            return f"between {fa} and {fb} per cent"
        return f"{fa} to {fb} percent"

    def multiple(self, k: float) -> str:
        rng = self.rng
        r = rng.random()
        whole = round(k)
        if abs(k - whole) < 0.05 and whole in _FOLD_WORDS:
            word = _FOLD_WORDS[whole]
            if r < 0.3:
                return f"{word}fold"
            if r < 0.5:
                return f"{word}-fold"
            if r < 0.7:
                return f"{whole} times"
            return f"{whole}-fold"
        if r < 0.5:
            return f"{k:.1f} times"
        if r < 0.8:
            return f"{k:.1f}-fold"
        return f"{k:.1f}fold"

    # --- periods -------------------------------------------------------------------------------

    def actual_period(self) -> tuple[str, float, bool, int]:
        """A past period: (phrase, share of a year, full year?, year)."""
        rng = self.rng
        y, m = self.year, self.month
        if m >= 3 and rng.random() < 0.5:
            n = self.between(1, m - 1)
            r = rng.random()
            if n == 1:
                text = f"in January {y}" if r < 0.6 else "in January"
            elif n == 3 and r < 0.5:
                text = self.pick((f"in the first quarter of {y}", "in the first quarter",
                                   f"in Q1 {y}", "in the first quarter of this year"))  # fmt: skip
            elif n == 6 and r < 0.5:
                text = self.pick((f"in the first half of {y}", f"in H1 {y}",
                                   "in the first half of the year", f"in January-June {y}"))  # fmt: skip
            elif r < 0.3:
                text = f"in January–{_MONTHS[n - 1]} {y}"
            elif r < 0.45:
                text = f"in January-{_MONTHS[n - 1]} {y}"
            elif r < 0.6:
                text = f"in {n}M {y}"
            elif r < 0.7:
                text = f"in {n}M'{y % 100:02d}"
            elif r < 0.85:
                text = f"in the first {_NUMBER_WORDS[n]} months of {y}"
            else:
                text = f"in the first {_NUMBER_WORDS[n]} months of this year"
            return text, n / 12, False, y
        if rng.random() < 0.12 and m >= 2:
            n = self.between(1, m - 1)
            return f"in {_MONTHS[n - 1]}", 1 / 12, False, y
        py = y - 1 if rng.random() < 0.85 else y - 2
        r = rng.random()
        if py == y - 1 and r < 0.3:
            text = "last year"
        elif r < 0.85:
            text = f"in {py}"
        elif r < 0.93:
            text = f"for {py} as a whole"
        else:
            text = f"over {py}"
        return text, 1.0, True, py

    def base(self, full: bool, year: int) -> str:
        if full:
            return self.pick((str(year - 1), "the previous year", f"{year - 1}",
                                    "a year earlier"))  # fmt: skip
        return self.pick(("the same period of last year", f"the same period of {year - 1}",
                                "the same period a year earlier"))  # fmt: skip

    def growth(self, p: float, full: bool, year: int) -> str:
        """A growth phrase after a level: 'up 62% year-on-year', 'a 24% decrease compared...'."""
        rng = self.rng
        s = self.pct(p)
        r = rng.random()
        if p >= 0:
            if r < 0.25:
                return f"up {s} year-on-year"
            if r < 0.35:
                return f"up {s} y-o-y"
            if r < 0.55:
                return f"{_article(s)} {s} increase compared with {self.base(full, year)}"
            if r < 0.7:
                return (f"{s} more than in {year - 1}" if full
                        else f"{s} more than a year earlier")  # fmt: skip
            if r < 0.85:
                return f"which is {s} more compared to {self.base(full, year)}"
            return f"an increase of {s} on {self.base(full, year)}"
        if r < 0.35:
            return f"down {s} year-on-year"
        if r < 0.6:
            return f"{_article(s)} {s} decrease compared with {self.base(full, year)}"
        if r < 0.8:
            return f"{s} less than {self.base(full, year)}"
        return f"a decline of {s} from {self.base(full, year)}"

    def change(self) -> float:
        """A year-on-year change in percent, mostly growth."""
        r = self.rng.random()
        if r < 0.15:
            return -self.rng.uniform(2, 35)
        if r < 0.8:
            return self.rng.uniform(2, 70)
        return self.rng.uniform(70, 180)

    def target_year(self) -> int:
        years = [t for t in (2025, 2026, 2027, 2027, 2028, 2030, 2030, 2030, 2035) if t > self.year]
        return self.pick(years)

    def forecast_period(self) -> tuple[str, int]:
        rng = self.rng
        y = self.year
        r = rng.random()
        if self.month <= 10 and r < 0.45:
            return self.pick(("this year", f"in {y}", "by the end of the year",
                               f"by the end of {y}")), y  # fmt: skip
        return self.pick(("next year", f"in {y + 1}", f"in {y + 1}")), y + 1

    # --- claim sentences -----------------------------------------------------------------------

    def titr_level(self) -> str:
        rng = self.rng
        period, share, full, y = self.actual_period()
        base_mt = {2021: 0.8, 2022: 1.5, 2023: 2.76, 2024: 4.5, 2025: 5.0, 2026: 5.5}[max(y, 2021)]
        t = base_mt * 1e6 * share * rng.uniform(0.85, 1.15)
        subject = self.pick(_TITR_SUBJECTS).format(route=self.route())
        p = self.change()
        r = rng.random()
        if r < 0.45:
            text = f"{_cap(subject)} {self.pick(_ACTUAL_VERBS)} {self.tons(t)} {period}, "
            return text + self.growth(p, full, y) + "."
        if r < 0.8:
            verb = self.pick(_RISE_VERBS if p >= 0 else _FALL_VERBS)
            return f"{_cap(period)}, {subject} {verb} by {self.pct(p)} to {self.tons(t)}."
        return (f"According to {self.pick(_SOURCES)}, {subject} {self.pick(_ACTUAL_VERBS)} "
                f"{self.tons(t)} {period}.")  # fmt: skip

    def titr_multiple(self) -> str:
        rng = self.rng
        k = self.pick((2, 3, 6, 2.7, 1.8, 3.4, 4, 5))
        route = self.route()
        r = rng.random()
        if r < 0.35:
            years = self.pick(("five", "three", "four", "five"))
            return (f"Over the past {years} years, the volume of freight carried through "
                    f"{route} grew {self.multiple(k)}.")  # fmt: skip
        period, _, full, y = self.actual_period()
        base = self.base(full, y)
        if r < 0.7:
            return (f"Export traffic from {self.pick(('Kazakhstan', 'Uzbekistan', 'China'))} via "
                    f"the route rose {self.multiple(k)} {period} compared to {base}.")  # fmt: skip
        return (f"Container traffic along the corridor increased {self.multiple(k)} {period}, "
                f"reaching {self.teu(rng.uniform(20_000, 90_000))}.")  # fmt: skip

    def titr_containers(self) -> str:
        rng = self.rng
        period, share, full, y = self.actual_period()
        n = rng.uniform(20_000, 100_000) * max(share, 0.25)
        r = rng.random()
        if r < 0.5:
            return (f"Container transportation on the {self.pick(('route', 'corridor', 'TITR'))} "
                    f"made {self.teu(n)} {period}, {self.growth(self.change(), full, y)}.")  # fmt: skip
        if r < 0.75:
            trains = self.between(80, 1400)
            return (f"{_cap(period)}, {trains:,} container trains were sent along the "
                    f"{self.pick(('Middle Corridor', 'TITR', 'Trans-Caspian route'))}.")  # fmt: skip
        return (f"The share of containerized cargo on the route reached {self.pct(rng.uniform(8, 35))} "
                f"{period}.")  # fmt: skip

    def titr_exports(self) -> str:
        rng = self.rng
        period, _, _, _ = self.actual_period()
        s = self.pct(rng.uniform(40, 80))
        r = rng.random()
        if r < 0.4:
            return (f"Exports of {self.pick(('Kazakh', 'Uzbek', 'Chinese'))} products accounted "
                    f"for {s} of the total volume on the route {period}, including food, metals "
                    f"and petrochemicals.")  # fmt: skip
        if r < 0.6:
            return (f"{_cap(period)}, exports via the route grew by {self.pct(self.change())}, "
                    f"accounting for {s} of the traffic.")  # fmt: skip
        p = self.change()
        verb = self.pick(_RISE_VERBS if p >= 0 else _FALL_VERBS)
        return (f"Export cargo via the corridor {verb} by {self.pct(p)} {period}, while imports "
                f"made up {self.pct(rng.uniform(10, 35))} of the traffic.")  # fmt: skip

    def titr_capacity(self) -> str:
        rng = self.rng
        now = self.pick((6, 6, 6.5, 5, 8))
        later = self.pick((10, 10, 11, 12))
        t = self.target_year()
        r = rng.random()
        route = self.route()
        if r < 0.35:
            return (f"As of today, the carrying capacity of {route} is "
                    f"{self.tons(now * 1e6)} {self.pick(_PER_YEAR)}.")  # fmt: skip
        if r < 0.7:
            return (f"The throughput capacity of {route} is projected to grow to "
                    f"{self.tons(later * 1e6)} "
                    f"{self.pick(_PER_YEAR)} by {t}.")  # fmt: skip
        return (f"{_cap(route)} is set to increase its capacity from {now:g} to "
                f"{self.tons(later * 1e6)} {self.pick(_PER_YEAR)} by {t}.")  # fmt: skip

    def titr_forecast(self) -> str:
        rng = self.rng
        period, y = self.forecast_period()
        base = {2022: 1.5, 2023: 2.76, 2024: 4.5, 2025: 5.0, 2026: 5.5, 2027: 6.0}[y]
        t = base * 1e6 * rng.uniform(0.9, 1.25)
        r = rng.random()
        if r < 0.4:
            return (f"The volume of cargo on {self.route()} is expected to reach "
                    f"{self.tons(t)} {period}.")  # fmt: skip
        if r < 0.7:
            return (f"{_cap(self.pick(_FORECASTERS))} forecast that freight traffic along the "
                    f"corridor would grow to {self.tons(t)} {period}.")  # fmt: skip
        return (f"Traffic on the route is projected to rise by {self.pct(rng.uniform(10, 40))} "
                f"{period}.")  # fmt: skip

    def titr_target(self) -> str:
        rng = self.rng
        t = self.target_year()
        mt = self.pick((10, 10, 10, 8, 12, 15))
        r = rng.random()
        country = self.pick(("Kazakhstan", "Azerbaijan", "Georgia", "The government"))
        if r < 0.4:
            return (f"{country} aims to bring the volume of traffic along the corridor to "
                    f"{self.tons(mt * 1e6)} by {t}.")  # fmt: skip
        if r < 0.7:
            return (f"Plans are afoot to raise transit traffic on the route to "
                    f"{self.tons(mt * 1e6)} {self.pick(_PER_YEAR)} by {t}.")  # fmt: skip
        return (f"The partners set a target of {self.tons(mt * 1e6)} of freight along "
                f"the {self.pick(('Middle Corridor', 'TITR', 'route'))} by {t}.")  # fmt: skip

    def titr_time(self) -> str:
        rng = self.rng
        d = self.between(12, 25)
        r = rng.random()
        if r < 0.5:
            return (f"Transit time from China to Europe along the route has been reduced to "
                    f"{d} days from {d + self.between(5, 20)}.")  # fmt: skip
        if r < 0.75:
            return (f"The partners plan to cut delivery time on the corridor to "
                    f"{self.between(10, d)} days by {self.target_year()}.")  # fmt: skip
        return (f"The route is about {self.pick((2000, 2500, 3000, 1800)):,} km shorter than the "
                f"northern alternative.")  # fmt: skip

    def port_level(self) -> str:
        rng = self.rng
        _, (lo, hi), _ = _PORTS[self.port]
        period, share, full, y = self.actual_period()
        t = rng.uniform(lo, hi) * 1e6 * share
        name = self.port_name()
        p = self.change()
        r = rng.random()
        if r < 0.4:
            return (f"{_cap(period)}, {name} handled {self.tons(t)} of cargo, "
                    f"{self.growth(p, full, y)}.")  # fmt: skip
        if r < 0.75:
            verb = self.pick(_RISE_VERBS if p >= 0 else _FALL_VERBS)
            return (f"Cargo throughput at {name} {verb} by {self.pct(p)} {period} to "
                    f"{self.tons(t)}.")  # fmt: skip
        return (f"{_cap(name)} transshipped {self.tons(t)} of dry and liquid cargo {period}, "
                f"according to {self.pick(_SOURCES)}.")  # fmt: skip

    def port_breakdown(self) -> str:
        rng = self.rng
        _, (lo, hi), (tlo, thi) = _PORTS[self.port]
        period, share, _, _ = self.actual_period()
        total = rng.uniform(lo, hi) * 1e6 * share
        r = rng.random()
        name = self.port_name()
        if r < 0.35:
            return (f"Over the period, {name} handled {self.tons(total * rng.uniform(0.03, 0.1))} "
                    f"of grain, {self.tons(total * rng.uniform(0.03, 0.08))} of metal and over "
                    f"{rng.uniform(tlo, thi) * share / 1e3:.0f} thousand containers.")  # fmt: skip
        if r < 0.6:
            p = self.change()
            verb = self.pick(_RISE_VERBS if p >= 0 else _FALL_VERBS)
            return (f"Handling of oil at {name} {verb} by {self.pct(p)} {period} to "
                    f"{self.tons(total * rng.uniform(0.3, 0.7))}.")  # fmt: skip
        if r < 0.8:
            return (f"Transit cargo accounted for {self.pct(rng.uniform(30, 80))} of the "
                    f"throughput of {name} {period}.")  # fmt: skip
        return (f"{_cap(name)} received {self.between(40, 900)} ferries and handled "
                f"{self.between(2_000, 60_000):,} wagons {period}.")  # fmt: skip

    def port_containers(self) -> str:
        rng = self.rng
        _, _, (tlo, thi) = _PORTS[self.port]
        period, share, full, y = self.actual_period()
        n = rng.uniform(tlo, thi) * share
        name = self.port_name()
        if rng.random() < 0.6:
            return (f"Container throughput at {name} reached {self.teu(n)} {period}, "
                    f"{self.growth(self.change(), full, y)}.")  # fmt: skip
        return (f"{_cap(name)} handled {self.teu(n)} of containers {period}, "
                f"{self.growth(self.change(), full, y)}.")  # fmt: skip

    def port_capacity(self) -> str:
        rng = self.rng
        _, (_, hi), (_, thi) = _PORTS[self.port]
        t = self.target_year()
        name = self.port_name()
        r = rng.random()
        if r < 0.35:
            return (f"The annual capacity of the oil berths at {name} is "
                    f"{self.tons(hi * 1.3e6)}.")  # fmt: skip
        if r < 0.7:
            return (f"A container hub is to be put into operation at {name} in {t}; it will handle "
                    f"up to {self.teu(thi * rng.uniform(1.5, 4))} per year.")  # fmt: skip
        return (f"After the expansion, {name} will be able to handle {self.tons(hi * 1.6e6)} "
                f"{self.pick(_PER_YEAR)} by {t}.")  # fmt: skip

    def rail_level(self) -> str:
        rng = self.rng
        names, (lo, hi) = _RAILWAYS[self.railway]
        period, share, full, y = self.actual_period()
        t = rng.uniform(lo, hi) * 1e6 * share
        p = rng.uniform(-8, 12) if self.railway == "KTZ" else self.change()
        name = self.pick(names)
        r = rng.random()
        if r < 0.45:
            return (f"{_cap(name)} transported {self.tons(t)} of freight {period}, "
                    f"{self.growth(p, full, y)}.")  # fmt: skip
        if r < 0.75:
            verb = self.pick(_RISE_VERBS if p >= 0 else _FALL_VERBS)
            return (f"Rail freight carried by {name} {verb} by {self.pct(p)} {period}, "
                    f"to {self.tons(t)}.")  # fmt: skip
        c, (lo, hi) = self.pick(_TRANSIT)
        return (f"Transit cargo through {c} reached {self.tons(rng.uniform(lo, hi) * 1e6 * share)} "
                f"{period}, {self.growth(self.change() / 3, full, y)}.")  # fmt: skip

    def rail_capacity(self) -> str:
        rng = self.rng
        t = self.target_year()
        if rng.random() < 0.5:
            now, later = self.pick(((1, 5), (5, 15), (5, 17), (3, 5)))
            return (f"The capacity of the Baku-Tbilisi-Kars railway is to be raised from "
                    f"{now} to {self.tons(later * 1e6)} "
                    f"{self.pick(_PER_YEAR)} by {t}.")  # fmt: skip
        return (f"The new line, which will cost {self.usd(rng.uniform(0.3, 2.5) * 1e9)}, is designed "
                f"to carry {self.tons(self.pick((10, 15, 20)) * 1e6)} {self.pick(_PER_YEAR)} "
                f"once completed in {t}.")  # fmt: skip

    def trade_level(self) -> str:
        rng = self.rng
        poss, _, (lo, hi), _, _ = _COUNTRIES[self.country]
        period, share, full, y = self.actual_period()
        v = rng.uniform(lo, hi) * 1e9 * share
        p = self.change() / 2
        r = rng.random()
        if r < 0.4:
            return (f"{poss} foreign trade turnover reached {self.money(v, y)} {period}, "
                    f"{self.growth(p, full, y)}.")  # fmt: skip
        if r < 0.7:
            verb = self.pick(_RISE_VERBS if p >= 0 else _FALL_VERBS)
            return (f"{_cap(period)}, {poss} external trade {verb} by {self.pct(p)} to "
                    f"{self.money(v, y)}.")  # fmt: skip
        ex = v * rng.uniform(0.45, 0.65)
        return (f"Exports from {self.country} amounted to {self.money(ex, y)} {period}, while "
                f"imports totaled {self.money(v - ex, y)}.")  # fmt: skip

    def trade_pair(self) -> str:
        rng = self.rng
        period, share, full, y = self.actual_period()
        lo, hi = _COUNTRIES[self.country][2]
        v = rng.uniform(lo, hi) * rng.uniform(0.05, 0.3) * 1e9 * share
        a, b = self.country, self.partner
        r = rng.random()
        if r < 0.4:
            return (f"Trade between {a} and {b} amounted to {self.money(v, y)} {period}, which is "
                    f"{self.pct(self.change() / 2)} more than a year earlier.")  # fmt: skip
        if r < 0.65:
            return (f"{_cap(period)}, {a}'s trade turnover with {b} {self.pick(_ACTUAL_VERBS)} "
                    f"{self.money(v, y)}, {self.growth(self.change() / 2, full, y)}.")  # fmt: skip
        if r < 0.85:
            return (f"{_cap(b.removeprefix('the '))}'s share in the structure of {a}'s imports "
                    f"amounted to {self.pct(rng.uniform(5, 35))} {period}.")  # fmt: skip
        return (f"Imports from {b} to {a} grew by {self.pct(rng.uniform(3, 40))} over the year, to "
                f"{self.money(v * 0.45, y)}.")  # fmt: skip

    def trade_target(self) -> str:
        rng = self.rng
        t = self.target_year()
        v = self.pick((5, 10, 15, 20, 35, 50)) * 1e9
        if rng.random() < 0.5:
            return f"The two countries aim to increase bilateral trade to {self.usd(v)} by {t}."
        return (f"The leaders instructed their governments to double mutual trade and bring it "
                f"to {self.usd(v)} by {t}.")  # fmt: skip

    def gdp_growth(self) -> str:
        rng = self.rng
        poss, adj, _, _, _ = _COUNTRIES[self.country]
        period, _, _, _ = self.actual_period()
        g = rng.uniform(2.5, 7.5)
        r = rng.random()
        if r < 0.35:
            return f"{_cap(period)}, {poss} economy grew by {self.pct(g)}."
        if r < 0.6:
            return f"{_cap(period)}, economic growth in {self.country} reached {self.pct(g)}."
        if r < 0.8:
            return (f"The {adj} economy expanded by {self.pct(g)} {period}, driven by construction "
                    f"and trade.")  # fmt: skip
        return (f"{self.country} registered {self.pct(g)} economic growth {period}, nearly twice "
                f"the global rate.")  # fmt: skip

    def gdp_forecast(self) -> str:
        rng = self.rng
        period, _ = self.forecast_period()
        g = rng.uniform(3, 7)
        r = rng.random()
        who = self.pick(_FORECASTERS)
        if r < 0.4:
            return (f"{_cap(who)} projects that {self.country}'s GDP will grow by {self.pct(g)} "
                    f"{period}.")  # fmt: skip
        if r < 0.7:
            return (f"{_cap(who)} expects the economies of Central Asia to grow by "
                    f"{self.pct_range(g)} {period}.")  # fmt: skip
        return (f"GDP growth in {self.country} is forecast at {self.pct_range(g)} {period}, "
                f"according to {who}.")  # fmt: skip

    def gdp_level(self) -> str:
        rng = self.rng
        poss, _, _, (lo, hi), _ = _COUNTRIES[self.country]
        _, _, _, y = self.actual_period()
        period = (
            f"in {y}" if rng.random() < 0.6 else "last year" if y == self.year - 1 else f"in {y}"
        )
        r = rng.random()
        if r < 0.5:
            return f"{poss} GDP reached {self.money(rng.uniform(lo, hi) * 1e9, y)} {period}."
        return (f"As the largest economy in the region, {self.country} accounts for "
                f"{self.pct(rng.uniform(40, 62))} of the overall GDP of Central Asia.")  # fmt: skip

    def sectors(self) -> str:
        rng = self.rng
        period, _, _, _ = self.actual_period()
        parts = []
        for sector in rng.sample(("construction", "trade", "transport", "manufacturing",
                                  "agriculture", "communications"), 3):  # fmt: skip
            s = self.pct(rng.uniform(1.5, 18))
            parts.append(f"{_article(s)} {s} increase in {sector}")
        return (f"{_cap(period)}, {self.country} saw positive dynamics in all major sectors, with "
                f"{parts[0]}, {parts[1]} and {parts[2]}.")  # fmt: skip

    def inflation(self) -> str:
        rng = self.rng
        r = rng.random()
        v = rng.uniform(3.5, 19)
        if r < 0.35:
            m = max(self.month - 1, 1)
            return (f"In {_MONTHS[m - 1]}, annual inflation in {self.country} "
                    f"{self.pick(('slowed', 'accelerated', 'eased'))} to {self.pct(v)}.")  # fmt: skip
        if r < 0.55:
            period, _ = self.forecast_period()
            return (f"Inflation is expected to come in at {self.pct_range(v / 2)} {period}, "
                    f"{self.pick(_FORECASTERS)} said.")  # fmt: skip
        if r < 0.75:
            return (f"The National Bank aims to bring inflation down to {self.pct_range(3)} by "
                    f"{self.target_year()}.")  # fmt: skip
        period, _, _, _ = self.actual_period()
        pp = rng.uniform(0.3, 4)
        return (f"Consumer price inflation fell by {pp:.1f} {self.pick(('pp', 'percentage points'))} "
                f"{period}, to {self.pct(v)}.")  # fmt: skip

    def investment(self) -> str:
        rng = self.rng
        _, _, _, _, (lo, hi) = _COUNTRIES[self.country]
        period, share, full, y = self.actual_period()
        r = rng.random()
        if r < 0.35:
            return (f"The country attracted {self.money(rng.uniform(lo, hi) * 1e9 * share, y)} "
                    f"in foreign direct investment {period}, "
                    f"{self.growth(self.change() / 2, full, y)}.")  # fmt: skip
        if r < 0.55:
            n = self.between(12, 900)
            return (f"Work continues on a pool of {n} investment projects worth "
                    f"{self.money(rng.uniform(1, 60) * 1e9, self.year)}.")  # fmt: skip
        if r < 0.75:
            return (f"{self.country} plans to attract {self.money(rng.uniform(5, 45) * 1e9, y)} "
                    f"of investment by {self.target_year()}.")  # fmt: skip
        if r < 0.88:
            return f"Fixed capital investment grew by {self.pct(rng.uniform(2, 20))} {period}."
        return (f"The projects are expected to create around {self.between(3, 40) * 500:,} new "
                f"jobs.")  # fmt: skip

    # --- paragraphs ----------------------------------------------------------------------------

    def fill(self, template: str) -> str:
        """`template` with its fields drawn; only the fields it names are drawn."""
        names = _fields(template)
        if not names:
            return template
        return template.format_map({name: _FIELDS[name](self) for name in names})

    def quote(self) -> str:
        rng = self.rng
        q = self.pick(_QUOTES)
        r = rng.random()
        if r < 0.5:
            return f"“{q},” said {self.speaker()}."
        if r < 0.8:
            return f"“{q},” {self.person()} told reporters."
        return f"According to {self.speaker()}, “{q[0].lower()}{q[1:]}.”"

    def filler(self) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.3:
            pool: Sequence[str] = _BACKGROUND
        elif r < 0.5:
            pool = _DIPLOMACY
        elif r < 0.62:
            pool = _WEATHER_CULTURE
        elif r < 0.85:
            return self.quote()
        else:
            pool = _NOISE
        return self.fill(self.pick(pool))

    def non_claim_paragraph(self) -> str:
        sentences = []
        for _ in range(self.between(2, 5)):
            text = self.filler()
            if text in self.seen:  # one more draw: real articles rarely repeat themselves
                text = self.filler()
            if text not in self.seen:
                self.seen.add(text)
                sentences.append(text)
        return " ".join(sentences) or self.quote()

    def claim_paragraph(self, topics: Sequence[Callable[[_Writer], str]]) -> str:
        rng = self.rng
        sentences = [self.pick(topics)(self) for _ in range(self.pick((1, 1, 1, 2, 2)))]
        r = rng.random()
        if r < 0.2:
            sentences.append(self.fill(self.pick(_NOISE)))
        elif r < 0.4:
            sentences.append(self.quote())
        elif r < 0.55:
            sentences.insert(0, self.fill(self.pick(_BACKGROUND)))
        elif r < 0.8:
            sentences.append(self.fill(self.pick(_SOFT)))
        return " ".join(sentences)


def _phone(w: _Writer) -> str:
    return f"{w.between(100, 999)} {w.between(100, 999)} {w.between(10, 99)} {w.between(10, 99)}"


_FIELDS: dict[str, Callable[[_Writer], object]] = {
    "route": _Writer.route,
    "route_cap": lambda w: _cap(w.route()),
    "city_title": lambda w: w.pick(_CITIES)[0].title(),
    "month": lambda w: w.pick(_MONTHS),
    "day": lambda w: w.between(1, 28),
    "day2": lambda w: w.between(1, 28),
    "hour": lambda w: w.between(8, 19),
    "minute": lambda w: w.pick((0, 15, 30, 45)),
    "n_word": lambda w: w.pick(("two", "three", "four")),
    "name": _Writer.person,
    "age": lambda w: w.between(34, 71),
    "since": lambda w: w.between(2008, w.year - 1),
    "next_year": lambda w: w.year + 1,
    "ordinal": lambda w: w.pick(_ORDINALS),
    "delegates": lambda w: w.pick((150, 200, 300, 500, 1_000, 2_000)),
    "small": lambda w: w.between(2, 12),
    "small2": lambda w: w.between(2, 12),
    "small3": lambda w: w.between(13, 20),
    "code": lambda w: w.pick((7, 994, 995, 998)),
    "phone": _phone,
    "street": lambda w: w.between(1, 180),
    "street_name": lambda w: w.pick(_STREETS),
    "articles": lambda w: w.between(20, 90),
    "resolution": lambda w: w.between(100, 999),
}
"""Fields of the prose templates and how to draw them."""


@cache
def _fields(template: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(name for _, name, _, _ in Formatter().parse(template) if name))


_TOPICS: dict[str, tuple[Callable[[_Writer], str], ...]] = {
    "titr": (_Writer.titr_level, _Writer.titr_level, _Writer.titr_multiple,
             _Writer.titr_containers, _Writer.titr_exports, _Writer.titr_capacity,
             _Writer.titr_forecast, _Writer.titr_target, _Writer.titr_time),
    "port": (_Writer.port_level, _Writer.port_level, _Writer.port_breakdown,
             _Writer.port_containers, _Writer.port_capacity, _Writer.titr_level),
    "rail": (_Writer.rail_level, _Writer.rail_level, _Writer.rail_capacity, _Writer.titr_level,
             _Writer.titr_containers),
    "trade": (_Writer.trade_level, _Writer.trade_pair, _Writer.trade_pair, _Writer.trade_target,
              _Writer.investment),
    "economy": (_Writer.gdp_growth, _Writer.gdp_forecast, _Writer.gdp_level, _Writer.sectors,
                _Writer.inflation, _Writer.inflation, _Writer.investment),
}  # fmt: skip
_TOPIC_NAMES = tuple(_TOPICS)
_HEADLINES = {
    "titr": ("Cargo on the Middle Corridor keeps growing", "TITR volumes: what the figures show",
             "Trans-Caspian route gains ground as an alternative", "Middle Corridor capacity to "
             "rise, officials say", "Corridor partners review freight results"),
    "port": ("{port} port reports half-year results", "Throughput of {port} port changes course",
             "{port} port expands container handling", "Caspian and Black Sea ports: {port} "
             "update"),
    "rail": ("Railways report freight results", "Rail freight along the corridor: an update",
             "New rail capacity planned for the corridor"),
    "trade": ("{country}'s foreign trade: latest figures", "{country} and {partner} look to "
              "expand trade", "Trade turnover of {country} reaches new level"),
    "economy": ("{country}'s economy: growth and inflation outlook", "Economists revise {country} "
                "forecasts", "{country} investment programme gathers pace"),
    "diplomacy": ("{country} and partners discuss cooperation", "Foreign ministers meet in {city}",
                  "Consultations held on regional connectivity"),
}  # fmt: skip
_SECTIONS = {"titr": "transport", "port": "ports", "rail": "rail", "trade": "economy",
             "economy": "economy", "diplomacy": "politics"}  # fmt: skip


@cache
def _slug(title: str) -> str:
    out = []
    for ch in title.lower():
        if ch.isascii() and ch.isalnum():
            out.append(ch)
        elif out and out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-")


def _document(seed: int, index: int) -> tuple[str, str]:
    rng = random.Random(f"{seed}:{index}")
    published = date.fromordinal(rng.randint(_FIRST_DAY, _LAST_DAY))
    w = _Writer(rng, published)
    topic = "diplomacy" if rng.random() < 0.08 else w.pick(_TOPIC_NAMES)
    city, city_country = w.pick(_CITIES)
    title = w.pick(_HEADLINES[topic]).format(
        port=w.port, country=w.country, partner=w.partner.removeprefix("the "), city=city.title()
    )
    paragraphs = w.between(4, 12)
    if topic == "diplomacy":
        topics: tuple[Callable[[_Writer], str], ...] = ()
        share = 0.0
    else:
        primary = _TOPICS[topic]
        secondary = _TOPICS[w.pick(_TOPIC_NAMES)]
        topics = primary * 3 + secondary
        share = rng.uniform(0.3, 0.55)
    body = []
    for i in range(paragraphs):
        if topics and (i == 0 or rng.random() < share):
            text = w.claim_paragraph(topics)
        else:
            text = w.non_claim_paragraph()
        if i == 0 and rng.random() < 0.6:
            if rng.random() < 0.5:
                text = f"{city} – {text}"
            else:
                text = (f"{city}, {city_country}, {_MONTHS_SHORT[published.month - 1]} "
                        f"{published.day}. {text}")  # fmt: skip
        body.append(text)
    if rng.random() < 0.1:
        body.insert(0, title)
    name = f"synthetic_{seed}_{index:07d}.md"
    url = (f"https://example.org/{_SECTIONS[topic]}/{published:%Y/%m}/{_slug(title)}-"
           f"{seed}-{index}")  # fmt: skip
    front = (
        "---\n"
        f'title: "{title}"\n'
        f'url: "{url}"\n'
        f'publisher: "{w.pick(PUBLISHERS)}"\n'
        f"published: {published.isoformat()}\n"
        'note: "synthetic benchmark document; every figure and name is invented"\n'
        "---\n"
    )
    return name, front + "\n\n".join(body) + "\n"


def generate_documents(count: int, seed: int = 0) -> Iterator[tuple[str, str]]:
    """(file name, file text with YAML front matter) for `count` documents, same output for the same seed.

    Document `i` depends only on `seed` and `i`, so a smaller corpus is a prefix of a larger
    one with the same seed.
    """
    for index in range(count):
        yield _document(seed, index)


# --- off-topic news, for a mixed feed --------------------------------------------------------
# Sports, culture, weather and city life with numbers in them (scores, ages, temperatures,
# attendances, ticket prices, times) and none of the words that name a metric, so that a
# feed of mostly such articles shows what reading a document with nothing to claim costs.

_TEAMS = ("Steppe Eagles", "Caspian Waves", "Mountain Lions", "River Falcons", "Old Town Rovers",
          "Harbour United", "Valley Wolves", "Desert Foxes")  # fmt: skip
_SPORTS = (
    "The {team} beat the {team2} {goals}-{goals2} on {weekday} in front of {crowd:,} fans.",
    "{name}, {age}, scored twice in the last {minute} minutes to seal the win.",
    "The {team} have won {small} of their last {small2} matches and sit {ordinal} in the table.",
    "The marathon was won by {name} in {hour} hours {minute} minutes and {second} seconds.",
    "{name} finished the 100 metres in {sprint} seconds, a personal best.",
    "The coach said the squad would rest before the cup match on {month} {day}, the "
    "{ordinal} of the season.",
    "More than {crowd:,} spectators watched the final, which went to extra time.",
    "The young goalkeeper, who joined the club at {age}, kept his {small}th clean sheet.",
    "The tennis final ended {goals}-{small}, {small2}-{goals2} after a tense tie-break.",
)
_CULTURE = (
    "The festival opens on {month} {day} in {city_title} with {small} concerts on {small2} stages.",
    "Tickets for the concert cost between {price} and {price2} and sold out in {minute} minutes.",
    "The novel, her {ordinal} book, has {pages} pages and took {small} years to write.",
    "The museum shows {pieces} works by {small} artists from the {century}th century.",
    "The director, {age}, spent {small} months filming in the mountains above {city_title}.",
    "The orchestra will give {small} performances, the first at {hour}:{minute:02d} on {weekday}.",
    "The restored theatre, built in {since}, reopens with {seats} seats after {small} years.",
    "The film won {small} awards, including best actress for {name}.",
)
_WEATHER = (
    "Temperatures will rise to {temp} degrees on {weekday} and fall to {small} at night.",
    "Up to {rain} millimetres of rain are forecast for the weekend in {city_title}.",
    "Winds of {wind} metres per second are expected in the afternoon.",
    "The heat wave of {since} brought {small} nights above {temp} degrees.",
    "Snow depth in the mountains reached {rain} centimetres by {month} {day}.",
    "Forecasters expect {small} sunny afternoons in a row before the rain returns on {weekday}.",
)
_CITY_LIFE = (
    "The new park on {street_name} Street has {small} playgrounds and {pieces} trees.",
    "Bus number {small} will come every {minute} minutes from {month} {day}.",
    "The library on {street_name} Street opens at {hour}:{minute:02d} and closes at {hour2}:00.",
    "Residents of {small2} apartment houses were without hot water for {small} hours.",
    "The marathon will close {small} streets in the city centre from {hour}:00 on {weekday}.",
    "{name}, {age}, opened a bakery on {street_name} Street {small} years ago.",
)
_OFF_TOPIC = {"sports": _SPORTS, "culture": _CULTURE, "weather": _WEATHER, "city": _CITY_LIFE}
_OFF_TOPIC_HEADLINES = {
    "sports": ("{team} win the derby", "Late goals lift {team}", "A record crowd for the final"),
    "culture": ("A festival returns to {city}", "The theatre reopens", "A novel at last"),
    "weather": ("Heat wave ahead", "Snow in the mountains", "A wet weekend for {city}"),
    "city": ("A new park for {city}", "Buses change", "Hot water back in the old quarter"),
}
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _off_topic_sentence(w: _Writer, template: str) -> str:
    city, _ = w.pick(_CITIES)
    team, team2 = w.rng.sample(_TEAMS, 2)
    first = w.pick(_MEN + _WOMEN)
    name = f"{first} {w.pick(_SURNAMES)[0]}"
    return template.format(
        team=team, team2=team2, goals=w.between(1, 5), goals2=w.between(0, 3),
        weekday=w.pick(_WEEKDAYS), crowd=w.between(3, 80) * 1000 + w.between(0, 999),
        name=name, age=w.between(17, 78), minute=w.between(2, 59), second=w.between(1, 59),
        small=w.between(2, 12), small2=w.between(13, 30), ordinal=w.pick(_ORDINALS),
        hour=w.between(1, 11), hour2=w.between(17, 21), sprint=_dec(w.between(990, 1120) / 100, 2),
        month=w.pick(_MONTHS), day=w.between(1, 28), city_title=city.title(),
        price=f"{w.between(2, 9) * 1000:,} tenge", price2=f"{w.between(10, 40) * 1000:,} tenge",
        pages=w.between(180, 900), pieces=w.between(40, 600), century=w.between(15, 19),
        since=w.between(1890, 2021), seats=w.between(300, 1500), temp=w.between(25, 42),
        rain=w.between(5, 80), wind=w.between(8, 25), street_name=w.pick(_STREETS),
    )  # fmt: skip


def off_topic_document(seed: int, index: int) -> tuple[str, str]:
    """An article on sports, culture, weather or city life: numbers but no metric to claim."""
    rng = random.Random(f"off:{seed}:{index}")
    published = date.fromordinal(rng.randint(_FIRST_DAY, _LAST_DAY))
    w = _Writer(rng, published)
    topic = w.pick(tuple(_OFF_TOPIC))
    city, _ = w.pick(_CITIES)
    title = w.pick(_OFF_TOPIC_HEADLINES[topic]).format(team=w.pick(_TEAMS), city=city.title())
    templates = _OFF_TOPIC[topic]
    body = [
        " ".join(_off_topic_sentence(w, w.pick(templates)) for _ in range(w.between(2, 5)))
        for _ in range(w.between(4, 12))
    ]
    front = (
        "---\n"
        f'title: "{title}"\n'
        f'url: "https://example.org/{topic}/{published:%Y/%m}/{_slug(title)}-{seed}-{index}"\n'
        f'publisher: "{w.pick(PUBLISHERS)}"\n'
        f"published: {published.isoformat()}\n"
        'note: "synthetic benchmark document; every figure and name is invented"\n'
        "---\n"
    )
    return f"offtopic_{seed}_{index:07d}.md", front + "\n\n".join(body) + "\n"


def mixed_feed(count: int, seed: int = 0, on_topic_every: int = 10) -> Iterator[tuple[str, str]]:
    """A media-monitoring feed: one document in `on_topic_every` on the topics the extractor
    reads (`generate_documents`), the others off-topic news (`off_topic_document`)."""
    for index in range(count):
        if index % on_topic_every == 0:
            yield _document(seed, index)
        else:
            yield off_topic_document(seed, index)


def write_corpus(folder: Path, count: int, seed: int = 0, mixed: bool = False) -> tuple[int, int]:
    """Write the documents as .md files (sharded into subfolders of 1,000 files each: 0000/, 0001/, ...), return (files, bytes).

    `mixed`: a feed of one on-topic document in ten (`mixed_feed`)."""
    folder = Path(folder)
    files = total = 0
    shard = folder
    documents = mixed_feed(count, seed) if mixed else generate_documents(count, seed)
    for index, (name, text) in enumerate(documents):
        if index % SHARD_SIZE == 0:
            shard = folder / f"{index // SHARD_SIZE:04d}"
            shard.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        (shard / name).write_bytes(data)
        files += 1
        total += len(data)
    return files, total


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path, metavar="OUT_DIR", help="folder to write into")
    parser.add_argument("--count", type=int, required=True, help="number of documents")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--mixed", action="store_true", help="1 in 10 on topic, the rest not")
    args = parser.parse_args(argv)
    if args.count < 0:
        parser.error("--count must not be negative")
    start = time.perf_counter()
    files, size = write_corpus(args.out_dir, args.count, args.seed, args.mixed)
    elapsed = time.perf_counter() - start
    print(f"wrote {files:,} files, {size / 1e6:.1f} MB to {args.out_dir} in {elapsed:.1f} s")


if __name__ == "__main__":
    main()
