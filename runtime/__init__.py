"""Small, explicit patches of Rasa 3.6's calls to the action server, installed at server start.

Three changes to ``rasa.core.actions.action.RemoteAction`` (Rasa 3.6.x only):

- ``runtime.validation``: the action server's answer is checked with a JSON-schema
  validator built once, instead of ``jsonschema.validate``, which checks the schema
  itself again on every call (same schema, same errors).
- ``runtime.local_actions``: ``action_offer_feedback`` (after every FAQ answer) runs
  in the server itself, with the action server's own code, instead of over HTTP.
- ``runtime.faults``: every call has a time limit (``ACTION_TIMEOUT_S``, default 1.5 s),
  and when the action server is down, slow or answers with an error, the assistant
  sends ``utter_action_unavailable`` and waits for the user, instead of staying silent.

``runtime.patches.install`` applies them; the channels in ``channels/`` call it when
Rasa builds their routes (``rasa run`` loads them from credentials.yml), and
``bench.profile`` calls it before loading the agent. On another Rasa version it
changes nothing and logs a warning.
"""

from runtime.patches import install, installed

__all__ = ["install", "installed"]
