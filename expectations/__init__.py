"""Great Expectations suites for hsguard, defined as code (see suites.py)."""

from hsguard.spark import ignore_pandas_support_warning, import_gx_pyspark_shim_safely

# before anything imports great_expectations (which imports pyspark when it is installed)
ignore_pandas_support_warning()
import_gx_pyspark_shim_safely()
