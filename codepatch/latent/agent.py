"""One agent: a causal LM (optionally one LoRA adapter of a shared base), its tokenizer, its
role and its InnerLink. It can think in latent steps (`rollout`) or decode text (`decode`)."""

from __future__ import annotations

import torch

from codepatch.latent.links import InnerLink
from codepatch.latent.roles import Role, render_prompt
from codepatch.latent.sequences import EmbedBatch, left_pad

SlotContent = torch.Tensor | str | None  # latents (m, d), text, or no slot at all


class Agent:
    """A role played by a causal LM. Several agents may share one peft-wrapped model, each
    selecting its own adapter before every forward pass."""

    def __init__(self, role: Role, model, tokenizer, inner_link: InnerLink, adapter: str | None = None) -> None:
        self.role = role
        self.model = model
        self.tokenizer = tokenizer
        self.inner_link = inner_link
        self.adapter = adapter

    @property
    def dim(self) -> int:
        return self.model.config.hidden_size

    @property
    def embed_dtype(self) -> torch.dtype:
        return self.model.get_input_embeddings().weight.dtype

    @property
    def device(self) -> torch.device:
        return self.model.get_input_embeddings().weight.device

    @property
    def stop_ids(self) -> set[int]:
        return {self.tokenizer.eos_token_id, self.tokenizer.convert_tokens_to_ids("<|im_end|>")} - {None}

    @property
    def decoder(self):
        """The decoder stack (LlamaModel, Qwen2Model, ...) under the causal LM, peft-wrapped or not."""
        causal_lm = self.model.get_base_model() if hasattr(self.model, "get_base_model") else self.model
        return causal_lm.base_model

    def activate(self) -> None:
        """Select this role's LoRA adapter on a shared peft-wrapped base (or switch adapters off).
        Switching walks every module, so it only happens when another role used the model last."""
        if not hasattr(self.model, "get_base_model") or getattr(self.model, "active_role_adapter", "") == self.adapter:
            return
        lora = self.model.base_model
        if self.adapter is None:
            lora.disable_adapter_layers()
        else:
            lora.enable_adapter_layers()
            self.model.set_adapter(self.adapter)
        self.model.active_role_adapter = self.adapter

    def embed_text(self, text: str) -> torch.Tensor:
        ids = self.tokenizer(text, add_special_tokens=False, return_tensors="pt").input_ids[0]
        return self.model.get_input_embeddings()(ids.to(self.device))  # (T, d)

    def prompt_rows(self, questions: list[str], slots: list[SlotContent]) -> list[torch.Tensor]:
        """Per question, the prompt as embeddings `[prefix; slot; suffix]` of shape (T_i, d)."""
        rows = []
        for question, slot in zip(questions, slots):
            prefix, suffix = render_prompt(self.tokenizer, self.role, question, with_slot=slot is not None)
            parts = [self.embed_text(prefix)]
            if isinstance(slot, str):
                parts.append(self.embed_text(slot))
            elif slot is not None:
                parts.append(slot.to(self.embed_dtype))
            parts.append(self.embed_text(suffix))
            rows.append(torch.cat(parts, dim=0))
        return rows

    def prompt_batch(self, questions: list[str], slots: list[SlotContent]) -> EmbedBatch:
        return left_pad(self.prompt_rows(questions, slots))

    def forward(self, batch: EmbedBatch, cache=None, use_cache: bool = True):
        """The backbone's last-layer hidden states (B, T, d) and the updated KV cache."""
        self.activate()
        out = self.decoder(
            inputs_embeds=batch.embeds, attention_mask=batch.mask, position_ids=batch.positions,
            cache=cache, use_cache=use_cache,
        )
        return out.last_hidden_state, out.cache

    def rollout(self, batch: EmbedBatch, steps: int) -> torch.Tensor:
        """Think for `steps` latent steps: feed InnerLink(h_t) back as the next input embedding.
        Returns H = [h_1..h_m] of shape (B, m, d) (m = 0 gives an empty sequence)."""
        hidden, cache = self.forward(batch)
        h = hidden[:, -1:]  # (B, 1, d), the prompt's last state h_0
        states = []
        for _ in range(steps):
            batch = batch.extend(self.inner_link(h, out_dtype=self.embed_dtype))
            h, cache = self.forward(batch, cache)  # (B, 1, d)
            states.append(h)
        if not states:
            return hidden.new_zeros(hidden.shape[0], 0, hidden.shape[2])
        return torch.cat(states, dim=1)

    @torch.no_grad()
    def decode(self, batch: EmbedBatch, max_new_tokens: int) -> list[list[int]]:
        """Greedy decoding with a KV cache. Each row's tokens end with its stop token when one came."""
        head = self.model.get_output_embeddings()
        hidden, cache = self.forward(batch)
        tokens: list[list[int]] = [[] for _ in range(batch.embeds.shape[0])]
        finished = [False] * len(tokens)
        for _ in range(max_new_tokens):
            next_ids = head(hidden[:, -1]).argmax(dim=-1)  # (B,)
            for row, token in enumerate(next_ids.tolist()):
                if not finished[row]:
                    tokens[row].append(token)
                    finished[row] = token in self.stop_ids
            if all(finished):
                break
            step_embeds = self.model.get_input_embeddings()(next_ids[:, None])  # (B, 1, d)
            batch = batch.extend(step_embeds)
            hidden, cache = self.forward(batch, cache)
        return tokens

    def text_of(self, tokens: list[int]) -> str:
        return self.tokenizer.decode(tokens, skip_special_tokens=True).strip()
