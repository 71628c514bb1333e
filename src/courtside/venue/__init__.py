"""The one port the trader meets every exchange through (`port.Venue`), the paper venue of dry-run
(`paper.PaperVenue`, real market data, a paper ledger) and the paper fill rule it shares with the
backtest (`matching`). The real Kalshi venue is `courtside.kalshi.venue.KalshiVenue`; the simulator
is reached through that same adapter over loopback HTTP or httpx.ASGITransport."""
