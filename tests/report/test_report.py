"""The HTML report: its structure (figure JSON, tables, escaping) and how a browser shows it.

The claims are built by hand so the report's parts can be checked against known figures:
TITR freight 2.76 Mt in 2023, +62 % and 4.5 Mt in 2024 against a 4.2 Mt forecast, a 10 Mt
target moved from 2030 to 2027, and a port throughput two sources disagree on.
"""

from __future__ import annotations

import json
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import markupsafe
import pytest

from metrics.lexicon.periods import period_from_label
from metrics.models import Claim, Document
from metrics.pipeline import ingest
from metrics.report import write_report
from metrics.store import Store

EVIL = "<script>alert('quote')</script>"

# file -> (front matter, [(metric, entity, value, unit, text, period, status, measure, base)])
ARTICLES: dict[str, tuple[str, list[tuple[Any, ...]]]] = {
    "a.md": ("publisher: Paper A\npublished: 2024-02-27\nurl: https://a.example/titr", [
        ("titr_cargo_volume", "TITR", 2.76e6, "t", "2.76 million tons", "2023", "actual", "level", None),
        ("port_cargo_throughput", "Aktau port", 2.6e6, "t", "2.6 million tonnes", "2023", "actual", "level", None),
    ]),
    "b.md": ("publisher: Paper B\npublished: 2024-07-03\nurl: javascript:alert(1)", [
        ("titr_cargo_volume", "TITR", 4.2e6, "t", "4.2 million tons", "2024", "forecast", "level", None),
        ("titr_cargo_volume", "TITR", 52.0, "pct_change", "52%", "2024", "forecast", "growth", "2023"),
        ("titr_cargo_volume", "TITR", 1e7, "t", "10 million tons", "2030", "target", "level", None),
        ("port_cargo_throughput", "Aktau port", 3.1e6, "t", "3.1 million tonnes", "2023", "actual", "level", None),
    ]),
    "c.md": ("publisher: Paper C\npublished: 2025-05-14", [
        ("titr_cargo_volume", "TITR", 4.5e6, "t", "4.5 million tons", "2024", "actual", "level", None),
        ("titr_cargo_volume", "TITR", 62.0, "pct_change", "62%", "2024", "actual", "growth", "2023"),
        ("titr_cargo_volume", "TITR", 1e7, "t", "10 million tons", "2027", "target", "level", None),
    ]),
}  # fmt: skip


def _extract(document: Document) -> list[Claim]:
    """Hand-made claims for the articles above; the quotes of a.md carry a script."""
    claims = []
    for n, (metric, entity, value, unit, text, period, status, measure, base) in enumerate(
        ARTICLES[Path(document.path).name][1]
    ):
        p = period_from_label(period)
        quote = (
            f"{EVIL} {text} in {period}."
            if document.path.endswith("a.md")
            else f"It was {text} in {period}."
        )
        claims.append(Claim(
            claim_id=f"{document.source_id}-{n}", source_id=document.source_id, metric=metric,
            entity=entity, value=value, unit=unit, value_text=text, period=period,
            period_start=p.start, period_end=p.end, status=status, measure=measure,
            base_period=base, qualifier="exact", quote=quote, char_start=n, char_end=n + 1,
            extractor="test",
        ))  # fmt: skip
    return claims


class _Page(HTMLParser):
    """Collects script elements (attributes and text), links and all visible text."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.links: list[str] = []
        self.text: list[str] = []
        self._script: dict[str, str | None] | None = None
        self._buffer: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._script, self._buffer = dict(attrs), []
        if tag == "a":
            self.links.append(dict(attrs).get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._buffer)))
            self._script = None

    def handle_data(self, data: str) -> None:
        (self._buffer if self._script is not None else self.text).append(data)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("report")
    for name, (front, _) in ARTICLES.items():
        (root / "docs").mkdir(exist_ok=True)
        (root / "docs" / name).write_text(f"---\n{front}\n---\nBody of {name}.\n", encoding="utf-8")
    with Store(root / "m.duckdb") as store:
        ingest(store, [root / "docs"], extractor=_extract)
        write_report(store, root / "out" / "index.html", title="Test report")
    return root / "out" / "index.html"


@pytest.fixture(scope="module")
def page(report: Path) -> _Page:
    parsed = _Page()
    parsed.feed(report.read_text(encoding="utf-8"))
    return parsed


def _figures(page: _Page) -> dict[str, dict[str, Any]]:
    return {
        attrs["data-target"]: json.loads(text)
        for attrs, text in page.scripts
        if attrs.get("class") == "figure"
    }


def _figure(page: _Page, metric: str) -> dict[str, Any]:
    (found,) = [f for target, f in _figures(page).items() if metric.replace("_", "-") in target]
    return found


def _trace(figure: dict[str, Any], name: str) -> dict[str, Any]:
    (found,) = [t for t in figure["data"] if t["name"] == name]
    return found


def test_plotly_js_is_embedded_once(page: _Page) -> None:
    big = [text for attrs, text in page.scripts if len(text) > 1_000_000]
    assert len(big) == 1
    assert "Plotly" in big[0][:5000] or "plotly" in big[0][:5000].lower()
    assert not any("src" in attrs for attrs, _ in page.scripts)  # nothing fetched: offline


def test_titr_chart_has_each_kind_of_trace(page: _Page) -> None:
    figure = _figure(page, "titr_cargo_volume")
    actual = _trace(figure, "Actual")
    assert actual["mode"] == "lines+markers"
    assert actual["y"] == [2.76e6, 4.5e6]
    assert actual["x"][0].startswith("2023") and actual["x"][1].startswith("2024")
    forecast = _trace(figure, "Forecast")
    assert forecast["line"]["dash"] == "dash"
    assert forecast["y"] == [4.2e6]  # the 52 % growth forecast belongs to another series
    current, earlier = _trace(figure, "Target"), _trace(figure, "Target, earlier statement")
    assert current["marker"]["symbol"] == "star" and current["y"] == [1e7]
    assert current["x"][0].startswith("2027") and earlier["x"][0].startswith("2030")
    arrows = [a for a in figure["layout"]["annotations"] if a.get("showarrow")]
    assert [a["text"] for a in arrows] == ["deadline brought forward"]


def test_hover_carries_provenance(page: _Page) -> None:
    actual = _trace(_figure(page, "titr_cargo_volume"), "Actual")
    period, written, publisher, published, quote = actual["customdata"][1]
    assert (period, written, publisher, published) == (
        "2024",
        "4.5 million tons",
        "Paper C",
        "2025-05-14",
    )
    assert "4.5 million tons" in quote
    assert "%{customdata[2]}" in actual["hovertemplate"]


def test_disputed_period_is_a_band_with_every_value(page: _Page) -> None:
    figure = _figure(page, "port_cargo_throughput")
    band = _trace(figure, "Disputed 2023: range")
    assert band["fill"] == "toself"
    assert min(band["y"]) == 2.6e6 and max(band["y"]) == 3.1e6
    values = _trace(figure, "Disputed 2023: each source")
    assert sorted(values["y"]) == [2.6e6, 3.1e6]


def test_a_quote_with_a_script_is_escaped_everywhere(report: Path, page: _Page) -> None:
    raw = report.read_text(encoding="utf-8")
    assert EVIL not in raw
    assert str(markupsafe.escape(EVIL)) in raw  # in the conflicts table
    texts = [
        text for attrs, text in page.scripts if attrs.get("class") == "figure" and "alert(" in text
    ]
    assert texts and all("<script" not in text for text in texts)  # figure JSON: \u003c
    hover_quote = _trace(_figure(page, "titr_cargo_volume"), "Actual")["customdata"][0][4]
    assert hover_quote.startswith("&lt;script&gt;")  # plotly shows it as text


def test_only_web_links_are_links(page: _Page) -> None:
    assert "https://a.example/titr" in page.links
    assert not any(link.lower().startswith("javascript:") for link in page.links)


def test_every_chart_has_a_table_and_a_csv(report: Path, page: _Page) -> None:
    raw = report.read_text(encoding="utf-8")
    charts = _figures(page)
    downloads = re.findall(r'href="data:text/csv;charset=utf-8,([^"]+)"', raw)
    assert len(downloads) == len(charts) >= 2
    assert any("4.5%20million%20tons" in d or "4.5+million+tons" in d for d in downloads)


def test_tables_show_forecast_error_and_target_revision(page: _Page) -> None:
    text = " ".join(" ".join(page.text).split())
    assert "4.2 million tons" in text and "-300,000" in text
    assert "10 million tons by 2030 -> 10 million tons by 2027" in text
    assert "deadline_brought_forward" in text


# --- a real browser ----------------------------------------------------------------------

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars", "--virtual-time-budget=15000",
]  # fmt: skip
ERROR_HOOK = (
    "<script>window.addEventListener('error', function (e) {"
    " document.documentElement.setAttribute('data-js-error', String(e.message)); });</script>"
)


def _browse(chromium: str, tmp: Path, url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    profile = tmp / f"profile-{len(list(tmp.iterdir()))}"
    return subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr",
         "--v=0", *extra, url],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip


def test_browser_draws_every_chart_without_errors(
    chromium: str, report: Path, tmp_path: Path
) -> None:
    hooked = tmp_path / "hooked.html"
    hooked.write_text(
        report.read_text(encoding="utf-8").replace("<head>", "<head>" + ERROR_HOOK, 1),
        encoding="utf-8",
    )
    result = _browse(chromium, tmp_path, hooked.as_uri(), "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    assert not re.search(r"<html[^>]*data-js-error", dom), re.findall(r'data-js-error="[^"]*"', dom)
    assert "Uncaught" not in result.stderr
    drawn = len(re.findall(r'class="main-svg"', dom))
    charts = len(re.findall(r'class="chart"', report.read_text(encoding="utf-8")))
    assert charts >= 2 and drawn >= charts  # plotly draws two svgs per chart
    assert "alert('quote')" not in re.sub(r"&lt;script&gt;alert\('quote'\)", "", dom)


def test_screenshot_shows_charts(chromium: str, report: Path, tmp_path: Path) -> None:
    from PIL import Image

    shot = tmp_path / "shot.png"
    result = _browse(chromium, tmp_path, report.as_uri(), f"--screenshot={shot}",
                     "--window-size=1200,1600")  # fmt: skip
    assert result.returncode == 0 and shot.exists(), result.stderr[-2000:]
    image = Image.open(shot).convert("RGB")
    assert image.size == (1200, 1600)
    pixels = list(image.get_flattened_data())
    ink = sum(1 for p in pixels if sum(p) < 600) / len(pixels)
    blue = sum(1 for r, g, b in pixels if b > 150 and r < 80)  # the actual line, #1f5fa8
    assert ink > 0.01, "the page is blank"
    assert blue > 200, "no chart line drawn"


# --- reading a chart without hovering (issue 19) -----------------------------------------


def _article(report: Path, metric: str) -> str:
    raw = report.read_text(encoding="utf-8")
    found = re.search(
        rf'<article class="series" id="([^"]*{metric.replace("_", "-")}[^"]*)">(.*?)</article>',
        raw,
        re.S,
    )
    assert found, metric
    return found[0]


def test_the_latest_values_are_written_on_the_chart(page: _Page) -> None:
    labels = {
        a["name"]: a["text"]
        for a in _figure(page, "titr_cargo_volume")["layout"]["annotations"]
        if not a.get("showarrow")
    }
    assert labels == {
        "actual end": "4.5 million tonnes (2024)",
        "forecast end": "4.2 million tonnes (2024)",
    }


def test_annual_points_sit_on_their_year_s_tick(page: _Page) -> None:
    figure = _figure(page, "titr_cargo_volume")
    assert _trace(figure, "Actual")["x"] == ["2023-01-01", "2024-01-01"]
    assert _trace(figure, "Target")["x"] == ["2027-01-01"]
    assert figure["layout"]["xaxis"]["dtick"] == "M12"
    band = _trace(_figure(page, "port_cargo_throughput"), "Disputed 2023: range")
    assert min(band["x"]) < "2023-01-01" < max(band["x"])  # centred on the tick


def test_a_chart_has_a_plain_title_its_metric_id_a_permalink_and_its_sources(report: Path) -> None:
    article = _article(report, "titr_cargo_volume")
    slug = re.search(r'id="([^"]+)"', article)[1]
    heading = re.search(r"<h3>(.*?)</h3>", article, re.S)[1]
    assert heading.startswith("Freight carried along the Trans-Caspian route")
    assert "TITR, tonnes" in heading
    assert '<span class="metric-id">titr_cargo_volume</span>' in heading
    assert f'<a class="permalink" href="#{slug}"' in heading
    source = re.search(r'<p class="chart-source">(.*?)</p>', article, re.S)[1]
    assert '<a href="https://a.example/titr">Paper A</a>' in source
    assert "Paper B" in source and "Paper C" in source
    assert "javascript" not in source  # Paper B's address is not a link


def test_a_chart_s_table_gives_quote_publisher_link_and_a_plain_date(report: Path) -> None:
    article = _article(report, "titr_cargo_volume")
    table = re.search(r"<tbody>(.*?)</tbody>", article, re.S)[1]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    (actual_2024,) = [r for r in rows if "<td>2024</td><td>actual</td>" in r]
    assert "Paper C" in actual_2024 and "2025-05-14" in actual_2024
    assert "It was 4.5 million tons in 2024." in actual_2024
    (actual_2023,) = [r for r in rows if "<td>2023</td><td>actual</td>" in r]
    assert '<a href="https://a.example/titr">Paper A</a>' in actual_2023
    assert "00:00:00" not in article


def test_a_real_conflict_says_why_in_one_line(report: Path) -> None:
    raw = report.read_text(encoding="utf-8")
    section = re.search(r'<section id="conflicts">(.*?)</section>', raw, re.S)[1]
    shown = section.split('<details class="folded"')[0]
    assert "port_cargo_throughput · Aktau port · 2023" in shown
    assert '<p class="why">2 sources state 2.6 million tonnes to 3.1 million tonnes (19% apart); no rule settles it' in shown
