"""Pack C3PO's selected responses into one row with shared prompt prefixes.

After the token-budget selection, the update only needs the Φ selected completion tokens
and the prompts they condition on. A padded batch recomputes a prompt once per kept
response and pads every row to the longest one, so the update's cost follows how many
responses were kept. Packing instead lays out, in a single row,

    [prefix of prompt 1][prefix of prompt 2]...[last prompt token + selected tokens of response 1]...

where a prefix is a prompt's real tokens but its last one, stored **once** however many of
its K responses were kept. A block attention mask lets each response segment see its own
prompt's prefix and, causally, itself; prefixes see only themselves. Position ids are the
columns the tokens had in the padded batch, so log-probabilities equal those of the padded
forward (TRL computes the old / reference log-probs that way). The row holds
Σ (prompt tokens − 1) over the prompts used + one token per kept response + Φ tokens.

>>> import torch
>>> ids = torch.tensor([[0, 5, 6, 7, 8], [0, 5, 6, 9, 0]])      # prompt = 3 columns, pad id 0 (left pad)
>>> am = torch.tensor([[0, 1, 1, 1, 1], [0, 1, 1, 1, 0]])
>>> sel = torch.tensor([[1, 1], [1, 0]])
>>> p = pack_selected(ids, am, 2, sel)
>>> p.input_ids.tolist(), p.position_ids.tolist()
([[5, 6, 7, 8, 6, 9]], [[1, 2, 3, 4, 2, 3]])
>>> p.labels.tolist()
[[-100, -100, 7, 8, -100, 9]]
>>> (p.attention_mask[0, 0] == 0).int().tolist()[5]   # response 2's last token sees the prefix and its segment
[1, 0, 0, 0, 1, 1]
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

__all__ = ["Packed", "pack_selected", "unpack"]


@dataclass
class Packed:
    input_ids: torch.Tensor      # (1, L)
    position_ids: torch.Tensor   # (1, L) columns in the padded batch
    attention_mask: torch.Tensor  # (1, 1, L, L) additive float mask (0 = attend)
    labels: torch.Tensor         # (1, L) selected completion tokens, -100 elsewhere
    rows: torch.Tensor           # (n,) padded-batch row of each labelled token
    cols: torch.Tensor           # (n,) completion column of each labelled token
    where: torch.Tensor          # (n,) index in the row of each labelled token


def pack_selected(input_ids: torch.Tensor, attention_mask: torch.Tensor, logits_to_keep: int,
                  sel: torch.Tensor, dtype: torch.dtype = torch.float32) -> Packed:
    """Pack the selected tokens (``sel``, a prefix of each row's completion) of a left-padded batch."""
    n_rows, width = input_ids.shape
    p = width - logits_to_keep
    prompts = input_ids[:, :p]
    uniq, inverse = torch.unique(prompts, dim=0, return_inverse=True)
    n_sel = sel.sum(1).tolist()
    tokens, real_cols = input_ids.tolist(), attention_mask[:, :p].tolist()
    inv = inverse.tolist()
    ids, pos, seg, owner, labels, rows, cols, where = [], [], [], [], [], [], [], []
    prefix_seg: dict[int, int] = {}
    for u in sorted({inv[i] for i in range(n_rows) if n_sel[i] > 0}):
        row = inv.index(u)
        real = [c for c in range(p) if real_cols[row][c]][:-1]  # real prompt columns but the last
        prefix_seg[u] = len(prefix_seg)
        for c in real:
            ids.append(tokens[row][c])
            pos.append(c)
            seg.append(prefix_seg[u])
            owner.append(-1)
            labels.append(-100)
    n_prefix = len(prefix_seg)
    for i in range(n_rows):
        if n_sel[i] == 0:
            continue
        s = n_prefix + i
        ids.append(tokens[i][p - 1])
        pos.append(p - 1)
        seg.append(s)
        owner.append(prefix_seg[inv[i]])
        labels.append(-100)
        for k in range(int(n_sel[i])):
            tok = tokens[i][p + k]
            rows.append(i)
            cols.append(k)
            where.append(len(ids))
            ids.append(tok)
            pos.append(p + k)
            seg.append(s)
            owner.append(prefix_seg[inv[i]])
            labels.append(tok)
    dev = input_ids.device
    seg_t, owner_t = torch.tensor(seg, device=dev), torch.tensor(owner, device=dev)
    idx = torch.arange(len(ids), device=dev)
    causal_same = (seg_t[:, None] == seg_t[None, :]) & (idx[None, :] <= idx[:, None])
    own_prefix = (owner_t[:, None] >= 0) & (owner_t[None, :] == -1) & (seg_t[None, :] == owner_t[:, None])
    allowed = causal_same | own_prefix
    mask = torch.zeros(allowed.shape, dtype=dtype, device=dev).masked_fill(~allowed, torch.finfo(dtype).min)
    as_row = lambda xs: torch.tensor(xs, device=dev, dtype=torch.long)[None]  # noqa: E731
    return Packed(as_row(ids), as_row(pos), mask[None, None], as_row(labels), torch.tensor(rows, device=dev),
                  torch.tensor(cols, device=dev), torch.tensor(where, device=dev))


def unpack(values: torch.Tensor, packed: Packed, shape: tuple[int, int], fill: torch.Tensor | None = None):
    """Per-token values of the packed row (aligned with labels shifted by one, as a causal LM's log-probs are)
    back into the padded ``shape``; other positions get ``fill`` (or 0)."""
    out = fill.detach().clone().to(values.dtype) if fill is not None else values.new_zeros(shape)
    return out.index_put((packed.rows, packed.cols), values[0, packed.where - 1])
