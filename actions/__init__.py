"""Custom actions of the assistant, served by the Rasa SDK action server.

The action server imports this package when it starts (``rasa run actions`` or
``python -m rasa_sdk --actions actions``). Importing it loads and checks the
guidance registry, so an invalid registry stops the server with a clear
message before the first user question. The SDK ends the process with exit
code 1 on an ``ImportError`` while it registers the package (and only then:
other errors would surface as a bare traceback), hence the conversion below.
"""

from actions.guidance import RegistryError, load_registry


class GuidanceRegistryInvalid(ImportError):
    """Raised at start-up when the guidance registry cannot be used."""


try:
    load_registry()
except RegistryError as error:
    raise GuidanceRegistryInvalid(f"The action server cannot start: {error}") from error
