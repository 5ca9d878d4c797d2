"""End-to-end test set of realistic messages, scored on the whole reply of the running server.

``cases.yml`` was written blind (from the brief and the announcement only, never
from ``data/``) and is never trained on. ``topics.yml`` maps its topic vocabulary
to the assistant's responses. ``python -m tests.realistic`` runs it.
"""
