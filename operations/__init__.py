"""Operator control during a crisis, without retraining (issue 19).

A short dated notice after the greeting and above the chat, answer overrides
(replace or withdraw one response per language) and a safe mode (every answer
becomes a short message with the official links). The state lives in one place
shared by every instance (a JSON file, or Redis in a cluster), is re-read at
most every few seconds, and is changed through authenticated endpoints
(``operations/http.py``; ``docs/operations.md``).

Layering: this package sits below ``channels/``, ``actions/`` and ``webchat/``
and imports none of them. Its only reach upwards is the content check of
``scripts/`` (which reads the guidance registry), imported where an override
is checked.
"""
