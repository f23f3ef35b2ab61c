"""Great Expectations suites for hsguard, defined as code (see suites.py)."""
