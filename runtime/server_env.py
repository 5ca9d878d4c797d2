"""Environment defaults of a Rasa server process of this assistant (not of the action server).

TensorFlow's thread pools: the models here are small and a server handles one
message at a time on its event loop, so extra TensorFlow threads only wait and
switch. One thread each cut the server's CPU time per message by about 6% with
the benchmark's conversations (README, "Speed and memory"). Rasa reads these two
variables itself. They are not set for the action server: with them its memory
went from 126 to 491 MiB (Rasa's command line then seems to load TensorFlow).
"""

from __future__ import annotations

from typing import Dict, Mapping

import settings

# The defaults are in settings/catalogue.py (1 each).
SERVER_ENV_DEFAULTS: Dict[str, str] = {
    name: str(settings.setting(name).default)
    for name in ("TF_INTER_OP_PARALLELISM_THREADS", "TF_INTRA_OP_PARALLELISM_THREADS")
}


def server_env(base: Mapping[str, str]) -> Dict[str, str]:
    """Returns ``base`` with the server defaults added where ``base`` does not set them.

    Args:
        base: The environment of the process (an operator's values win).

    Returns:
        A new environment dictionary.
    """
    return {**SERVER_ENV_DEFAULTS, **base}
