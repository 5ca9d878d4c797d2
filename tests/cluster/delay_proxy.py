"""A proxy between the Rasa instances and the action server that can make one conversation's actions slow.

It runs in a thread of the test process. ``slow_senders`` maps a conversation
id to a delay in seconds; calls for other conversations pass at once.
"""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Dict, Optional

import aiohttp
from aiohttp import web


class DelayProxy:
    """Forwards ``POST /webhook`` (and ``GET /health``) to the action server, delaying chosen conversations.

    Args:
        port: Port to listen on (127.0.0.1).
        target_port: Port of the real action server.
    """

    def __init__(self, port: int, target_port: int) -> None:
        self.port = port
        self.target = f"http://127.0.0.1:{target_port}"
        self.slow_senders: Dict[str, float] = {}
        self.delayed: Dict[str, int] = {}
        self.calls: Dict[str, int] = {}
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._runner: Optional[web.AppRunner] = None
        self._thread: Optional[threading.Thread] = None
        self._started = threading.Event()

    async def _forward(self, request: web.Request) -> web.Response:
        body = await request.read()
        if request.method == "POST":
            sender = json.loads(body or b"{}").get("sender_id", "")
            self.calls[sender] = self.calls.get(sender, 0) + 1
            delay = self.slow_senders.get(sender)
            if delay:
                self.delayed[sender] = self.delayed.get(sender, 0) + 1
                await asyncio.sleep(delay)
        headers = {"Content-Type": "application/json"}
        if "Authorization" in request.headers:  # the action server's token (runtime.action_token)
            headers["Authorization"] = request.headers["Authorization"]
        async with aiohttp.ClientSession() as session:
            async with session.request(request.method, self.target + request.path, data=body,
                                       headers=headers) as answer:
                return web.Response(status=answer.status, body=await answer.read(),
                                    content_type=answer.content_type)

    def _run(self) -> None:
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._forward)
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=1.0)
        self._loop.run_until_complete(self._runner.setup())
        self._loop.run_until_complete(web.TCPSite(self._runner, "127.0.0.1", self.port).start())
        self._started.set()
        self._loop.run_forever()
        pending = [task for task in asyncio.all_tasks(self._loop) if not task.done()]
        for task in pending:  # requests still held back
            task.cancel()
        self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        self._loop.run_until_complete(self._runner.cleanup())
        self._loop.close()

    def start(self) -> DelayProxy:
        """Starts the proxy thread."""
        self._thread = threading.Thread(target=self._run, name="delay-proxy", daemon=True)
        self._thread.start()
        if not self._started.wait(10):
            raise RuntimeError("delay proxy did not start")
        return self

    def stop(self) -> None:
        """Stops the proxy thread."""
        if self._loop is not None and self._thread is not None and self._runner is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(15)
