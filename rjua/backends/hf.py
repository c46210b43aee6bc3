"""The ``hf`` backend: a transformers causal LM by hub id or local path.

Batched generation with left padding, the tokenizer's chat template, greedy by
default (``do_sample=True`` + ``seed`` for sampling), bf16 on CPU when the CPU has
native bf16 (AVX512-BF16 / AMX), else float32. Remote code is not trusted unless asked.
"""
from __future__ import annotations

from typing import Sequence

from ..errors import RJUAError
from . import GenRequest, GenResult


def cpu_supports_bf16() -> bool:
    """True when the CPU has native bf16 instructions (AVX512-BF16 or AMX)."""
    try:
        with open("/proc/cpuinfo") as f:
            flags = f.read()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


class HFBackend:
    name = "hf"

    def __init__(self, model: str, max_new_tokens: int = 512, batch_size: int = 4, dtype: str = "auto",
                 device: str | None = None, do_sample: bool = False, temperature: float = 0.7, top_p: float = 0.9,
                 seed: int = 0, trust_remote_code: bool = False):
        self.model = str(model)
        self.max_new_tokens, self.batch_size, self.dtype_name = max_new_tokens, batch_size, dtype
        self.device, self.do_sample, self.temperature, self.top_p = device, do_sample, temperature, top_p
        self.seed, self.trust_remote_code = seed, trust_remote_code
        self._tok = self._lm = None

    def _load(self):
        if self._lm is not None:
            return
        try:
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer
        except ImportError:
            raise RJUAError("the hf backend needs transformers and torch: pip install 'rjua[hf]'") from None
        device = self.device or ("cuda" if torch.cuda.is_available() else "cpu")
        if self.dtype_name == "auto":
            dtype = torch.bfloat16 if device != "cpu" or cpu_supports_bf16() else torch.float32
        else:
            dtype = getattr(torch, self.dtype_name)
        try:
            self._tok = AutoTokenizer.from_pretrained(self.model, trust_remote_code=self.trust_remote_code)
            self._lm = AutoModelForCausalLM.from_pretrained(self.model, dtype=dtype,
                                                            trust_remote_code=self.trust_remote_code).to(device)
        except Exception as e:
            raise RJUAError(f"cannot load model {self.model!r}: {type(e).__name__}: {str(e)[:200]}") from None
        self._lm.eval()
        self._tok.padding_side = "left"
        if self._tok.pad_token is None:
            self._tok.pad_token = self._tok.eos_token
        self._device = device

    def count_tokens(self, text: str) -> int:
        self._load()
        return len(self._tok(text, add_special_tokens=False)["input_ids"])

    def prompt(self, messages) -> str:
        self._load()
        if not getattr(self._tok, "chat_template", None):
            raise RJUAError(f"tokenizer of {self.model!r} has no chat template")
        return self._tok.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)

    def generate(self, requests: Sequence[GenRequest]) -> list[GenResult]:
        import torch

        self._load()
        out: list[GenResult] = []
        for s in range(0, len(requests), self.batch_size):
            batch = requests[s:s + self.batch_size]
            prompts = [self.prompt(r.messages) for r in batch]
            enc = self._tok(prompts, return_tensors="pt", padding=True, add_special_tokens=False).to(self._device)
            kw = {"max_new_tokens": self.max_new_tokens, "do_sample": self.do_sample,
                  "pad_token_id": self._tok.pad_token_id}
            if self.do_sample:
                torch.manual_seed(self.seed)
                kw.update(temperature=self.temperature, top_p=self.top_p)
            else:
                kw.update(temperature=None, top_p=None, top_k=None)
            with torch.inference_mode():
                gen = self._lm.generate(**enc, **kw)
            new = gen[:, enc["input_ids"].shape[1]:]
            for i in range(len(batch)):
                ids = new[i]
                n = int((ids != self._tok.pad_token_id).sum()) if self._tok.pad_token_id is not None else len(ids)
                out.append(GenResult(text=self._tok.decode(ids, skip_special_tokens=True).strip(),
                                     completion_tokens=n, prompt_tokens=int(enc["attention_mask"][i].sum())))
        return out
