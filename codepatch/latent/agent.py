"""One agent: a causal LM (optionally one LoRA adapter of a shared base), its tokenizer, its
role and its InnerLink. It can think in latent steps (`rollout`) or decode text (`decode`)."""

from __future__ import annotations

import copy
from dataclasses import dataclass

import torch

from codepatch.latent.links import InnerLink
from codepatch.latent.roles import Role, render_prompt
from codepatch.latent.sequences import EmbedBatch, left_pad

SlotContent = torch.Tensor | str | None  # latents (m, d), text, or no slot at all


@dataclass
class Context:
    """A prompt already run through the model: the batch's last positions, the KV cache over the
    whole prompt, and the last-layer state at its end (B, 1, d)."""

    batch: EmbedBatch
    cache: object
    last: torch.Tensor

    def copy(self) -> Context:
        """An independent copy: running on from it never changes this one's cache."""
        return Context(self.batch, copy.deepcopy(self.cache), self.last)


@dataclass
class Thoughts:
    """A latent rollout: the states H (B, T, d), what each became as an input embedding
    (`Agent.latent_input`, (B, T, d)) and, per row, how many of them form its message."""

    states: torch.Tensor
    inputs: torch.Tensor
    lengths: list[int]

    def messages(self, sent: torch.Tensor) -> list[torch.Tensor]:
        """Each row of `sent` (the states as the receiver gets them) cut to its message."""
        return [row[:length] for row, length in zip(sent, self.lengths)]


# The expected embedding sums over the likeliest tokens only: the rest of a 49k vocabulary carries
# almost no probability, and the full product cost as much as the LM head itself.
EXPECTED_TOP_TOKENS = 64

PrefixCache = dict  # (role, adapter, questions, which have a slot) -> Context of the prompts before their slots


class Agent:
    """A role played by a causal LM. Several agents may share one base model, each selecting its
    own LoRA adapter before every forward pass."""

    def __init__(self, role: Role, model, tokenizer, inner_link: InnerLink, adapter: str | None = None,
                 anchor: float = 0.0) -> None:
        self.role = role
        self.model = model
        self.tokenizer = tokenizer
        self.inner_link = inner_link
        self.adapter = adapter
        self.anchor = anchor  # weight of the expected next-token embedding in a latent input (0: InnerLink alone)

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
        """Select this role's LoRA adapter on a shared base (or switch adapters off). On a peft-wrapped
        base (training) switching walks every module, so it only happens when another role used it last."""
        role_adapters = getattr(self.model, "role_adapters", None)
        if role_adapters is not None:
            role_adapters.use(self.adapter)
            return
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

    def prompt_parts(self, question: str, slot: SlotContent) -> tuple[torch.Tensor, torch.Tensor]:
        """The prompt as embeddings split before the slot: (prefix (P, d), slot and suffix (S, d))."""
        prefix, suffix = render_prompt(self.tokenizer, self.role, question, with_slot=slot is not None)
        rest = [self.embed_text(suffix)]
        if isinstance(slot, str):
            rest.insert(0, self.embed_text(slot))
        elif slot is not None:
            rest.insert(0, slot.to(self.embed_dtype))
        return self.embed_text(prefix), torch.cat(rest, dim=0)

    def prompt_rows(self, questions: list[str], slots: list[SlotContent]) -> list[torch.Tensor]:
        """Per question, the prompt as embeddings `[prefix; slot; suffix]` of shape (T_i, d)."""
        return [torch.cat(self.prompt_parts(q, slot), dim=0) for q, slot in zip(questions, slots)]

    def prompt_batch(self, questions: list[str], slots: list[SlotContent]) -> EmbedBatch:
        return left_pad(self.prompt_rows(questions, slots))

    def prompt(self, questions: list[str], slots: list[SlotContent], prefixes: PrefixCache | None = None) -> Context:
        """Run the prompts through the model. With `prefixes`, the part before the slot (the same for
        this role and these questions in every round) is computed once and its KV cache reused."""
        if prefixes is None:
            return self.prefill(self.prompt_batch(questions, slots))
        parts = [self.prompt_parts(q, slot) for q, slot in zip(questions, slots)]
        key = (self.role.name, self.adapter, tuple(questions), tuple(slot is not None for slot in slots))
        if key not in prefixes:
            prefixes[key] = self.prefill(left_pad([prefix for prefix, _ in parts]))
        return self.prefill(left_pad([rest for _, rest in parts]), after=prefixes[key])

    def prefill(self, batch: EmbedBatch, after: Context | None = None) -> Context:
        """Run `batch` through the model; with `after`, append its rows to a copy of that context."""
        if after is None:
            hidden, cache = self.forward(batch)
            return Context(batch, cache, hidden[:, -1:])
        start = after.copy()
        if batch.embeds.shape[1] == 0:
            return start
        batch = start.batch.follow(batch)
        hidden, cache = self.forward(batch, start.cache)
        return Context(batch, cache, hidden[:, -1:])

    def forward(self, batch: EmbedBatch, cache=None, use_cache: bool = True):
        """The backbone's last-layer hidden states (B, T, d) and the updated KV cache."""
        self.activate()
        out = self.decoder(
            inputs_embeds=batch.embeds, attention_mask=batch.mask, position_ids=batch.positions,
            cache=cache, use_cache=use_cache,
        )
        return out.last_hidden_state, out.cache

    def latent_input(self, hidden: torch.Tensor, logits: torch.Tensor | None = None) -> torch.Tensor:
        """What a last-layer state (B, T, d) becomes as an input embedding: InnerLink(h), blended with
        weight `anchor` with the embedding this agent expects next (its next-token distribution over
        the EXPECTED_TOP_TOKENS likeliest tokens, renormalised, times their embeddings). InnerLink(h)
        points the right way (cosine ~0.99 to the next token's embedding) but fed back step after
        step its small errors change small models' arithmetic;
        the expected embedding is exact where the model is sure and still carries its doubt.
        `logits`: the LM head's output for `hidden`, when the caller has it already."""
        linked = self.inner_link(hidden)  # float32
        if self.anchor:
            logits = self.model.get_output_embeddings()(hidden) if logits is None else logits
            top = min(EXPECTED_TOP_TOKENS, logits.shape[-1])
            likeliest = torch.softmax(logits.float(), dim=-1).topk(top, dim=-1)
            weights = likeliest.values / likeliest.values.sum(dim=-1, keepdim=True)  # (..., k)
            embeddings = self.model.get_input_embeddings()(likeliest.indices).float()  # (..., k, d)
            expected = (weights.unsqueeze(-1) * embeddings).sum(dim=-2)
            linked = (1 - self.anchor) * linked + self.anchor * expected
        return linked.to(self.embed_dtype)

    def rollout(self, prompt: EmbedBatch | Context, steps: int, end_at_stop: bool = False) -> Thoughts:
        """Think for up to `steps` latent steps: H = [h_0..h_{m-1}], h_0 the prompt's last state and
        each next one from feeding `latent_input(h_t)` back as the input embedding. It stands
        for the token h_t predicts, so H spells the whole message from its first token, as the
        teacher-forced states used in training do. With `end_at_stop`, a row's message ends at the
        first state whose next token would be the stop token (kept, as the end marker), and the loop
        ends once every row has ended: the states after a stop would be past the end of the message."""
        context = prompt if isinstance(prompt, Context) else self.prefill(prompt)
        batch, cache, h = context.batch, context.cache, context.last  # h_0: the prompt's last state
        states: list[torch.Tensor] = []
        inputs: list[torch.Tensor] = []  # the last one is not fed back, but sending needs it too
        lengths: list[int | None] = [None] * h.shape[0]
        head = self.model.get_output_embeddings()
        for step in range(steps):
            if step:
                batch = batch.extend(inputs[-1])
                h, cache = self.forward(batch, cache)  # (B, 1, d)
            states.append(h)
            logits = head(h[:, -1])[:, None] if end_at_stop or self.anchor else None  # (B, 1, V)
            inputs.append(self.latent_input(h, logits))
            if end_at_stop:
                for row, token in enumerate(logits[:, -1].argmax(dim=-1).tolist()):
                    if lengths[row] is None and token in self.stop_ids:
                        lengths[row] = len(states)
                if None not in lengths:
                    break
        hidden = torch.cat(states, dim=1) if states else h.new_zeros(h.shape[0], 0, h.shape[2])
        fed = torch.cat(inputs, dim=1) if inputs else hidden.to(self.embed_dtype)
        return Thoughts(hidden, fed, [hidden.shape[1] if n is None else n for n in lengths])

    @torch.no_grad()
    def decode(self, prompt: EmbedBatch | Context, max_new_tokens: int,
               probabilities: list[list[float]] | None = None) -> list[list[int]]:
        """Greedy decoding with a KV cache. Each row's tokens end with its stop token when one came.
        With `probabilities` (an empty list), it gets per row the probability of each token chosen."""
        head = self.model.get_output_embeddings()
        context = prompt if isinstance(prompt, Context) else self.prefill(prompt)
        batch, cache, hidden = context.batch, context.cache, context.last
        tokens: list[list[int]] = [[] for _ in range(batch.embeds.shape[0])]
        if probabilities is not None:
            probabilities[:] = [[] for _ in tokens]
        finished = [False] * len(tokens)
        for _ in range(max_new_tokens):
            logits = head(hidden[:, -1])  # (B, V)
            next_ids = logits.argmax(dim=-1)  # (B,)
            chosen = torch.softmax(logits.float(), dim=-1).gather(1, next_ids[:, None])[:, 0].tolist() \
                if probabilities is not None else None
            for row, token in enumerate(next_ids.tolist()):
                if not finished[row]:
                    tokens[row].append(token)
                    if chosen is not None:
                        probabilities[row].append(chosen[row])
                    finished[row] = token in self.stop_ids
            if all(finished):
                break
            step_embeds = self.model.get_input_embeddings()(next_ids[:, None])  # (B, 1, d)
            batch = batch.extend(step_embeds)
            hidden, cache = self.forward(batch, cache)
        return tokens

    def text_of(self, tokens: list[int]) -> str:
        return self.tokenizer.decode(tokens, skip_special_tokens=True).strip()
