"""The classifiers and spaCy process a batch of messages at once (with ``runtime.nlu_batch``).

Rasa 3.6's ``DIETClassifier.process`` and ``ResponseSelector.process`` take a
list of messages but call the network once per message (``_predict``: build the
inputs of one message, one TensorFlow call); ``SpacyNLP.process`` runs spaCy's
pipeline once per text. With the NLU graph run for a batch of messages, most of
that time is fixed cost per call.

* ``batched_process``: the classifier's inputs for all messages of the list are
  built once and go through the network in one call; Rasa's own ``process``
  then runs unchanged and its ``_predict`` (``precomputed_predict``) hands each
  message its row of the batch's output. A list of one message, a message
  without features or a model without a network take Rasa's own way.
* ``piped_spacy_process``: the texts go through ``nlp.pipe`` as one batch, with
  Rasa's own text preparation.

The results are the same as message by message (same intents, topics and
confidences: ``tests/server/test_nlu_batch_server.py``).
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Dict, List, Optional

import numpy as np

Output = Dict[str, Any]
_local = threading.local()


def _row(output: Any, index: int) -> Any:
    """Row ``index`` of a batch output, shaped as the output of a batch of one."""
    if isinstance(output, np.ndarray):
        return output[index:index + 1]
    if isinstance(output, dict):
        return {key: _row(value, index) for key, value in output.items()}
    return output


def _kept() -> Dict[int, Output]:
    kept = getattr(_local, "outputs", None)
    if kept is None:
        kept = _local.outputs = {}
    return kept


def batch_outputs(component: Any, messages: List[Any]) -> Dict[int, Output]:
    """The network's output for each message of ``messages``, from one call.

    Args:
        component: A ``DIETClassifier`` (or ``ResponseSelector``) with a trained model.
        messages: The messages (Rasa ``Message``), two or more.

    Returns:
        ``id(message)`` -> its output as Rasa's ``_predict`` returns it; empty when
        the batch cannot be run at once (no network, a message without features).
    """
    if component.model is None or len(messages) < 2:
        return {}
    model_data = component._create_model_data(messages, training=False)
    if model_data.is_empty() or model_data.number_of_examples() != len(messages):
        return {}
    output = component.model.run_inference(model_data, batch_size=len(messages))
    return {id(message): _row(output, index) for index, message in enumerate(messages)}


def batched_process(original: Callable[..., List[Any]]) -> Callable[..., List[Any]]:
    """``process`` of ``DIETClassifier`` or ``ResponseSelector`` with one network call per list.

    Args:
        original: Rasa's ``process`` of that class.

    Returns:
        The replacement (same signature and result).
    """

    def process(self: Any, messages: List[Any], *args: Any, **kwargs: Any) -> List[Any]:
        kept = _kept()
        outputs = batch_outputs(self, messages)
        kept.update(outputs)
        try:
            return original(self, messages, *args, **kwargs)
        finally:
            for key in outputs:
                kept.pop(key, None)

    process.__doc__ = original.__doc__
    process.__wrapped__ = original  # type: ignore[attr-defined]
    return process


def precomputed_predict(original: Callable[..., Optional[Output]]) -> Callable[..., Optional[Output]]:
    """``DIETClassifier._predict`` that returns a message's row of the running batch, if any.

    Args:
        original: Rasa's ``_predict``.

    Returns:
        The replacement (same signature and result).
    """

    def _predict(self: Any, message: Any) -> Optional[Output]:
        output = _kept().get(id(message))
        return original(self, message) if output is None else output

    _predict.__doc__ = original.__doc__
    _predict.__wrapped__ = original  # type: ignore[attr-defined]
    return _predict


def piped_spacy_process(original: Callable[..., List[Any]]) -> Callable[..., List[Any]]:
    """``SpacyNLP.process`` with the texts of the list in one ``nlp.pipe`` batch.

    Args:
        original: Rasa's ``process`` (used for a list of one message).

    Returns:
        The replacement (same signature and result).
    """
    from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES, SPACY_DOCS

    def process(self: Any, messages: List[Any], model: Any) -> List[Any]:
        if len(messages) < 2:
            return original(self, messages, model)
        for attribute in DENSE_FEATURIZABLE_ATTRIBUTES:
            with_text = [message for message in messages if message.get(attribute)]
            texts = [self._preprocess_text(message.get(attribute)) for message in with_text]
            for message, doc in zip(with_text, model.model.pipe(texts, batch_size=max(1, len(texts))),
                                    strict=True):
                message.set(SPACY_DOCS[attribute], doc)
        return messages

    process.__doc__ = original.__doc__
    process.__wrapped__ = original  # type: ignore[attr-defined]
    return process
