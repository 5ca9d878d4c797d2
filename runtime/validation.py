"""Validates the action server's answer with a JSON-schema validator built once.

Rasa 3.6's ``RemoteAction._validate_action_result`` calls ``jsonschema.validate(result,
schema)``, which checks the schema against its meta-schema and builds a new validator
on every call: about 24 ms per custom-action call here (66 ms under the profiler,
28% of server time, see bench/results/profile.md). The replacement builds the
validator once per action class and then does what ``jsonschema.validate`` does after
its schema check: raise the best-matching ``jsonschema.ValidationError``, with the
same message suffix as Rasa adds. ``python -m bench.validation`` measures both.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Dict, Type

from jsonschema import exceptions, validators
from jsonschema.protocols import Validator


@cache
def validator_for(action_class: Type[Any]) -> Validator:
    """Returns the validator of ``action_class.action_response_format_spec()``, built once.

    The schema is checked against its meta-schema here, once (``SchemaError`` if it is
    invalid), as ``jsonschema.validate`` does on every call.

    Args:
        action_class: ``RemoteAction`` or a subclass.

    Returns:
        A validator of the class ``jsonschema.validate`` would choose for the schema.
    """
    schema = action_class.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_result(self: Any, result: Dict[str, Any]) -> bool:
    """Replaces ``RemoteAction._validate_action_result`` (Rasa 3.6): same checks, same errors.

    Args:
        self: The ``RemoteAction``.
        result: The action server's answer.

    Returns:
        True when the answer is valid.

    Raises:
        jsonschema.ValidationError: The best-matching error, as ``jsonschema.validate``
            raises it, with Rasa's hint appended to its message.
    """
    from rasa.shared.constants import DOCS_BASE_URL

    error = exceptions.best_match(validator_for(type(self)).iter_errors(result))
    if error is None:
        return True
    error.message += (
        f". Failed to validate Action server response from API, "
        f"make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error
