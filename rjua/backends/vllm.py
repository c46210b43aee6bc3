"""The ``vllm`` backend: offline batched generation with vLLM (GPU; optional extra).

Same prompts and parsing as ``hf``. For a server instead, run
``vllm serve MODEL`` and use the ``openai`` backend with ``--base-url http://127.0.0.1:8000/v1``.
"""
from __future__ import annotations

from typing import Sequence

from ..errors import RJUAError
from . import GenRequest, GenResult

__all__ = ["VLLMBackend"]


class VLLMBackend:
    name = "vllm"

    def __init__(self, model: str, max_new_tokens: int = 512, temperature: float = 0.0, seed: int = 0,
                 trust_remote_code: bool = False, **engine_kw):
        self.model, self.max_new_tokens, self.temperature, self.seed = str(model), max_new_tokens, temperature, seed
        self.trust_remote_code, self.engine_kw = trust_remote_code, engine_kw
        self._llm = None

    def _load(self):
        if self._llm is not None:
            return
        try:
            import vllm
        except ImportError:
            raise RJUAError("the vllm backend needs vLLM and a GPU: pip install 'rjua[vllm]'"
                            " (or use --backend hf on CPU)") from None
        try:
            import torch
            has_gpu = torch.cuda.is_available()
        except ImportError:
            has_gpu = False
        if not has_gpu:
            raise RJUAError("the vllm backend needs a CUDA GPU; none is visible (use --backend hf on CPU)")
        self._vllm = vllm
        self._llm = vllm.LLM(self.model, trust_remote_code=self.trust_remote_code, seed=self.seed, **self.engine_kw)

    def count_tokens(self, text: str) -> int:
        self._load()
        return len(self._llm.get_tokenizer().encode(text, add_special_tokens=False))

    def generate(self, requests: Sequence[GenRequest]) -> list[GenResult]:
        self._load()
        params = self._vllm.SamplingParams(temperature=self.temperature, max_tokens=self.max_new_tokens,
                                           seed=self.seed)
        outs = self._llm.chat([r.messages for r in requests], params, use_tqdm=False)
        return [GenResult(text=o.outputs[0].text.strip(), completion_tokens=len(o.outputs[0].token_ids),
                          prompt_tokens=len(o.prompt_token_ids or [])) for o in outs]
