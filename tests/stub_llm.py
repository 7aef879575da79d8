"""A local OpenAI-compatible chat server for tests: replies from a script, records what it was sent."""
from __future__ import annotations

import time

from .stub_server import StubServer


class StubLLM(StubServer):
    """`replies` is a function from the prompt to the model's reply (so a test can play a bad model)."""

    def __init__(self, replies):
        self.replies = replies
        self.prompts: list[str] = []
        super().__init__()

    def respond(self, body: dict, headers) -> tuple[int, dict]:
        prompt = body["messages"][-1]["content"]
        self.prompts.append(prompt)
        return 200, {
            "id": "stub", "object": "chat.completion", "created": int(time.time()), "model": body["model"],
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": self.replies(prompt)}}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
