"""Where things are, from this file: the checkout's root and the saved captures."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
BEA_CAPTURES = FIXTURES / "bea"  # real pages, feed and schedule saved from bea.gov
