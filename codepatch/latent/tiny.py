"""Tiny random models and a locally trained tokenizer, for tests and `--smoke` training runs.

Nothing is downloaded: the tokenizer is a byte-level BPE trained in memory on a few sentences,
and the models are random `LlamaConfig`/`Qwen2Config` models of any hidden size.
"""

from __future__ import annotations

CHAT_TEMPLATE = (
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\n' + message['content'] "
    "+ '<|im_end|>' + '\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)
SPECIAL_TOKENS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
CORPUS = [
    "Question: Tom has 3 apples, buys 5 more and gives away 2. How many apples does he have?",
    "Program: 3+5-2 Program: (14-5)*9/2 Answer: yes Answer: no",
    "You are the Planner, the Critic or the Solver. Notes from the previous round. 0123456789",
    "Which is larger, 17 or 23? What comes after Tuesday? system user assistant",
]


def tiny_tokenizer(vocab_size: int = 300):
    """A byte-level BPE tokenizer with ChatML special tokens and chat template."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    backend = Tokenizer(models.BPE())
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=SPECIAL_TOKENS,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    backend.train_from_iterator(CORPUS, trainer=trainer)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend, eos_token="<|im_end|>", pad_token="<|endoftext|>", bos_token=None,
    )
    tokenizer.chat_template = CHAT_TEMPLATE
    return tokenizer


def tiny_model(tokenizer, hidden_size: int = 32, family: str = "llama", seed: int = 0, init_std: float = 0.02):
    """A random causal LM with 2 layers; `family` is 'llama' or 'qwen2'. A larger `init_std`
    makes its outputs depend more strongly on its inputs (useful when training links on it)."""
    import torch
    from transformers import AutoModelForCausalLM, LlamaConfig, Qwen2Config

    config_class = {"llama": LlamaConfig, "qwen2": Qwen2Config}[family]
    config = config_class(
        vocab_size=len(tokenizer), hidden_size=hidden_size, intermediate_size=2 * hidden_size,
        num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=512,
        pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id, tie_word_embeddings=True,
        initializer_range=init_std,
    )
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_config(config)
    return model.eval()
