"""Tables and plots shared by `courtside backtest` and `courtside report`; journal scoring."""
