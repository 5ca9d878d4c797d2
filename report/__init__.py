"""Operator report from the SQL tracker store (``make report``).

Reads the ``events`` table of Rasa's SQL tracker store (SQLite or
PostgreSQL), finds the conversations of a period and writes an HTML page
with charts (embedded PNG) and CSV files beside it. Modules:

- ``period``: the days of the report in a time zone.
- ``load``: the database address and the stored events.
- ``conversations``: stored events turned into conversations, user messages
  and form runs.
- ``metrics``: the numbers of the report.
- ``charts``: matplotlib charts as PNG bytes.
- ``page``: the HTML page.
- ``export``: the CSV files.
- ``sample``: a seeded sample database written with Rasa's own store.

See docs/report.md.
"""
