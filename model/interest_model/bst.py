"""The per-candidate peer for the benchmark: a BST-style model (Behavior Sequence Transformer, Chen et
al. 2019) that appends each candidate to the user's sequence and runs the encoder once per (user,
candidate), where the shipped model encodes each user once and lets candidates attend to it.

Same inputs, embeddings, encoder and STAR head as ``InterestModel`` (it subclasses it), so the two differ
only in where the candidate meets the sequence; exported with the same metadata, the job can run it.
Used for speed only: ``python3 -m interest_model.bst --spec data/fs1/feature_spec.json --out peers/bst.onnx``
exports it with its initial weights (training it changes nothing about its cost).
"""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional

import torch

from .export import export_onnx
from .model import InterestModel
from .spec import load_spec


class BstModel(InterestModel):
    def forward(self, seq_item, seq_category, seq_action, seq_scenario, seq_age, seq_dwell, user_dense, scenario,
                cand_item, cand_category, cand_dense):
        seq_item = seq_item.long()
        scenario = scenario.long()
        cand_item = cand_item.long()
        cand_dense = cand_dense.float()
        b, l = seq_item.shape
        k = cand_item.shape[1]
        tokens = (self.item_emb(seq_item) + self.category_emb(seq_category.long()) + self.action_emb(seq_action.long())
                  + self.seq_scenario_emb(seq_scenario.long()) + self.age_emb(seq_age.long())
                  + self.dwell_emb(seq_dwell.long()) + self.position_emb[:, :l])
        tokens = self.seq_norm(tokens)
        user = self.user_norm(self.user_dense(user_dense.float()) + self.request_scenario_emb(scenario)).unsqueeze(1)
        cand = self.item_emb(cand_item) + self.category_emb(cand_category.long()) + self.cand_dense(cand_dense)

        # one sequence per (user, candidate): [user token, history, candidate] -> B*K encoder rows
        seq = torch.cat([user, tokens], dim=1).unsqueeze(1).expand(b, k, l + 1, tokens.shape[-1])
        rows = torch.cat([seq, cand.unsqueeze(2)], dim=2).reshape(b * k, l + 2, tokens.shape[-1])
        pad = torch.cat([torch.zeros_like(seq_item[:, :1], dtype=torch.bool), seq_item == 0,
                         torch.zeros_like(seq_item[:, :1], dtype=torch.bool)], dim=1)
        pad = pad.unsqueeze(1).expand(b, k, l + 2).reshape(b * k, l + 2)
        encoded = rows
        for layer in self.encoder.layers:  # the shipped model's encoder layer, masking included
            encoded = self._encoder_layer(layer, encoded, pad)
        target = encoded[:, -1, :].reshape(b, k, -1)
        user_k = encoded[:, 0, :].reshape(b, k, -1)
        h = torch.cat([target, cand, user_k, target * cand, cand_dense], dim=-1)
        h = torch.relu(self.star1(h, scenario))
        h = torch.relu(self.star2(h, scenario))
        return torch.sigmoid(self.star3(h, scenario).squeeze(-1))


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--spec", required=True, help="feature_spec.json (or its directory)")
    p.add_argument("--out", required=True, help="output .onnx")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--layers", type=int, default=1, help="encoder layers (the shipped recipe's, train-args.txt)")
    a = p.parse_args(argv)
    torch.manual_seed(a.seed)
    model = BstModel(load_spec(a.spec), layers=a.layers).eval()
    export_onnx(model, a.out)
    print(f"wrote {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
