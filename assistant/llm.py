"""Optional LLM mode: a model rewrites the verified draft in its own words, then is verified again.

The model sees the question, the cited sources and the default answerer's draft,
through llama-index's OpenAI-compatible client (vLLM, Ollama, llama.cpp server,
hosted Qwen/DeepSeek …). Its reply is never trusted: every figure in it goes
through the same verifier as the draft, so a model that miscopies a figure, or
obeys an instruction planted in a report, has that sentence withdrawn.
"""
from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path

from .compose import Draft

PROMPTS = Path(__file__).resolve().parent.parent / "prompts"
MAX_SOURCE_CHARS = 600


class LLM:
    def __init__(self, base_url: str, model: str, api_key: str = "none", timeout: float = 60.0):
        from llama_index.llms.openai_like import OpenAILike

        self.client = OpenAILike(model=model, api_base=base_url, api_key=api_key, is_chat_model=True,
                                 timeout=timeout, max_retries=1, temperature=0.0)

    @classmethod
    def from_env(cls) -> "LLM | None":
        """LLM_BASE_URL and LLM_MODEL select a server; without them the default answerer stands alone."""
        base, model = os.environ.get("LLM_BASE_URL"), os.environ.get("LLM_MODEL")
        if not base or not model:
            return None
        return cls(base, model, os.environ.get("LLM_API_KEY", "none"))

    def rewrite(self, question: str, draft: Draft) -> Draft:
        """The model's answer as a new draft with the same citations; the draft itself if the call fails."""
        from llama_index.core.llms import ChatMessage

        template = (PROMPTS / ("answer.en.txt" if draft.english else "answer.zh.txt")).read_text(encoding="utf-8")
        sources = "\n".join(f"[{c.n}] {c.document} {('第%s页' % c.page) if c.page else ''} "
                            f"{c.table} {c.row}：{c.text[:MAX_SOURCE_CHARS]}" for c in draft.citations)
        prompt = template.format(sources=sources, draft="".join(draft.sentences), question=question)
        try:
            reply = self.client.chat([ChatMessage(role="user", content=prompt)]).message.content or ""
        except Exception:  # an unreachable or failing model leaves the verified draft as the answer
            return draft
        # sentence ends: Chinese marks, or a full stop followed by a space (never the point in 31.13)
        sentences = [s.strip() for s in re.split(r"(?<=[。！？!?])|(?<=\.)(?=\s|$)", reply.strip()) if s.strip()]
        if not sentences:
            return draft
        return replace(draft, sentences=sentences, answers={})  # review checks its figures afresh
