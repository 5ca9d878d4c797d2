"""Personal data and unsafe input: detection, redaction, inbound checks, retention settings.

The modules ``settings``, ``detect`` (with ``names``, ``addresses``,
``written_email`` and their word lists in ``lexicon``), ``redact`` and
``inbound`` do not import Rasa, so every channel (REST, socket.io, later
Twilio, Telegram, Facebook) can use them the same way. ``tracker_stores``
holds the Rasa tracker stores that redact again before anything is saved;
``logs`` a logging filter that redacts every log record.
"""
