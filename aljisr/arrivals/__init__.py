"""Arrivals: travel details per placement, the arrivals and departures board, and the
pre-arrival infosheet (issue 14, items 3 to 5)."""
