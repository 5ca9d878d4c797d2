"""Small, explicit patches of Rasa 3.6, installed at server start (Rasa 3.6.x only).

The patches:

- ``runtime.validation``: the action server's answer is checked with a JSON-schema
  validator built once, instead of ``jsonschema.validate``, which checks the schema
  itself again on every call (same schema, same errors).
- ``runtime.model_load``: the model is loaded for prediction only (no training step at
  load, one spaCy pipeline): 978 -> 752 MiB per Rasa process right after loading.
- ``runtime.gc_freeze``: once the model is loaded, the garbage collector stops scanning
  its 570,000 objects (a full collection took 230 ms).
- ``runtime.inprocess_actions``: the actions of ``actions/`` run in the Rasa server with
  the Rasa SDK's own executor (``ACTIONS_IN_PROCESS``, default on), without HTTP.
- ``runtime.local_actions``: ``action_offer_feedback`` (after every FAQ answer) runs
  in the server itself, with the action server's own code, instead of over HTTP.
- ``runtime.history_window``: the ``RulePolicy`` (and a ``MemoizationPolicy`` that learned
  nothing) read the newest actions of a conversation instead of rebuilding every state
  of the session for every prediction: same states, same predictions, a cost per
  prediction that no longer grows with the conversation.
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
