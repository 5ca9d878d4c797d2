"""Input channels that apply ``privacy.inbound`` before Rasa builds a ``UserMessage``.

Rasa's own logs, NLU, tracker, event broker and the action server only ever
see the redacted text. Use them in credentials.yml, e.g. ``channels.rest.SafeRestInput:``.
"""
