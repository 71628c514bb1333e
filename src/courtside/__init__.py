"""courtside: automated trading of Kalshi tennis match markets."""

import pandas as _pd

# pyarrow is installed for the columnar history store (Parquet); pandas would then back every text
# column with Arrow, whose element-wise maps and isin run in Python and are several times slower on the
# history's name columns. Keep pandas' own string storage; Parquet reading and writing are unaffected.
_pd.options.mode.string_storage = "python"

__version__ = "0.1.0"
