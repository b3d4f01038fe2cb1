"""InnerLink and OuterLink: shapes, dtypes, parameter counts, least-squares initialisation."""

import pytest
import torch

from codepatch.latent.links import InnerLink, OuterLink, parameter_count

torch.set_num_threads(1)


@pytest.mark.parametrize("dim", [8, 32, 576])
def test_inner_link_has_2d2_plus_6d_parameters(dim):
    assert parameter_count(InnerLink(dim)) == 2 * dim * dim + 6 * dim


def test_outer_link_is_about_5d2_parameters():
    dim = 64
    count = parameter_count(OuterLink(dim, dim))
    assert 5 * dim * dim <= count <= 5 * dim * dim + 10 * dim


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16, torch.float16])
def test_links_map_shapes_and_cast_to_the_embedding_dtype(dtype):
    hidden = 200 * torch.randn(2, 5, 32, dtype=dtype)  # last-layer states are large
    inner = InnerLink(32, embed_std=0.1)
    outer = OuterLink(32, 48, embed_std=0.1)
    embeds = inner(hidden)
    assert embeds.shape == (2, 5, 32) and embeds.dtype == dtype
    assert inner.proj1.weight.dtype == torch.float32
    moved = outer(embeds, out_dtype=torch.float32)
    assert moved.shape == (2, 5, 48) and moved.dtype == torch.float32
    assert embeds.float().std().item() == pytest.approx(0.1, rel=0.1)  # scaled to the embeddings


def test_residual_least_squares_recovers_a_linear_map():
    torch.manual_seed(0)
    source = torch.randn(2000, 16)
    true_map = torch.randn(16, 24)
    target = source @ true_map + 0.5
    link = OuterLink(16, 24)
    link.init_residual_least_squares(source, target, ridge=1e-6)
    assert torch.allclose(link.residual_proj(source), target, atol=1e-3)
