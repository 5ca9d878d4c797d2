"""runtime/model_load.py without a trained model: when Rasa's own load runs, the spaCy cache, installation.

That the lean load predicts the same numbers as Rasa's load is checked on the
trained model in tests/server/test_model_load.py (``make test-server``).
"""

from __future__ import annotations

from typing import Any, List

import pytest
import tensorflow as tf

import runtime
from runtime import model_load, patches


class Network(tf.keras.Model):
    """A real Keras network with the three members of ``RasaModel`` that ``lean_load`` uses."""

    def __init__(self, units: int = 3) -> None:
        super().__init__()
        self.dense = tf.keras.layers.Dense(units)
        self.labels_from: List[float] = []
        self.predictions: List[bool] = []

    def call(self, inputs: Any) -> Any:
        return self.dense(inputs)

    def run_inference(self, example: Any) -> Any:
        """Predicts eagerly when ``_run_eagerly`` is set, else in a traced function."""
        self.predictions.append(bool(self._run_eagerly))
        return self(example) if self._run_eagerly else tf.function(self.call)(example)

    def prepare_for_predict(self) -> None:
        self.labels_from.append(float(self.dense.kernel[0, 0]))


def rasa_load(calls: List[str]):
    def load(cls, model_file_name, model_data_example, predict_data_example=None, finetune_mode=False,
             *args, **kwargs):
        calls.append(f"rasa:{finetune_mode}")
        return "loaded by rasa"

    return load


@pytest.fixture()
def checkpoint(tmp_path) -> str:
    trained = Network()
    trained(tf.ones((1, 2)))
    trained.dense.kernel.assign(tf.fill((2, 3), 0.5))
    path = str(tmp_path / "net.tf_model")
    trained.save_weights(path)
    return path


def test_lean_load_restores_the_weights_before_labels_and_the_traced_prediction(checkpoint):
    calls: List[str] = []
    model = model_load.lean_load(rasa_load(calls))(Network, checkpoint, None, tf.ones((1, 2)))
    assert calls == []  # no training step: Rasa's load did not run
    assert float(model.dense.kernel[0, 0]) == 0.5
    assert model.labels_from == [0.5]  # label embeddings computed from the restored weights
    assert model.predictions == [True, False]  # built eagerly, traced only after the restore
    assert model._run_eagerly is None


def test_a_network_the_checkpoint_does_not_match_is_loaded_by_rasa(checkpoint, caplog):
    calls: List[str] = []

    class Wider(Network):
        def __init__(self) -> None:
            super().__init__()
            self.extra = tf.keras.layers.Dense(2)

        def call(self, inputs: Any) -> Any:
            return self.extra(self.dense(inputs))

    assert model_load.lean_load(rasa_load(calls))(Wider, checkpoint, None, tf.ones((1, 2))) == "loaded by rasa"
    assert calls == ["rasa:False"]
    assert "lean load of Wider failed" in caplog.text


@pytest.mark.parametrize("finetune, example", [(True, tf.ones((1, 2))), (False, None)])
def test_fine_tuning_and_a_missing_example_keep_rasas_load(checkpoint, finetune, example):
    calls: List[str] = []
    assert model_load.lean_load(rasa_load(calls))(Network, checkpoint, None, example, finetune) == "loaded by rasa"
    assert calls == [f"rasa:{finetune}"]


def test_each_spacy_pipeline_is_loaded_once_per_name():
    loads: List[str] = []

    def load(name: str) -> object:
        loads.append(name)
        return object()

    shared = model_load.shared_spacy_model(load)
    first = shared("nl_core_news_sm")
    assert shared("nl_core_news_sm") is first
    assert shared("en_core_web_sm") is not first
    assert loads == ["nl_core_news_sm", "en_core_web_sm"]


@pytest.mark.patches
def test_install_replaces_both_loaders_once_and_keeps_rasas_own(runtime_changes):
    from rasa.nlu.utils.spacy_utils import SpacyNLP
    from rasa.utils.tensorflow.models import RasaModel

    load, spacy_load = RasaModel.load, SpacyNLP.load_model
    assert getattr(load, patches.MARKER) and getattr(spacy_load, patches.MARKER)
    assert patches.original("RasaModel.load").__module__ == "rasa.utils.tensorflow.models"
    assert patches.original("SpacyNLP.load_model").__module__ == "rasa.nlu.utils.spacy_utils"
    assert runtime.install()
    assert (RasaModel.load, SpacyNLP.load_model) == (load, spacy_load)
