"""The Rasa server's side of the action server's token: ``Authorization: Bearer $ACTION_SERVER_TOKEN``.

Rasa sends an endpoint's ``headers`` from endpoints.yml with every call, but a
``${ACTION_SERVER_TOKEN}`` there would stop every Rasa server without the
variable (tests, the web page's browser tests) from starting. So the header is
added here, to the action endpoint of each ``RemoteAction`` call over HTTP,
when the variable is set (``runtime.action_server`` checks it).
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from runtime.action_server import token


def with_token(remote_run: Callable[..., Any], expected: Optional[str] = None) -> Callable[..., Any]:
    """Wraps ``RemoteAction.run`` so that its endpoint sends the token (unchanged without one).

    Args:
        remote_run: The ``run`` that calls the action server over HTTP.
        expected: The token; ``ACTION_SERVER_TOKEN`` when None.

    Returns:
        The wrapped ``run``, or ``remote_run`` itself when there is no token.
    """
    secret = expected or token()
    if secret is None:
        return remote_run
    value = f"Bearer {secret}"

    async def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        """Adds the Authorization header to the action endpoint, then calls the action server."""
        endpoint = getattr(self, "action_endpoint", None)
        if endpoint is not None and (endpoint.headers or {}).get("Authorization") != value:
            endpoint.headers = {**(endpoint.headers or {}), "Authorization": value}
        return await remote_run(self, *args, **kwargs)

    run.__wrapped__ = remote_run  # type: ignore[attr-defined]
    return run
