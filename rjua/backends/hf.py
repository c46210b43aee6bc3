"""The ``hf`` backend: a transformers causal LM by hub id or local path.

Batched generation with left padding, the tokenizer's chat template, greedy by
default (``do_sample=True`` + ``seed`` for sampling). ``dtype="auto"``: bf16 on a GPU, on CPU
bf16 only when the CPU has native bf16 *and* it is measurably faster here, else float32
(:func:`rjua.modeling.resolve_dtype`). Any rjua checkpoint loads by its folder, LoRA
adapters included (:mod:`rjua.handover`). Remote code is not trusted unless asked.

Generation stops at any end token of the model (``<|im_end|>``, ``<|endoftext|>``, the
generation config's), at a ``stop`` string, and when the last ``repeat_ngram`` tokens have
already occurred ``repeat_times`` times in the completion (a loop); the looping tail is cut.

>>> import torch
>>> g = RepetitionStop(start=0, n=2, times=3)
>>> g(torch.tensor([[1, 2, 1, 2, 1, 2], [1, 2, 3, 4, 5, 6]]), None).tolist()
[True, False]
>>> cut_repetition("建议：多饮水、多饮水、多饮水、多饮水、多饮水", 4, 3)
'建议：多饮水、多饮水'
"""
from __future__ import annotations

from collections.abc import Sequence

from ..errors import RJUAError
from ..handover import loadable_model
from ..modeling import resolve_dtype
from . import GenRequest, GenResult

__all__ = ["HFBackend", "RepetitionStop", "cut_repetition"]


class RepetitionStop:
    """Stopping criterion: a row stops once its last ``n`` generated tokens occurred ``times`` times."""

    def __init__(self, start: int, n: int = 12, times: int = 3):
        self.start, self.n, self.times = start, n, times

    def __call__(self, input_ids, scores, **kw):
        import torch

        gen = input_ids[:, self.start:]
        done = torch.zeros(gen.size(0), dtype=torch.bool, device=input_ids.device)
        if gen.size(1) < self.n * self.times:
            return done
        wins = gen.unfold(1, self.n, 1)  # (batch, windows, n)
        hits = (wins == gen[:, -self.n:].unsqueeze(1)).all(-1).sum(-1)
        return hits >= self.times


def cut_repetition(text: str, n: int = 8, times: int = 3) -> str:
    """Cut a looping tail: when the last ``n`` characters occur ``times`` times, keep up to their first occurrence."""
    if len(text) < n * times:
        return text
    tail = text[-n:]
    if text.count(tail) < times:
        return text
    return text[:text.find(tail) + n]  # keep the repeated unit once


class HFBackend:
    name = "hf"

    def __init__(self, model: str, max_new_tokens: int = 512, batch_size: int = 4, dtype: str = "auto",
                 device: str | None = None, do_sample: bool = False, temperature: float = 0.7, top_p: float = 0.9,
                 seed: int = 0, trust_remote_code: bool = False, stop: Sequence[str] = (),
                 repeat_ngram: int = 12, repeat_times: int = 3, repetition_penalty: float = 1.0):
        self.model = str(model)
        self.max_new_tokens, self.batch_size, self.dtype_name = max_new_tokens, batch_size, dtype
        self.device, self.do_sample, self.temperature, self.top_p = device, do_sample, temperature, top_p
        self.seed, self.trust_remote_code = seed, trust_remote_code
        self.stop, self.repeat_ngram, self.repeat_times = tuple(stop), repeat_ngram, repeat_times
        self.repetition_penalty = repetition_penalty
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
        dtype = resolve_dtype(self.dtype_name, device)
        try:
            path = loadable_model(self.model, dtype)
            self._tok = AutoTokenizer.from_pretrained(path, trust_remote_code=self.trust_remote_code)
            self._lm = AutoModelForCausalLM.from_pretrained(path, dtype=dtype,
                                                            trust_remote_code=self.trust_remote_code).to(device)
        except RJUAError:
            raise
        except Exception as e:
            raise RJUAError(f"cannot load model {self.model!r}: {type(e).__name__}: {str(e)[:200]}") from None
        self._lm.eval()
        self._tok.padding_side = "left"
        if self._tok.pad_token is None:
            self._tok.pad_token = self._tok.eos_token
        self._device = device
        eos = getattr(self._lm.generation_config, "eos_token_id", None)
        eos = list(eos) if isinstance(eos, (list, tuple)) else [eos] if eos is not None else []
        for t in ("<|im_end|>", "<|endoftext|>", self._tok.eos_token):
            tid = self._tok.convert_tokens_to_ids(t) if t else None
            if isinstance(tid, int) and tid != self._tok.unk_token_id and tid not in eos:
                eos.append(tid)
        self._eos = eos

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
            from transformers import StoppingCriteriaList

            kw = {"max_new_tokens": self.max_new_tokens, "do_sample": self.do_sample,
                  "pad_token_id": self._tok.pad_token_id, "eos_token_id": self._eos,
                  "repetition_penalty": self.repetition_penalty,
                  "stopping_criteria": StoppingCriteriaList(
                      [RepetitionStop(enc["input_ids"].shape[1], self.repeat_ngram, self.repeat_times)])}
            if self.stop:
                kw.update(stop_strings=list(self.stop), tokenizer=self._tok)
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
                text = self._tok.decode(ids, skip_special_tokens=True)
                for s_ in self.stop:
                    text = text.split(s_, 1)[0]
                text = cut_repetition(text.strip())
                out.append(GenResult(text=text, completion_tokens=n,
                                     prompt_tokens=int(enc["attention_mask"][i].sum())))
        return out
