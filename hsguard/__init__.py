"""hsguard: nightly audit of customs (HS/HTS/CN) and export-control (ECCN) classifications."""

__version__ = "0.1.0"
