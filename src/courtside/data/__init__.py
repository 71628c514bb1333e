"""Match history: readers (sources, tennisdata, kalshi_results, odds, csvio), the player registry
(names, registry, identity), one match once (unify), the history store's ingest and sync (ingest,
kalshi_sync, history) and the download cache (sync).

Tennis databases, files, and algorithms by Jeff Sackmann / Tennis Abstract (CC BY-NC-SA 4.0);
odds and results from tennis-data.co.uk.
"""

import pandas as _pd

# pyarrow is installed for the Parquet history store; pandas would then back every text column with
# Arrow, whose element-wise maps and isin run in Python and are several times slower on the history's
# name columns. Keep pandas' own string storage (Parquet reading and writing are unaffected). Set here,
# where the history is read, so the journal commands that never touch pandas stay quick to start.
_pd.options.mode.string_storage = "python"
