"""Tiny random language models for tests and smoke runs (no hub, no download).

:func:`tiny_tokenizer` trains a small byte-level BPE tokenizer on a few Chinese clinical
sentences and gives it a chat template; :func:`tiny_causal_lm` saves a random
Qwen2 (dense) or Qwen2-MoE (routed + shared experts) model with it to a folder
that ``from_pretrained`` loads like any hub model.
"""
from __future__ import annotations

from pathlib import Path

__all__ = ["CHAT_TEMPLATE", "tiny_bert_tokenizer", "tiny_causal_lm", "tiny_sentence_encoder", "tiny_tokenizer"]

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

    from .prompts import NOT_MEDICAL_ADVICE, SYSTEM_PROMPT, USER_TEMPLATE

    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=1200, special_tokens=specials, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    from .data import bundled_data_dir

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

    from .data import bundled_data_dir

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
