"""`courtside demo`: a simulated day traded end to end (plan: the slate; run: the day)."""
