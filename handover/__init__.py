"""Handover to a person through Chatwoot (docs/handover.md): below ``channels/``, never imports ``actions/``.

Off unless ``CHATWOOT_URL``, ``CHATWOOT_API_TOKEN``, ``CHATWOOT_INBOX_ID`` and
``CHATWOOT_WEBHOOK_SECRET`` are set (``handover.settings``).
"""
