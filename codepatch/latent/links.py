"""The two learned maps of RecursiveMAS: InnerLink (an agent's output space -> its own input
embeddings) and OuterLink (agent i's embedding space -> agent j's).

Last-layer hidden states have norms around 50-400 while input embeddings sit near 1-5, so both
links end in a LayerNorm whose gain starts at the target embeddings' scale. Links run in float32
and return the dtype of the embeddings they feed.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class InnerLink(nn.Module):
    """`post_ln(x + proj2(GELU(proj1(pre_ln(x)))))`, d -> d: 2d^2 + 6d parameters."""

    def __init__(self, dim: int, embed_std: float = 1.0) -> None:
        super().__init__()
        self.dim = dim
        self.pre_ln = nn.LayerNorm(dim)
        self.proj1 = nn.Linear(dim, dim)
        self.proj2 = nn.Linear(dim, dim)
        self.post_ln = nn.LayerNorm(dim)
        nn.init.zeros_(self.proj2.weight)
        nn.init.zeros_(self.proj2.bias)
        nn.init.constant_(self.post_ln.weight, embed_std)

    def forward(self, hidden: torch.Tensor, out_dtype: torch.dtype | None = None) -> torch.Tensor:
        x = hidden.float()  # (B, T, d)
        x = self.post_ln(x + self.proj2(F.gelu(self.proj1(self.pre_ln(x)))))
        return x.to(out_dtype or hidden.dtype)


class OuterLink(nn.Module):
    """`ln_target(proj2(GELU(proj1(ln_source(x)))) + residual_proj(x))`, d_in -> d_out."""

    def __init__(self, dim_in: int, dim_out: int, embed_std: float = 1.0) -> None:
        super().__init__()
        self.dim_in, self.dim_out = dim_in, dim_out
        self.ln_source = nn.LayerNorm(dim_in)
        self.proj1 = nn.Linear(dim_in, 2 * dim_out)
        self.proj2 = nn.Linear(2 * dim_out, dim_out)
        self.residual_proj = nn.Linear(dim_in, dim_out)
        self.ln_target = nn.LayerNorm(dim_out)
        nn.init.zeros_(self.proj2.weight)
        nn.init.zeros_(self.proj2.bias)
        nn.init.constant_(self.ln_target.weight, embed_std)

    def forward(self, x: torch.Tensor, out_dtype: torch.dtype | None = None) -> torch.Tensor:
        source = x.float()  # (B, T, d_in)
        mixed = self.proj2(F.gelu(self.proj1(self.ln_source(source))))  # (B, T, d_out)
        y = self.ln_target(mixed + self.residual_proj(source))
        return y.to(out_dtype or x.dtype)

    @torch.no_grad()
    def init_residual_least_squares(self, source: torch.Tensor, target: torch.Tensor, ridge: float = 1e-2) -> None:
        """Set `residual_proj` to the ridge-regression map from paired `source` rows to `target` rows."""
        x, y = source.double(), target.double()  # (N, d_in), (N, d_out)
        x_mean, y_mean = x.mean(0), y.mean(0)
        xc, yc = x - x_mean, y - y_mean
        gram = xc.T @ xc + ridge * len(x) * torch.eye(x.shape[1], dtype=x.dtype)
        weight = torch.linalg.solve(gram, xc.T @ yc)  # (d_in, d_out)
        self.residual_proj.weight.copy_(weight.T.float())
        self.residual_proj.bias.copy_((y_mean - x_mean @ weight).float())


def parameter_count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())
