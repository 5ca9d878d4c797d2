"""Sends replies to a platform's HTTP API, with a time limit on every call.

Failures are logged with the status or error type only: never the message,
the recipient or the URL (which may hold an access token).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, Optional

import aiohttp

from channels import config

logger = logging.getLogger(__name__)


class HttpSender:
    """One aiohttp session per channel, created on first use inside the server's event loop.

    Args:
        channel: Channel name, for the log.
        timeout_s: Total time per call; ``CHANNEL_HTTP_TIMEOUT_S`` when None.
        auth: Basic authentication for every call (Twilio).
    """

    def __init__(self, channel: str, timeout_s: Optional[float] = None,
                 auth: Optional[aiohttp.BasicAuth] = None) -> None:
        self.channel = channel
        self.timeout = aiohttp.ClientTimeout(total=timeout_s or config.http_timeout_s())
        self._auth = auth
        self._session: Optional[aiohttp.ClientSession] = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self.timeout, auth=self._auth)
        return self._session

    async def post(self, url: str, *, json: Optional[Dict[str, Any]] = None,
                   form: Optional[Dict[str, str]] = None, params: Optional[Dict[str, str]] = None) -> bool:
        """Posts one request.

        Args:
            url: API endpoint.
            json: JSON body.
            form: Form body (``application/x-www-form-urlencoded``).
            params: Query parameters.

        Returns:
            True when the platform answered 2xx; False on any other status,
            a timeout or a connection error (logged, never raised).
        """
        try:
            async with self._client().post(url, json=json, data=form, params=params) as answer:
                if 200 <= answer.status < 300:
                    return True
                logger.warning("channel %s: the platform answered HTTP %s", self.channel, answer.status)
        except asyncio.TimeoutError:
            logger.warning("channel %s: the platform did not answer within %.0f s",
                           self.channel, self.timeout.total or 0)
        except aiohttp.ClientError as error:
            logger.warning("channel %s: sending failed: %s", self.channel, type(error).__name__)
        return False

    async def close(self) -> None:
        """Closes the session (at server stop)."""
        if self._session is not None and not self._session.closed:
            await self._session.close()
