"""Loads the trained model with less memory: no training step at load, one spaCy pipeline.

Two costs of Rasa 3.6's model loading that serve no purpose in a server that only
predicts (measured on this assistant's model: a process held 978 MiB after
loading, 752 MiB with both changes; README, "Speed and memory"):

- ``RasaModel.load`` (DIET and ResponseSelector) builds each network by running one
  *training* step (``model.fit`` on one example), which creates the optimizer's
  slots and traces the whole training graph, then overwrites the weights from the
  checkpoint. ``lean_load`` builds the network by one eager prediction instead,
  restores the weights (all of the network's variables must be matched, else
  Rasa's own load runs), computes the label embeddings from them and only then
  traces the prediction function, so the trace holds the restored values.
  Predictions are the same numbers (``tests/server/test_model_load.py`` compares
  both loads on the blind test sets). Fine-tuning (``rasa train --finetune``)
  needs the optimizer and keeps Rasa's load.
- The prediction graph has two ``SpacyNLP`` nodes (NLU and Rasa's end-to-end
  featurisation of the dialogue); each loaded ``nl_core_news_sm`` again.
  ``shared_spacy_model`` loads each pipeline name once per process; both nodes only
  read it.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Dict, Optional

logger = logging.getLogger(__name__)

LoadMethod = Callable[..., Any]


class WeightsNotMatched(RuntimeError):
    """The checkpoint did not restore every variable of the network built for prediction."""


def _restore_for_prediction(model: Any, model_file_name: str, predict_data_example: Any) -> Any:
    """Builds ``model`` by an eager prediction, restores its weights, then traces its prediction.

    Args:
        model: A new, unbuilt ``RasaModel``.
        model_file_name: The checkpoint written by training.
        predict_data_example: The example Rasa keeps to trace the prediction function.

    Returns:
        The model, ready to predict.

    Raises:
        WeightsNotMatched: When a variable of the network was not in the checkpoint.
    """
    traced_eagerly = model._run_eagerly
    model._run_eagerly = True  # build every layer's variables without tracing a graph
    try:
        model.run_inference(predict_data_example)
        status = model.load_weights(model_file_name)
        try:
            status.assert_existing_objects_matched()
        except AssertionError as error:
            raise WeightsNotMatched(str(error)) from error
        status.expect_partial()  # the optimizer's slots are in the checkpoint, not needed here
        # The label embeddings were computed from the random initial weights by the
        # first prediction; compute them again from the restored ones before tracing.
        model.prepare_for_predict()
    finally:
        model._run_eagerly = traced_eagerly
    model.run_inference(predict_data_example)
    return model


def lean_load(original: LoadMethod) -> LoadMethod:
    """Wraps ``RasaModel.load`` (a classmethod's function): no training step when only predicting.

    Args:
        original: Rasa's ``RasaModel.load.__func__``.

    Returns:
        The replacement function (wrap it in ``classmethod``).
    """

    def load(cls: Any, model_file_name: str, model_data_example: Any,
             predict_data_example: Optional[Any] = None, finetune_mode: bool = False,
             *args: Any, **kwargs: Any) -> Any:
        """Loads a model for prediction without a training step; Rasa's load otherwise."""
        if finetune_mode or predict_data_example is None:
            return original(cls, model_file_name, model_data_example, predict_data_example, finetune_mode,
                            *args, **kwargs)
        try:
            return _restore_for_prediction(cls(*args, **kwargs), model_file_name, predict_data_example)
        except WeightsNotMatched as error:
            logger.warning("lean load of %s failed (%s); loading it as Rasa does", cls.__name__, error)
            return original(cls, model_file_name, model_data_example, predict_data_example, finetune_mode,
                            *args, **kwargs)

    load.__wrapped__ = original  # type: ignore[attr-defined]
    return load


def shared_spacy_model(original: Callable[[str], Any]) -> Callable[[str], Any]:
    """Wraps ``SpacyNLP.load_model``: each pipeline name is loaded once per process.

    Args:
        original: Rasa's ``SpacyNLP.load_model`` (a staticmethod's function).

    Returns:
        The replacement function (wrap it in ``staticmethod``).
    """
    loaded: Dict[str, Any] = {}

    def load_model(spacy_model_name: str) -> Any:
        """Returns the pipeline loaded before under this name, or loads it."""
        if spacy_model_name not in loaded:
            loaded[spacy_model_name] = original(spacy_model_name)
        return loaded[spacy_model_name]

    load_model.__wrapped__ = original  # type: ignore[attr-defined]
    return load_model
