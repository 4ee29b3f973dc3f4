"""The 24-hour response-time measure: pure core, daily rollups, dashboard queries and alerts.

A Django app of its own (label "metrics") inside `messaging`, so its tables and migrations stay
apart from the inbox's while it reads the messaging models directly.
"""
