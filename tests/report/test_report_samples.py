"""The report of the repository's sample sources, as a new user first sees it (issue 19):
one offline file of at most 2 MB whose every chart the embedded plotly.js bundle can draw,
which fits a phone's width, and whose counts are the ones `metrics run` prints.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import urllib.parse
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from paths import SAMPLES
from plotly.offline import get_plotlyjs_version

from metrics.cli import cli
from metrics.report.context import csv_number, plotly_basic_js

BASIC_TRACES = {"scatter", "bar", "pie"}  # what plotly.js's basic bundle draws
PHONE_WIDTH = 390  # CSS pixels of a common phone


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._open: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._open = dict(attrs)
            self.scripts.append((self._open, ""))

    def handle_endtag(self, tag: str) -> None:
        self._open = None if tag == "script" else self._open

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """`metrics run` on the samples: its output and the report it wrote."""
    root = tmp_path_factory.mktemp("samples")
    db, out = root / "m.duckdb", root / "reports" / "index.html"
    result = CliRunner().invoke(cli, ["run", str(SAMPLES), "--db", str(db), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return result.stdout, out


def test_the_sample_report_is_one_file_of_at_most_2_mb(sample_run: tuple[str, Path]) -> None:
    _, report = sample_run
    page = report.read_text(encoding="utf-8")
    assert report.stat().st_size <= 2_000_000
    parsed = _Scripts()
    parsed.feed(page)
    assert not any("src" in attrs for attrs, _ in parsed.scripts)  # nothing fetched: offline
    assert not re.search(r"<(link|img|iframe)\b", page)
    assert [text for _, text in parsed.scripts if len(text) > 500_000] == [plotly_basic_js()]


def test_the_bundle_draws_every_chart(sample_run: tuple[str, Path]) -> None:
    parsed = _Scripts()
    parsed.feed(sample_run[1].read_text(encoding="utf-8"))
    figures = [json.loads(text) for attrs, text in parsed.scripts if attrs.get("class") == "figure"]
    assert len(figures) >= 10
    used = {trace.get("type", "scatter") for figure in figures for trace in figure["data"]}
    assert used <= BASIC_TRACES, used - BASIC_TRACES


def test_the_bundle_is_the_plotly_js_of_the_pinned_plotly() -> None:
    """A plotly upgrade changes the figures' JSON: metrics/report/vendor/README.md says how to
    take the basic bundle of the new plotly.js."""
    header = plotly_basic_js()[:300]
    assert re.search(r"plotly\.js \(basic - minified\) v(\S+)", header)[1] == get_plotlyjs_version()


def _titr_table(report: Path) -> list[str]:
    raw = report.read_text(encoding="utf-8")
    article = re.search(
        r'<article class="series" id="[^"]*titr-cargo-volume-titr-level-annual".*?</article>',
        raw,
        re.S,
    )
    assert article, "no chart of TITR freight"
    return re.findall(
        r"<tr>(.*?)</tr>", re.search(r"<tbody>(.*?)</tbody>", article[0], re.S)[1], re.S
    )


def test_a_figure_is_credited_to_every_source_that_states_it(sample_run: tuple[str, Path]) -> None:
    """TITR freight 2023, 2.76 Mt: the sentence chosen names no publisher, two outlets that
    state the same figure do."""
    (row,) = [r for r in _titr_table(sample_run[1]) if "<td>2023</td><td>actual</td>" in r]
    assert "The Astana Times</a>" in row and "Kazinform (Qazinform)</a>" in row


def test_derived_figures_are_rounded_for_reading(sample_run: tuple[str, Path]) -> None:
    implied = [r for r in _titr_table(sample_run[1]) if "<td>implied</td>" in r]
    assert implied
    for row in implied:
        value = re.search(r'<td class="num">([^<]*)</td>', row)[1]
        assert len(value.replace(",", "").rstrip("0")) <= 5, value  # 4 significant digits
    raw = sample_run[1].read_text(encoding="utf-8")
    tables_and_csv = re.sub(r"<script.*?</script>", "", raw, flags=re.S)
    assert not re.search(r"\d\.\d{6,}", tables_and_csv)  # no 1672727.2727272727


# --- a phone, in headless Chromium ------------------------------------------------------

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
         "--disable-background-networking", "--disable-component-update",
         "--allow-file-access-from-files", "--virtual-time-budget=15000"]  # fmt: skip
# Chromium's window is at least 500 pixels wide, so the phone is a frame of PHONE_WIDTH; once
# the charts are drawn the probe writes on the outer page what the report measures inside.
PROBE = """<!DOCTYPE html><html><body style="margin:0">
<iframe id="phone" src="{src}" style="border:0;width:{width}px;height:3000px"></iframe>
<script>
document.getElementById("phone").addEventListener("load", function () {{ setTimeout(function () {{
  var d = document.getElementById("phone").contentDocument;
  var charts = Array.from(d.querySelectorAll(".chart")).map(function (c) {{
    var svg = c.querySelector("svg.main-svg");
    return {{id: c.id, width: svg ? +svg.getAttribute("width") : 0,
            right: c.getBoundingClientRect().right,
            ticks: Array.from(c.querySelectorAll(".xtick text")).map(function (t) {{
              var r = t.getBoundingClientRect();
              return [t.textContent, r.left, r.right, t.getAttribute("transform") || ""]; }}),
            buttons: Array.from(c.querySelectorAll(".modebar-btn")).map(function (b) {{
              return b.getAttribute("data-title"); }})}};
  }});
  document.body.setAttribute("data-probe", JSON.stringify({{
    viewport: d.documentElement.clientWidth, page: d.documentElement.scrollWidth,
    charts: charts}}));
}}, 3000); }});
</script></body></html>"""


def test_at_phone_width_every_chart_fits_and_exports(
    chromium: str, sample_run: tuple[str, Path], tmp_path: Path
) -> None:
    report = sample_run[1]
    probe = report.parent / "phone.html"
    probe.write_text(PROBE.format(src=report.name, width=PHONE_WIDTH), encoding="utf-8")
    result = subprocess.run(
        [chromium, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--window-size=600,3000",
         "--dump-dom", probe.as_uri()],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    found = re.search(r'data-probe="([^"]*)"', result.stdout)
    assert found, result.stdout[-2000:]
    seen = json.loads(found[1].replace("&quot;", '"').replace("&amp;", "&"))
    assert seen["viewport"] <= PHONE_WIDTH
    assert seen["page"] <= seen["viewport"], "something is wider than the phone"
    assert len(seen["charts"]) >= 10
    for chart in seen["charts"]:
        assert 0 < chart["width"] <= seen["viewport"], chart
        assert chart["right"] <= seen["viewport"], chart
        labels = [text for text, *_ in chart["ticks"]]
        assert labels and len(set(labels)) == len(labels), chart
        boxes = sorted((left, right) for _, left, right, _ in chart["ticks"])
        assert all(right <= left for (_, right), (left, _) in pairwise(boxes)), chart
        assert not any("rotate" in turned for *_, turned in chart["ticks"]), chart
        assert {"Download plot as a PNG", "Download plot as SVG"} <= set(chart["buttons"]), chart


def _visible(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_conflicts_show_real_disagreements_and_fold_the_rest(sample_run: tuple[str, Path]) -> None:
    """In the samples no two sources disagree: the four figures an article gives several
    values for, and TITR 2023 written 2,76 / 2.76 / 2.8 million tons, are counted and folded."""
    raw = sample_run[1].read_text(encoding="utf-8")
    section = re.search(r'<section id="conflicts">(.*?)</section>', raw, re.S)[1]
    shown = section.split('<details class="folded"')[0]
    assert "No conflicting claims" in shown and "<table>" not in shown
    ambiguous = re.search(r'id="conflicts-ambiguous">\s*<summary><b>(\d+)</b>', section)
    rounding = re.search(r'id="conflicts-rounding">\s*<summary><b>(\d+)</b>', section)
    assert (int(ambiguous[1]), int(rounding[1])) == (4, 1)
    folded = _visible(section.split('id="conflicts-rounding"')[1])
    assert (
        "3 sources state 2,76 million tons to 2.8 million tons (1% apart): the same figure"
        in folded
    )
    assert section.count('<p class="why">One article (') == 4


def test_implied_checks_card_reads_as_words(sample_run: tuple[str, Path]) -> None:
    cards = _visible(
        re.search(r'<ul class="counts".*?</ul>', sample_run[1].read_text(encoding="utf-8"), re.S)[0]
    )
    assert "3 implied checks, all consistent" in cards
    # the four conflicts the command line counts are all within one article
    assert "4 with conflicting claims ( 0 between sources , 4 within one article)" in cards
    assert " / " not in cards


def test_no_table_shows_a_midnight_time(sample_run: tuple[str, Path]) -> None:
    """Every date of every table (forecast errors, targets, sources, ...) as 2024-07-03."""
    tables = re.sub(
        r"<script.*?</script>", "", sample_run[1].read_text(encoding="utf-8"), flags=re.S
    )
    assert re.findall(r"\d{4}-\d\d-\d\d", tables)
    assert "00:00:00" not in tables


def _downloads(report: Path) -> dict[str, pd.DataFrame]:
    """Each chart's CSV download, by file name, read as text."""
    raw = report.read_text(encoding="utf-8")
    found = re.findall(r'download="([^"]+)" href="data:text/csv;charset=utf-8,([^"]*)"', raw)
    return {
        name: pd.read_csv(io.StringIO(urllib.parse.unquote(body)), dtype=str, keep_default_na=False)
        for name, body in found
    }


def test_the_csv_downloads_write_figures_as_read(sample_run: tuple[str, Path]) -> None:
    """Values as a reader writes them: 2760000 and 4500000 for the TITR freight the sources
    state, never 4500000.0 or 2.7600000000000002; derived values rounded."""
    downloads = _downloads(sample_run[1])
    assert len(downloads) >= 10
    for name, table in downloads.items():
        for value in table["value"]:
            assert re.fullmatch(r"-?\d+(\.\d+)?", value), (name, value)
            assert not value.endswith(".0") and len(value.replace("-", "").replace(".", "")) <= 15
            assert not re.search(r"\.\d*(0000|9999)\d", value), (name, value)
    (titr,) = [t for name, t in downloads.items() if "titr-cargo-volume-titr-level-annual" in name]
    stated = dict(zip(titr["period"] + " " + titr["kind"], titr["value"], strict=True))
    assert (stated["2023 actual"], stated["2024 actual"]) == ("2760000", "4500000")


@pytest.mark.parametrize(
    ("value", "cell"),
    [(2.7600000000000002, "2.76"), (4500000.0, "4500000"), (0.1 + 0.2, "0.3"), (-6.7, "-6.7"),
     (1e21, "1000000000000000000000"), (1672727.2727272727, "1672727.27272727"), (5, "5")],
)  # fmt: skip
def test_csv_number(value: float, cell: str) -> None:
    assert csv_number(value) == cell
