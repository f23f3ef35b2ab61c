"""Where hsguard's own files live (the dbt project, bundled data) and the user-facing defaults."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"
SAMPLE_DIR = DATA_DIR / "sample"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"

# User-facing defaults, relative to the working directory (as a CLI user expects).
DEFAULT_WAREHOUSE = Path("warehouse") / "hsguard.duckdb"
DEFAULT_REPORTS = Path("reports")
