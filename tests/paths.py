"""Where the tests find things: the checkout, its sample sources, the case tables and the
shared corpus that CI places beside the checkout. Test modules live one folder per pipeline
stage, so they name these places here rather than counting parents from their own file."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
CASES = TESTS / "cases"
FIXTURES = TESTS / "fixtures"
SAMPLES = ROOT / "sources"
BENCHMARKS = ROOT / "benchmarks"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
