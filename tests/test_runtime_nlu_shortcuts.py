"""runtime/nlu_shortcuts.py gives what Rasa's methods give: joined sparse features and response keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any, List

import numpy as np
import pytest
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.selectors.response_selector import ResponseSelector
from rasa.shared.nlu.training_data.features import Features

from runtime import nlu_shortcuts, patches

RASA_COMBINE = patches.original("Features._combine_sparse_features")
QUICK_COMBINE = nlu_shortcuts.quick_sparse_combine(RASA_COMBINE)
RASA_KEY = patches.original("ResponseSelector._resolve_intent_response_key")
KNOWN_KEY = nlu_shortcuts.known_response_keys(RASA_KEY)
DTYPES = [np.float32, np.float64, np.int64, np.int32]


def _random_coo(rng: np.random.Generator, rows: int, cols: int, dtype: Any) -> scipy.sparse.coo_matrix:
    count = int(rng.integers(0, rows * cols + 1)) if rows * cols else 0
    row = rng.integers(0, max(rows, 1), count)
    col = rng.integers(0, max(cols, 1), count)  # duplicates included, as coo allows
    data = rng.normal(size=count).astype(dtype)
    return scipy.sparse.coo_matrix((data, (row, col)), shape=(rows, cols))


def _same(got: Any, want: Any) -> None:
    assert type(got) is type(want)
    assert got.shape == want.shape and got.dtype == want.dtype
    assert got.row.dtype == want.row.dtype and got.col.dtype == want.col.dtype
    assert np.array_equal(got.data, want.data) and np.array_equal(got.row, want.row)
    assert np.array_equal(got.col, want.col)


@pytest.mark.parametrize("seed", range(40))
def test_two_coo_blocks_are_joined_as_scipy_joins_them(seed: int) -> None:
    rng = np.random.default_rng(seed)
    rows = int(rng.integers(1, 12))
    left = _random_coo(rng, rows, int(rng.integers(1, 40)), DTYPES[seed % 4])
    right = _random_coo(rng, rows, int(rng.integers(1, 40)), DTYPES[(seed // 4) % 4])
    _same(nlu_shortcuts.hstack_pair(left, right), scipy.sparse.hstack([left, right]))


def _features(matrix: Any, origin: str = "CountVectorsFeaturizer") -> Features:
    return Features(matrix, "sequence", "text", origin)


@pytest.mark.parametrize("seed", range(20))
def test_features_are_combined_as_rasa_combines_them(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    rows = int(rng.integers(1, 9))
    blocks = [_random_coo(rng, rows, int(rng.integers(1, 300)), np.float32) for _ in range(3)]
    quick, rasa = _features(blocks[0].copy()), _features(blocks[0].copy())
    for block in blocks[1:]:
        quick.fingerprint()  # a kept fingerprint must be dropped by the join
        QUICK_COMBINE(quick, _features(block))
        RASA_COMBINE(rasa, _features(block))
    _same(quick.features, rasa.features)
    assert quick.fingerprint() == rasa.fingerprint()


def test_other_formats_and_shapes_go_to_rasa() -> None:
    rng = np.random.default_rng(7)
    csr = scipy.sparse.csr_matrix(_random_coo(rng, 3, 5, np.float32))
    coo = _random_coo(rng, 3, 4, np.float32)
    empty = scipy.sparse.coo_matrix((3, 0), dtype=np.float32)
    for left, right in ((csr, coo), (coo, csr), (coo, empty), (empty, coo)):
        quick, rasa = _features(left.copy()), _features(left.copy())
        QUICK_COMBINE(quick, _features(right))
        RASA_COMBINE(rasa, _features(right))
        assert type(quick.features) is type(rasa.features)
        assert (quick.features != rasa.features).nnz == 0 and quick.features.shape == rasa.features.shape
    mismatched = _random_coo(rng, 2, 4, np.float32)
    for method in (QUICK_COMBINE, RASA_COMBINE):
        with pytest.raises(ValueError, match="sequence dimensions"):
            method(_features(coo.copy()), _features(mismatched))


def _selector(tmp_path: Path, responses: Any) -> ResponseSelector:
    selector = ResponseSelector.create(ResponseSelector.get_default_config(), LocalModelStorage(tmp_path),
                                       Resource("selector"), ExecutionContext(GraphSchema({}), "test"))
    selector.responses = responses
    return selector


RESPONSES = {
    "utter_faq/what_happened": [{"text": "Er is ingebroken."}],
    "utter_faq/which_data": [{"text": "Naam en adres."}, {"text": "Ook uw BSN."}],
    "utter_faq/letter": [{"text": "U krijgt een brief."}],
}
LABELS: List[Any] = ["faq/what_happened", "faq/which_data", "Ook uw BSN.", "U krijgt een brief.", "onbekend",
                     None, "", "faq/letter"]


def test_response_keys_are_rasas_and_resolved_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    selector = _selector(tmp_path, dict(RESPONSES))
    walks: List[int] = []
    monkeypatch.setattr(ResponseSelector, "_resolve_intent_response_key",
                        lambda self, label: walks.append(1) or RASA_KEY(self, label))
    rasa_method = ResponseSelector._resolve_intent_response_key
    known = nlu_shortcuts.known_response_keys(rasa_method)
    for _ in range(3):
        for name in LABELS:
            label = {"name": name, "id": 1, "confidence": 0.5}
            assert known(selector, label) == RASA_KEY(selector, label), name
    assert len(walks) == len(LABELS), "each name walked once by the table"
    assert {known(selector, {"name": n}) for n in LABELS} >= {"faq/what_happened", "faq/which_data", None}


def test_new_responses_start_a_new_table(tmp_path: Path) -> None:
    selector = _selector(tmp_path, dict(RESPONSES))
    assert KNOWN_KEY(selector, {"name": "Ook uw BSN."}) == "faq/which_data"
    selector.responses = {"utter_faq/other": [{"text": "Ook uw BSN."}]}
    assert KNOWN_KEY(selector, {"name": "Ook uw BSN."}) == "faq/other" == RASA_KEY(selector, {"name": "Ook uw BSN."})
    assert KNOWN_KEY(selector, {"name": ["not", "hashable"]}) == RASA_KEY(selector, {"name": ["not", "hashable"]})
