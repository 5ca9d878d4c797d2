"""A REST-channel client for tests: JSON posts, and one message in a conversation with an issued id and token."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Tuple
from urllib.error import HTTPError
from urllib.request import Request, urlopen

from channels.sessions import ID_HEADER, TOKEN_HEADER

# A conversation as the server issued it: (id, token).
Conversation = Tuple[str, str]


def post_json(url: str, body: Dict[str, Any], headers: Optional[Dict[str, str]] = None,
              timeout: float = 15) -> Tuple[int, Any, Any]:
    """Posts ``body`` as JSON; returns the status, the answer (JSON, else text; None on an error status), headers."""
    request = Request(url, data=json.dumps(body).encode(), method="POST",
                      headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urlopen(request, timeout=timeout) as answer:
            raw = answer.read()
            is_json = "json" in (answer.headers.get("Content-Type") or "")
            return answer.status, json.loads(raw or b"null") if is_json else raw.decode(), answer.headers
    except HTTPError as error:
        return error.code, None, error.headers


def say(base_url: str, text: str, conversation: Optional[Conversation] = None,
        timeout: float = 15) -> Tuple[List[Dict[str, Any]], Conversation]:
    """One message over the REST channel at ``base_url``; returns the answers and the conversation (id, token).

    Without ``conversation`` the server starts a new one and issues its id and token.
    """
    body: Dict[str, Any] = {"message": text}
    headers = {}
    if conversation:
        body["sender"], headers[TOKEN_HEADER] = conversation
    status, answers, answer_headers = post_json(f"{base_url}/webhooks/rest/webhook", body, headers, timeout)
    assert status == 200
    return answers, (answer_headers[ID_HEADER], answer_headers[TOKEN_HEADER])
