"""The multi-scenario Transformer scorer.

One forward pass scores K candidates for each of B users:

1. Sequence tokens: item + category + action + scenario + age + dwell + position embeddings (padding
   id 0 -> zero vector), LayerNorm.
2. A learned user token, Linear(user_dense) + embedding(request scenario), LayerNorm, is prepended, so
   every row has at least one unmasked key even when the user's sequence is empty.
3. A TransformerEncoder runs ONCE per user over [user token, sequence] with a key padding mask
   (seq_item == 0; the user token is never masked).
4. Candidate tokens: item emb + category emb + Linear(cand_dense) (item/category tables shared with the
   sequence).
5. Target attention: each candidate queries the encoded [user token, sequence] with explicit q/k/v
   projections, scaled dot product, padded keys masked, softmax.
6. Optional (``seq_aggregates``): the count and recency of the candidate's item in the sequence, the
   count and recency of its category and its counts in the last RECENT, in the request scenario and
   stronger than a click, and the history length, computed in the graph from the sequence inputs (so the
   job's inputs do not change and training and serving share them by construction), log-scaled and
   standardized; appended to cand_dense.
7. Optional (``item_bias``): a learned scalar per item bucket (the item's own click propensity, which a
   32-wide embedding read through the MLP learns slowly), an input of the last STAR layer so that the
   per-scenario calibration scales it with the rest of the logit.
8. Per candidate concat(attended, candidate token, encoded user token, attended * candidate token,
   cand_dense) goes through a STAR-style scenario-aware MLP (64 -> 32 -> 1, ReLU) whose layer weights
   are W_shared * W_scenario[s] with biases b_shared + b_scenario[s], then a sigmoid.
"""

from __future__ import annotations

import hashlib
import math
import os
from typing import Any, Dict

import torch
from torch import nn

from .spec import FeatureSpec, spec_from_dict

#: Softmax inputs are shifted so that the row's largest unmasked logit is 0, and then floored here; padded
#: keys get exactly this value. Why not -inf or -1e9: ONNX Runtime's vectorized exp clamps its input near
#: -88 and returns a subnormal float there, and every later operation on subnormals takes a microcode assist
#: on x86 (~100 cycles): users with short histories (mostly padding) cost 40 % more per call. The
#: session option set_denormal_as_zero only reaches the thread that created the session, not the job's
#: task threads. exp(-30) = 9e-14 keeps every weight and product in the normal range, and the weight left
#: on padded keys (< 51 * 9e-14 of the row) is far below float32 resolution.
MASK_FLOOR = -30.0

#: Action ids above this one (fs-1: UNKNOWN, IMPRESSION, CLICK, LIKE, ...) are engagements stronger than a click.
CLICK_ACTION = 2
#: The sequence's first RECENT positions (most recent first) count as "recent" for the aggregates.
RECENT = 5
#: Names of the in-graph sequence aggregates, in their column order.
SEQUENCE_AGGREGATES = (
    "history_length",         # engagements in the sequence
    "repeat_item",            # times the candidate item is in the sequence
    "repeat_item_recency",    # 1 / (1 + position of its most recent occurrence), 0 if absent
    "category_count",         # engagements in the candidate's category
    "category_recency",       # 1 / (1 + position of the most recent engagement in the category), 0 if absent
    "category_recent_count",  # engagements in the category among the last RECENT
    "category_in_scenario",   # engagements in the category made in the request's scenario
    "category_strong",        # engagements in the category stronger than a click
)


def sequence_aggregates(seq_item, seq_category, seq_action, seq_scenario, scenario, cand_item, cand_category):
    """[B, K, len(SEQUENCE_AGGREGATES)] float: per candidate, how the user's sequence ([B, L], position 0
    the most recent, id 0 padding) matches it. Counts are log1p-scaled, recencies are 1 / (1 + position of
    the most recent match) or 0 (the category's share of the history is already a candidate input).

    The category counts are one batched product of the [B, K, L] match matrix with per-position weights
    [B, L, 4] (a real engagement, recent, in the request scenario, stronger than a click) rather than four
    masked sums: the same integers (sums of 0/1 in float32 are exact), a third of the passes over the match
    matrix in the exported graph. Padded positions weigh 0, so a padding id matching a candidate counts
    nothing."""
    real = (seq_item != 0).to(torch.float32)                                          # [B, L]
    length = seq_item.shape[1]
    position = torch.arange(length, device=seq_item.device)
    inverse_position = (1.0 / (1.0 + position.to(torch.float32))).unsqueeze(0)        # [1, L]
    recent = (position < RECENT).to(torch.float32).unsqueeze(0)
    in_scenario = (seq_scenario == scenario.unsqueeze(1)).to(torch.float32)
    strong = (seq_action > CLICK_ACTION).to(torch.float32)
    weights = torch.stack([real, real * recent, real * in_scenario, real * strong], dim=-1)   # [B, L, 4]
    recency = (real * inverse_position).unsqueeze(1)                                  # [B, 1, L]
    same_item = (seq_item.unsqueeze(1) == cand_item.unsqueeze(2)).to(torch.float32)  # [B, K, L]
    same_cat = (seq_category.unsqueeze(1) == cand_category.unsqueeze(2)).to(torch.float32)
    item_count = torch.matmul(same_item, real.unsqueeze(-1))                          # [B, K, 1]
    category = torch.matmul(same_cat, weights)                                        # [B, K, 4]
    history = real.sum(dim=-1).reshape(-1, 1, 1).expand(-1, cand_item.shape[1], 1)   # [B, K, 1]
    return torch.cat([torch.log1p(history),
                      torch.log1p(item_count),
                      (same_item * recency).amax(dim=-1, keepdim=True),
                      torch.log1p(category[..., 0:1]),
                      (same_cat * recency).amax(dim=-1, keepdim=True),
                      torch.log1p(category[..., 1:4])], dim=-1)


def masked_softmax(logits: torch.Tensor, pad: torch.Tensor) -> torch.Tensor:
    """Softmax over the last axis with keys where ``pad`` is True masked; no input of the exp underflows.

    ``pad`` broadcasts against ``logits``; every row must keep at least one unmasked key. The mask is added
    (-1e9 on padded keys) rather than filled: the same values (padded keys end at MASK_FLOOR through the
    clamp, unmasked logits are unchanged by adding 0), but one broadcast Add in the exported graph where two
    masked_fill ops became Where nodes over the whole [B, heads, T, T] and [B, K, T] tensors (13 % of an
    ONNX Runtime call of the shipped model)."""
    bias = pad.to(logits.dtype) * -1e9
    shifted = logits + bias
    top = shifted.amax(dim=-1, keepdim=True)
    return torch.softmax(torch.clamp(shifted - top, min=MASK_FLOOR), dim=-1)


class StarLinear(nn.Module):
    """A linear layer shared by all scenarios and modulated per scenario (STAR, Sheng et al. 2021):
    y = x (W_shared * W_s)^T + b_shared + b_s for the request scenario s.

    Two formulations of the same function. Training (K = 1 candidate per row) computes every scenario's
    output with one matmul and keeps the request scenario's: one large GEMM. Serving (``per_request``, set
    by ``InterestModel.serving()`` for export) gathers each request's weight matrix and multiplies its K
    candidates by it: a quarter of the multiply-adds (four scenario rows, three used) and no select, which
    made the whole exported model 1.65x faster in Java ONNX Runtime at batch 32, K 90. A [B, out, in] weight
    gather per call costs little next to B * K rows; at K = 1 it would cost more than it saves."""

    def __init__(self, in_features: int, out_features: int, scenarios: int):
        super().__init__()
        self.weight_shared = nn.Parameter(torch.empty(out_features, in_features))
        self.bias_shared = nn.Parameter(torch.zeros(out_features))
        self.weight_scenario = nn.Parameter(torch.ones(scenarios, out_features, in_features))
        self.bias_scenario = nn.Parameter(torch.zeros(scenarios, out_features))
        nn.init.kaiming_uniform_(self.weight_shared, a=math.sqrt(5))
        bound = 1.0 / math.sqrt(in_features)
        nn.init.uniform_(self.bias_shared, -bound, bound)
        self.register_buffer("select", torch.eye(scenarios), persistent=False)
        self.per_request = False

    def forward(self, x: torch.Tensor, scenario: torch.Tensor) -> torch.Tensor:
        # x [B, K, in], scenario [B] int64.
        b = self.bias_shared.unsqueeze(0) + self.bias_scenario[scenario]           # [B, out]
        if self.per_request:
            w = (self.weight_shared.unsqueeze(0) * self.weight_scenario)[scenario]   # [B, out, in]
            return torch.matmul(x, w.transpose(1, 2)) + b.unsqueeze(1)
        scenarios, out_f, in_f = self.weight_scenario.shape
        w = (self.weight_shared.unsqueeze(0) * self.weight_scenario).reshape(scenarios * out_f, in_f)
        y = torch.matmul(x, w.t())                                                 # [B, K, S*out]
        y = y.reshape(y.shape[0], y.shape[1], scenarios, out_f)
        select = self.select[scenario].unsqueeze(1).unsqueeze(-1)                  # [B, 1, S, 1]
        return (y * select).sum(dim=2) + b.unsqueeze(1)


class InterestModel(nn.Module):
    def __init__(self, spec: FeatureSpec, d_model: int = 32, heads: int = 4, layers: int = 2, ff: int = 64,
                 dropout: float = 0.1, attn_dropout: float = 0.0, sum_pool: bool = False,
                 dense_norm: bool = False, seq_aggregates: bool = False, item_bias: bool = False):
        super().__init__()
        if d_model % heads != 0:
            raise ValueError(f"d_model={d_model} must be divisible by heads={heads}")
        self.spec = spec
        self.config: Dict[str, Any] = dict(d_model=d_model, heads=heads, layers=layers, ff=ff, dropout=dropout,
                                             attn_dropout=attn_dropout)
        if sum_pool:
            self.config["sum_pool"] = True
        self.sum_pool = sum_pool
        # Standardizes the dense inputs inside the graph ((x - mean) / sd, statistics of the train split set
        # by set_dense_norm), so the job keeps sending raw fs-1 features. Without it the log-count inputs
        # (several units) dwarf the [0, 1] affinity and shares, the features that rank best alone, and one
        # epoch does not undo that.
        self.dense_norm = dense_norm
        if dense_norm:
            self.config["dense_norm"] = True
            self.register_buffer("user_dense_mean", torch.zeros(spec.user_dense_dim))
            self.register_buffer("user_dense_sd", torch.ones(spec.user_dense_dim))
            self.register_buffer("cand_dense_mean", torch.zeros(spec.candidate_dense_dim))
            self.register_buffer("cand_dense_sd", torch.ones(spec.candidate_dense_dim))
        # Count-aware inputs (see sequence_aggregates): attention pools the sequence into a weighted mean, which
        # keeps which categories a user engages with but loses how often, the signal trees rank best with.
        self.seq_aggregates = seq_aggregates
        aggregates = len(SEQUENCE_AGGREGATES) if seq_aggregates else 0
        if seq_aggregates:
            self.config["seq_aggregates"] = True
            self.register_buffer("aggregate_mean", torch.zeros(aggregates))
            self.register_buffer("aggregate_sd", torch.ones(aggregates))
        cand_dense_dim = spec.candidate_dense_dim + aggregates
        d = d_model
        L = spec.sequence_length
        self.item_emb = nn.Embedding(spec.item_buckets, d, padding_idx=0)
        self.category_emb = nn.Embedding(spec.category_buckets, d, padding_idx=0)
        self.action_emb = nn.Embedding(spec.action_count, d, padding_idx=0)
        self.seq_scenario_emb = nn.Embedding(spec.scenario_count, d, padding_idx=0)
        self.age_emb = nn.Embedding(spec.age_buckets, d, padding_idx=0)
        self.dwell_emb = nn.Embedding(spec.dwell_buckets, d, padding_idx=0)
        self.position_emb = nn.Parameter(torch.zeros(1, L, d))
        self.seq_norm = nn.LayerNorm(d)

        self.user_dense = nn.Linear(spec.user_dense_dim, d)
        self.request_scenario_emb = nn.Embedding(spec.scenario_count, d)
        self.user_norm = nn.LayerNorm(d)

        layer = nn.TransformerEncoderLayer(d, heads, dim_feedforward=ff, dropout=dropout, batch_first=True)
        # Dropout on the attention weights is costly on CPU (a [B*heads, L, L] mask per layer); it is off
        # by default, dropout stays on the residual, feed-forward and MLP paths.
        layer.self_attn.dropout = attn_dropout
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)

        self.cand_dense = nn.Linear(cand_dense_dim, d)
        self.q = nn.Linear(d, d)
        self.k = nn.Linear(d, d)
        self.v = nn.Linear(d, d)
        self.scale = 1.0 / math.sqrt(d)

        mlp_in = 4 * d + cand_dense_dim + (d if sum_pool else 0)
        if sum_pool:  # DIN-style unnormalized attention: sum_j sigmoid(logit_j + b) v_j / L keeps the intensity
            self.sum_bias = nn.Parameter(torch.full((1,), -2.0))
        self.star1 = StarLinear(mlp_in, 64, spec.scenario_count)
        self.star2 = StarLinear(64, 32, spec.scenario_count)
        self.item_bias = nn.Embedding(spec.item_buckets, 1, padding_idx=0) if item_bias else None
        if item_bias:
            self.config["item_bias"] = True
            nn.init.zeros_(self.item_bias.weight)  # unseen items: no bias
        self.star3 = StarLinear(32 + (1 if item_bias else 0), 1, spec.scenario_count)
        self.mlp_dropout = nn.Dropout(dropout)

        nn.init.normal_(self.item_emb.weight, std=0.01)  # ids never seen in training stay near zero
        with torch.no_grad():
            self.item_emb.weight[0].zero_()
        for emb in (self.category_emb, self.action_emb, self.seq_scenario_emb, self.age_emb,
                    self.dwell_emb, self.request_scenario_emb):
            nn.init.normal_(emb.weight, std=0.1)
            if emb.padding_idx is not None:
                with torch.no_grad():
                    emb.weight[emb.padding_idx].zero_()
        nn.init.normal_(self.position_emb, std=0.02)

    def set_dense_norm(self, user_dense: torch.Tensor, cand_dense: torch.Tensor) -> None:
        """Sets the standardization of the dense inputs from example rows ([N, U] and [N, K, C]); an input
        with (almost) no spread keeps sd 1."""
        if not self.dense_norm:
            raise ValueError("model built without dense_norm")
        with torch.no_grad():
            for x, mean, sd in ((user_dense.float().reshape(-1, user_dense.shape[-1]), self.user_dense_mean,
                                 self.user_dense_sd),
                                (cand_dense.float().reshape(-1, cand_dense.shape[-1]), self.cand_dense_mean,
                                 self.cand_dense_sd)):
                mean.copy_(x.mean(dim=0))
                s = x.std(dim=0, unbiased=False)
                sd.copy_(torch.where(s > 1e-6, s, torch.ones_like(s)))

    @torch.no_grad()
    def set_aggregate_norm(self, inputs) -> None:
        """Sets the standardization of the sequence aggregates from example rows (a dict of model inputs,
        the sequence ones [N, L], candidates [N, K]); a column with (almost) no spread keeps sd 1."""
        if not self.seq_aggregates:
            raise ValueError("model built without seq_aggregates")
        rows = []
        n = inputs["seq_item"].shape[0]
        for start in range(0, n, 8192):
            part = {k: torch.as_tensor(v[start:start + 8192]).long() for k, v in inputs.items()}
            rows.append(sequence_aggregates(part["seq_item"], part["seq_category"], part["seq_action"],
                                            part["seq_scenario"], part["scenario"], part["cand_item"],
                                            part["cand_category"]).reshape(-1, len(SEQUENCE_AGGREGATES)))
        x = torch.cat(rows)
        self.aggregate_mean.copy_(x.mean(dim=0))
        s = x.std(dim=0, unbiased=False)
        self.aggregate_sd.copy_(torch.where(s > 1e-6, s, torch.ones_like(s)))

    # -- parts, also used by tests ---------------------------------------------------------------
    def serving(self, on: bool = True) -> "InterestModel":
        """Switches the STAR layers to their serving formulation (per-request weights; see StarLinear), the
        one to export: same outputs, faster at K candidates per user. Returns self."""
        for m in self.modules():
            if isinstance(m, StarLinear):
                m.per_request = on
        return self

    def encode_user(self, seq_item, seq_category, seq_action, seq_scenario, seq_age, seq_dwell, user_dense,
                    scenario):
        """Returns (encoded [B, 1+L, d], key padding mask [B, 1+L] bool, True = padded)."""
        tokens = (self.item_emb(seq_item) + self.category_emb(seq_category) + self.action_emb(seq_action)
                  + self.seq_scenario_emb(seq_scenario) + self.age_emb(seq_age) + self.dwell_emb(seq_dwell)
                  + self.position_emb[:, :seq_item.shape[1]])
        tokens = self.seq_norm(tokens)
        user = self.user_norm(self.user_dense(user_dense) + self.request_scenario_emb(scenario)).unsqueeze(1)
        x = torch.cat([user, tokens], dim=1)
        pad = torch.cat([torch.zeros_like(seq_item[:, :1], dtype=torch.bool), seq_item == 0], dim=1)
        for layer in self.encoder.layers:
            x = self._encoder_layer(layer, x, pad)
        return x, pad

    def _encoder_layer(self, layer: nn.TransformerEncoderLayer, x: torch.Tensor, pad: torch.Tensor) -> torch.Tensor:
        """nn.TransformerEncoderLayer's post-norm ReLU forward (its parameters, its dropouts) with the
        attention softmax of ``masked_softmax`` instead of a -inf key mask (see MASK_FLOOR). Parameters and
        checkpoints are those of nn.TransformerEncoder; tests check the two agree."""
        attn = layer.self_attn
        b, t, d = x.shape
        h = attn.num_heads
        q, k, v = nn.functional.linear(x, attn.in_proj_weight, attn.in_proj_bias).chunk(3, dim=-1)
        q, k, v = (z.reshape(b, t, h, d // h).transpose(1, 2) for z in (q, k, v))      # [B, h, T, d/h]
        logits = torch.matmul(q / math.sqrt(d // h), k.transpose(-2, -1))                # [B, h, T, T]
        weights = masked_softmax(logits, pad[:, None, None, :])
        weights = nn.functional.dropout(weights, p=attn.dropout, training=self.training)
        a = torch.matmul(weights, v).transpose(1, 2).reshape(b, t, d)
        x = layer.norm1(x + layer.dropout1(attn.out_proj(a)))
        ff = layer.linear2(layer.dropout(torch.relu(layer.linear1(x))))
        return layer.norm2(x + layer.dropout2(ff))

    def forward(self, seq_item, seq_category, seq_action, seq_scenario, seq_age, seq_dwell, user_dense, scenario,
                cand_item, cand_category, cand_dense):
        seq_item = seq_item.long()
        scenario = scenario.long()
        cand_item = cand_item.long()
        user_dense = user_dense.float()
        cand_dense = cand_dense.float()
        if self.dense_norm:
            user_dense = (user_dense - self.user_dense_mean) / self.user_dense_sd
            cand_dense = (cand_dense - self.cand_dense_mean) / self.cand_dense_sd
        if self.seq_aggregates:
            aggregates = sequence_aggregates(seq_item, seq_category.long(), seq_action.long(), seq_scenario.long(),
                                             scenario, cand_item, cand_category.long())
            cand_dense = torch.cat([cand_dense, (aggregates - self.aggregate_mean) / self.aggregate_sd], dim=-1)
        encoded, pad = self.encode_user(seq_item, seq_category.long(), seq_action.long(), seq_scenario.long(),
                                        seq_age.long(), seq_dwell.long(), user_dense, scenario)
        user_enc = encoded[:, 0:1, :]                                                   # [B, 1, d]

        cand = self.item_emb(cand_item) + self.category_emb(cand_category.long()) + self.cand_dense(cand_dense)
        q = self.q(cand)                                                                # [B, K, d]
        k = self.k(encoded)                                                             # [B, 1+L, d]
        v = self.v(encoded)
        logits = torch.matmul(q, k.transpose(1, 2)) * self.scale                        # [B, K, 1+L]
        attended = torch.matmul(masked_softmax(logits, pad.unsqueeze(1)), v)            # [B, K, d]

        user_k = user_enc.expand_as(attended)
        parts = [attended, cand, user_k, attended * cand, cand_dense]
        if self.sum_pool:
            gate = torch.sigmoid(logits + self.sum_bias) * (~pad).unsqueeze(1).to(logits.dtype)
            parts.append(torch.matmul(gate, v) / self.spec.sequence_length)
        h = torch.cat(parts, dim=-1)
        h = self.mlp_dropout(torch.relu(self.star1(h, scenario)))
        h = torch.relu(self.star2(h, scenario))
        if self.item_bias is not None:
            h = torch.cat([h, self.item_bias(cand_item)], dim=-1)
        logit = self.star3(h, scenario).squeeze(-1)                                     # [B, K]
        return torch.sigmoid(logit)


def build_model(spec: FeatureSpec, config: Dict[str, Any]) -> InterestModel:
    keys = ("d_model", "heads", "layers", "ff", "dropout", "attn_dropout", "sum_pool", "dense_norm",
            "seq_aggregates", "item_bias")
    return InterestModel(spec, **{k: config[k] for k in keys if k in config})


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def load_checkpoint(path: str):
    """Loads ``model.pt`` (file or the directory holding it) -> (model in eval mode, checkpoint dict)."""
    if os.path.isdir(path):
        path = os.path.join(path, "model.pt")
    ckpt = torch.load(path, map_location="cpu")
    spec = spec_from_dict(ckpt["spec"], source=f"{path} (embedded spec)")
    model = build_model(spec, ckpt["config"])
    model.load_state_dict(ckpt["state_dict"])
    model.eval()
    return model, ckpt


def weights_hash(model: nn.Module) -> str:
    """sha256 over the state dict (names, shapes and float32 bytes, in name order)."""
    h = hashlib.sha256()
    for name, t in sorted(model.state_dict().items()):
        h.update(name.encode())
        h.update(str(tuple(t.shape)).encode())
        h.update(t.detach().cpu().contiguous().numpy().tobytes())
    return h.hexdigest()


def model_version(model: nn.Module) -> str:
    return f"ims-{model.spec.version.replace('-', '')}-{weights_hash(model)[:8]}"

