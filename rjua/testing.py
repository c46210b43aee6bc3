"""Tiny random language models and a stub endpoint for tests, benchmarks and smoke runs (no hub, no network).

:func:`tiny_tokenizer` trains a small byte-level BPE tokenizer on a few Chinese clinical
sentences and gives it a chat template; :func:`tiny_causal_lm` saves a random
Qwen2 (dense) or Qwen2-MoE (routed + shared experts) model with it to a folder
that ``from_pretrained`` loads like any hub model. :class:`StubEndpoint` serves OpenAI-style
chat completions on 127.0.0.1 with a fixed latency and a chosen share of failed requests.

>>> from rjua.backends import GenRequest
>>> from rjua.backends.openai import OpenAIBackend
>>> ask = GenRequest("问题7", [{"role": "user", "content": "问题7"}])
>>> with StubEndpoint(latency=0.01) as stub:
...     r = OpenAIBackend("m", base_url=stub.url).generate([ask])[0]
>>> r.text, stub.served
('诊断：肾结石\\n回答：echo 问题7', 1)
"""
from __future__ import annotations

import asyncio
import json
import random
import threading
from pathlib import Path

from .data import bundled_data_dir
from .prompts import NOT_MEDICAL_ADVICE, SYSTEM_PROMPT, USER_TEMPLATE

__all__ = ["CHAT_TEMPLATE", "StubEndpoint", "tiny_bert_tokenizer", "tiny_causal_lm", "tiny_sentence_encoder",
           "tiny_tokenizer"]

CHAT_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
_CORPUS = ("诊断：肾结石、膀胱炎、前列腺增生、尿路感染。建议：多饮水、复查B超、手术治疗、抗生素。"
           "分析：患者尿频尿急尿痛，腰痛发热。回答：您好，根据您的描述考虑左右输尿管结石伴肾积水。"
           "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ，。：；、！？（）【】[]\n ")


def tiny_tokenizer(extra_text: str = ""):
    """A small byte-level BPE tokenizer (Qwen2 style) trained on clinical text, with a chat template."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast


    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=1200, special_tokens=specials, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())

    sample = "".join(p.read_text(encoding="utf-8") for p in sorted(bundled_data_dir().glob("*.json")))
    text = [_CORPUS, SYSTEM_PROMPT, USER_TEMPLATE, NOT_MEDICAL_ADVICE, extra_text, "system user assistant", sample]
    tok.train_from_iterator(text, trainer)
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|im_end|>", pad_token="<|endoftext|>",
                                   additional_special_tokens=specials[1:])
    fast.chat_template = CHAT_TEMPLATE
    return fast


def tiny_causal_lm(out: str | Path, moe: bool = False, seed: int = 0, extra_text: str = "", hidden_size: int = 32,
                   layers: int = 2, experts: int = 4) -> Path:
    """Save a tiny random Qwen2 / Qwen2-MoE model and its tokenizer to ``out``; returns the path."""
    import torch
    from transformers import AutoModelForCausalLM, Qwen2Config, Qwen2MoeConfig

    out = Path(out)
    tok = tiny_tokenizer(extra_text)
    common = dict(vocab_size=len(tok), hidden_size=hidden_size, num_hidden_layers=layers, num_attention_heads=4,
                  num_key_value_heads=2, intermediate_size=2 * hidden_size, max_position_embeddings=4096,
                  bos_token_id=tok.eos_token_id, eos_token_id=tok.eos_token_id, pad_token_id=tok.pad_token_id,
                  tie_word_embeddings=True)
    if moe:
        cfg = Qwen2MoeConfig(**common, num_experts=experts, num_experts_per_tok=2, moe_intermediate_size=hidden_size,
                             shared_expert_intermediate_size=hidden_size, output_router_logits=False,
                             router_aux_loss_coef=1e-5, decoder_sparse_step=1)
    else:
        cfg = Qwen2Config(**common)
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_config(cfg)
    model.generation_config.eos_token_id = tok.eos_token_id
    model.generation_config.pad_token_id = tok.pad_token_id
    model.save_pretrained(out)
    tok.save_pretrained(out)
    return out


def tiny_bert_tokenizer(out: str | Path, extra_text: str = ""):
    """A character-level WordPiece (BERT) tokenizer over the sample data's characters, saved to ``out``."""
    from transformers import BertTokenizerFast


    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    text = _CORPUS + extra_text + "".join(p.read_text(encoding="utf-8") for p in bundled_data_dir().glob("*.json"))
    chars = sorted({c for c in text if not c.isspace()})
    (out / "vocab.txt").write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars]) + "\n",
                                   encoding="utf-8")
    tok = BertTokenizerFast(str(out / "vocab.txt"))
    tok.save_pretrained(out)
    return tok


def tiny_sentence_encoder(out: str | Path, seed: int = 0, dense_head: bool = False) -> Path:
    """Save a tiny random BERT sentence-transformers model (mean pooling) to ``out``; returns the path.

    ``dense_head`` adds a Dense layer after pooling (like EmbeddingGemma), which the ONNX runtime refuses.
    """
    import torch
    from sentence_transformers import SentenceTransformer, models
    from transformers import BertConfig, BertModel

    out = Path(out)
    tok = tiny_bert_tokenizer(out / "_bert")
    torch.manual_seed(seed)
    BertModel(BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=512)).save_pretrained(out / "_bert")
    body = models.Transformer(str(out / "_bert"), max_seq_length=256)
    mods = [body, models.Pooling(32, "mean")]
    if dense_head:
        mods.append(models.Dense(32, 16))
    SentenceTransformer(modules=mods, device="cpu").save(str(out))
    return out


class StubEndpoint:
    """An OpenAI-compatible ``/v1/chat/completions`` on 127.0.0.1 (asyncio, HTTP/1.1 keep-alive, own thread).

    Every reply waits ``latency`` seconds and echoes the last message (``回答：echo <text>``), so a caller can
    check each answer came back to its own request. A share ``fail_rate`` of requests (seeded) gets HTTP 503.
    ``served`` and ``failed`` count requests; ``peak`` is the most requests in flight at once.
    """

    def __init__(self, latency: float = 0.2, fail_rate: float = 0.0, seed: int = 0):
        self.latency, self.fail_rate, self._rng = latency, fail_rate, random.Random(seed)
        self.served = self.failed = self.peak = self._open = 0
        self._writers: set = set()
        self._ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="rjua-stub-endpoint", daemon=True)
        self._thread.start()
        self._ready.wait(10)
        self.url = f"http://127.0.0.1:{self.port}/v1"

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._conn, "127.0.0.1", 0, backlog=1024))
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    async def _conn(self, reader, writer) -> None:
        self._writers.add(writer)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                n = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:")), 0)
                writer.write(await self._reply(await reader.readexactly(n)))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError, asyncio.CancelledError):
            pass
        finally:
            self._writers.discard(writer)
            writer.close()

    async def _reply(self, raw: bytes) -> bytes:
        self.served += 1
        self._open += 1
        self.peak = max(self.peak, self._open)
        try:
            await asyncio.sleep(self.latency)
        finally:
            self._open -= 1
        if self._rng.random() < self.fail_rate:
            self.failed += 1
            code, body = "503 Service Unavailable", b'{"error": {"message": "stub: failed on purpose"}}'
        else:
            last = json.loads(raw)["messages"][-1]["content"]
            msg = {"choices": [{"message": {"content": f"诊断：肾结石\n回答：echo {last}"}}],
                   "usage": {"completion_tokens": 5, "prompt_tokens": len(last)}}
            code, body = "200 OK", json.dumps(msg, ensure_ascii=False).encode()
        return (f"HTTP/1.1 {code}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                "\r\n").encode() + body

    def close(self) -> None:
        async def stop():
            self._server.close()
            for w in list(self._writers):
                w.close()
            await self._server.wait_closed()
            await asyncio.sleep(0)
            self._loop.stop()

        asyncio.run_coroutine_threadsafe(stop(), self._loop)
        self._thread.join(5)
        self._loop.close()

    def __enter__(self) -> StubEndpoint:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
