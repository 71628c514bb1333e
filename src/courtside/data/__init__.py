"""Match history: readers (sources, odds, csvio), the player registry (names, registry), the odds
join (join), the store ingest (ingest) and the download cache (sync).

Tennis databases, files, and algorithms by Jeff Sackmann / Tennis Abstract (CC BY-NC-SA 4.0);
odds and results from tennis-data.co.uk.
"""
