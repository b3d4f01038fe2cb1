"""Left-padded batches of input embeddings with their attention masks and position ids."""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass
class EmbedBatch:
    embeds: torch.Tensor  # (B, T, d)
    mask: torch.Tensor  # (B, T) long, 0 on left padding
    positions: torch.Tensor  # (B, T) long, counting from each row's first real token

    def extend(self, new_embeds: torch.Tensor) -> EmbedBatch:
        """The batch that follows after appending `new_embeds` (B, 1, d) to every row."""
        ones = torch.ones_like(self.mask[:, :1])
        return self.follow(EmbedBatch(embeds=new_embeds, mask=ones, positions=ones - 1))

    def follow(self, rest: EmbedBatch) -> EmbedBatch:
        """The batch that follows after appending each row of `rest` (left-padded) to this one's rows:
        its embeddings, the mask over both, and positions that go on from this batch's last ones."""
        return EmbedBatch(
            embeds=rest.embeds,
            mask=torch.cat([self.mask, rest.mask], dim=1),
            positions=self.positions[:, -1:] + 1 + rest.positions,
        )


def left_pad(rows: list[torch.Tensor]) -> EmbedBatch:
    """Stack rows of shape (T_i, d) into one batch, padding on the left with zero vectors."""
    longest = max(row.shape[0] for row in rows)
    dim, dtype, device = rows[0].shape[1], rows[0].dtype, rows[0].device
    embeds = torch.zeros(len(rows), longest, dim, dtype=dtype, device=device)
    mask = torch.zeros(len(rows), longest, dtype=torch.long, device=device)
    for i, row in enumerate(rows):
        if row.shape[0]:
            embeds[i, longest - row.shape[0]:] = row
            mask[i, longest - row.shape[0]:] = 1
    positions = (mask.cumsum(dim=1) - 1).clamp(min=0)
    return EmbedBatch(embeds=embeds, mask=mask, positions=positions)
