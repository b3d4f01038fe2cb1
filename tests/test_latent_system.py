"""The recursive loop on a heterogeneous 3-agent system of tiny random models (d = 32, 48, 40)."""

import pytest
import torch

from codepatch.latent import agent as agent_module
from codepatch.latent.sequences import EmbedBatch, left_pad
from tests.latent_support import QUESTIONS, tiny_system

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def system():
    return tiny_system()


def test_agents_have_different_hidden_sizes(system):
    assert [agent.dim for agent in system.agents] == [32, 48, 40]
    assert {type(agent.model).__name__ for agent in system.agents} == {"LlamaForCausalLM", "Qwen2ForCausalLM"}


def test_rollout_and_hops_have_the_receivers_shape_and_dtype(system):
    first, second = system.agents[0], system.agents[1]
    batch = first.prompt_batch(QUESTIONS, [None, None])
    states = first.rollout(batch, steps=6).states
    assert states.shape == (2, 6, 32) and states.dtype == torch.float32
    sent = system.send(0, 1, states)
    assert sent.shape == (2, 6, 48) and sent.dtype == second.embed_dtype
    feedback = system.send(2, 0, torch.randn(2, 6, 40))
    assert feedback.shape == (2, 6, 32)
    assert first.rollout(batch, steps=0).states.shape == (2, 0, 32)


def test_latent_input_blends_the_inner_link_with_the_expected_embedding(system, monkeypatch):
    agent = system.agents[1]
    hidden = 20 * torch.randn(2, 3, agent.dim)
    logits = hidden @ agent.model.lm_head.weight.T
    embeddings = agent.model.get_input_embeddings().weight
    expected = torch.softmax(logits, dim=-1) @ embeddings
    linked = agent.inner_link(hidden)
    with torch.no_grad():
        monkeypatch.setattr(agent_module, "EXPECTED_TOP_TOKENS", 1)  # only the likeliest token: its embedding
        monkeypatch.setattr(agent, "anchor", 1.0)
        assert torch.allclose(agent.latent_input(hidden), embeddings[logits.argmax(dim=-1)], atol=1e-6)
        monkeypatch.setattr(agent_module, "EXPECTED_TOP_TOKENS", len(embeddings))  # every token: the exact mean
        monkeypatch.setattr(agent, "anchor", 0.0)
        assert torch.equal(agent.latent_input(hidden), linked)  # anchor 0: the InnerLink alone
        monkeypatch.setattr(agent, "anchor", 1.0)
        assert torch.allclose(agent.latent_input(hidden), expected, atol=1e-5)
        monkeypatch.setattr(agent, "anchor", 0.25)
        assert torch.allclose(agent.latent_input(hidden), 0.75 * linked + 0.25 * expected, atol=1e-5)
    agent.latent_input(hidden).sum().backward()  # training still reaches the link, never the model
    assert all(p.grad is not None for p in agent.inner_link.parameters())
    assert all(p.grad is None for p in agent.model.parameters())
    agent.inner_link.zero_grad(set_to_none=True)


def rollout_without_cache(agent, batch: EmbedBatch, steps: int) -> torch.Tensor:
    """Reference: recompute the whole sequence at every latent step; H starts at the prompt's last state."""
    embeds, mask = batch.embeds, batch.mask

    def last_layer():
        positions = (mask.cumsum(dim=1) - 1).clamp(min=0)
        return agent.forward(EmbedBatch(embeds, mask, positions), use_cache=False)[0]

    for _ in range(steps - 1):
        embeds = torch.cat([embeds, agent.latent_input(last_layer()[:, -1:])], dim=1)
        mask = torch.cat([mask, torch.ones_like(mask[:, :1])], dim=1)
    hidden = last_layer()
    return hidden[:, hidden.shape[1] - steps :]


@pytest.mark.parametrize("anchor", [0.0, 0.5])
@pytest.mark.parametrize("agent_index", [0, 1])
def test_kv_cached_rollout_equals_recomputation(system, agent_index, anchor, monkeypatch):
    agent = system.agents[agent_index]
    monkeypatch.setattr(agent, "anchor", anchor)
    batch = agent.prompt_batch(QUESTIONS, [None, None])  # rows of different lengths: left padding
    with torch.no_grad():
        thoughts = agent.rollout(batch, steps=5)
        cached = thoughts.states
        recomputed = rollout_without_cache(agent, batch, steps=5)
        sent_inputs = agent.latent_input(cached)  # what send computes when not given the rollout's
    assert torch.isfinite(cached).all()
    assert torch.allclose(cached, recomputed, atol=1e-5, rtol=0)
    assert torch.allclose(thoughts.inputs, sent_inputs, atol=1e-5, rtol=0)


def test_left_padding_does_not_change_a_row(system):
    agent = system.agents[1]
    alone = agent.rollout(agent.prompt_batch(QUESTIONS[:1], [None]), steps=3).states
    batched = agent.rollout(agent.prompt_batch(QUESTIONS, [None, None]), steps=3).states
    assert torch.allclose(alone[0], batched[0], atol=1e-5)


@pytest.mark.parametrize("mode", ["latent", "text"])
@pytest.mark.parametrize("rounds", [1, 2])
def test_both_modes_run_end_to_end(system, mode, rounds):
    result = system.run(QUESTIONS, mode=mode, rounds=rounds, latent_steps=4, max_new_tokens=5, answer_tokens=6)
    assert len(result.answers) == 2 and all(isinstance(a, str) for a in result.answers)
    assert [(s.round, s.role) for s in result.steps] == [
        (r, role) for r in range(1, rounds + 1) for role in ("planner", "critic", "solver")
    ]
    assert result.seconds > 0


def test_latent_mode_decodes_only_the_final_answer(system):
    result = system.run(QUESTIONS, mode="latent", rounds=3, latent_steps=4, answer_tokens=6, end_at_stop=False)
    decoding = [s for s in result.steps if any(s.decoded_tokens)]
    assert [(s.round, s.role) for s in decoding] == [(3, "solver")]
    assert all(s.latent_steps == 4 for s in result.steps[:-1]) and result.steps[-1].latent_steps == 0


class ScriptedHead(torch.nn.Module):
    """An LM head whose greedy choice is scripted: row 0 stops at its 3rd token, row 1 never stops."""

    def __init__(self, vocab_size: int, word: int, stop: int):
        super().__init__()
        self.vocab_size, self.word, self.stop, self.calls = vocab_size, word, stop, 0

    def forward(self, hidden):  # (B, d) -> (B, V)
        self.calls += 1
        logits = torch.zeros(hidden.shape[0], self.vocab_size)
        logits[:, self.word] = 1.0
        if self.calls % 3 == 0:
            logits[0, self.stop] = 2.0
        return logits


def test_token_accounting_counts_exactly_what_was_decoded(system, monkeypatch):
    agent = system.agents[2]
    stop = agent.tokenizer.convert_tokens_to_ids("<|im_end|>")
    word = agent.tokenizer.convert_tokens_to_ids("6")
    head = ScriptedHead(len(agent.tokenizer), word, stop)
    monkeypatch.setattr(agent.model, "get_output_embeddings", lambda: head)
    tokens = agent.decode(agent.prompt_batch(QUESTIONS, [None, None]), max_new_tokens=7)
    assert tokens == [[word, word, stop], [word] * 7]
    assert agent.text_of(tokens[0]) == "66"

    head.calls = 0
    result = system.run(QUESTIONS, mode="latent", rounds=2, latent_steps=3, answer_tokens=7, end_at_stop=False)
    assert [result.decoded_tokens(q) for q in range(2)] == [3, 7]
    assert [s.decoded_tokens for s in result.steps if s.role == "solver"] == [[0, 0], [3, 7]]


def test_a_latent_message_ends_where_its_agent_would_stop(system, monkeypatch):
    agent = system.agents[2]
    stop = agent.tokenizer.convert_tokens_to_ids("<|im_end|>")
    head = ScriptedHead(len(agent.tokenizer), agent.tokenizer.convert_tokens_to_ids("6"), stop)
    monkeypatch.setattr(agent.model, "get_output_embeddings", lambda: head)
    batch = agent.prompt_batch(QUESTIONS, [None, None])
    with torch.no_grad():
        thoughts = agent.rollout(batch, steps=6, end_at_stop=True)
        whole = agent.rollout(batch, steps=6).states
    assert thoughts.lengths == [3, 6]  # row 0's third state predicts the stop token; row 1 never stops
    assert torch.allclose(thoughts.states, whole, atol=1e-6)  # ending a row changes no state
    assert [len(m) for m in thoughts.messages(system.send(2, 0, thoughts.states))] == [3, 6]

    always_stop = torch.nn.Linear(agent.dim, len(agent.tokenizer))
    with torch.no_grad():
        always_stop.weight.zero_()
        always_stop.bias.zero_()
        always_stop.bias[stop] = 1.0
    monkeypatch.setattr(agent.model, "get_output_embeddings", lambda: always_stop)
    with torch.no_grad():
        ended = agent.rollout(batch, steps=6, end_at_stop=True)
    assert ended.lengths == [1, 1] and ended.states.shape[1] == 1  # no step is run past every row's end
    result = system.run(QUESTIONS, mode="latent", rounds=2, latent_steps=6, answer_tokens=2)
    assert [s.latent_steps for s in result.steps if s.role == "solver"] == [1, 0]


def test_text_mode_counts_every_turn(system):
    result = system.run(QUESTIONS, mode="text", rounds=2, max_new_tokens=5, answer_tokens=7)
    for question in range(2):
        per_turn = [s.decoded_tokens[question] for s in result.steps]
        assert all(1 <= count <= 5 for count in per_turn[:-1]) and 1 <= per_turn[-1] <= 7
        assert result.decoded_tokens(question) == sum(per_turn)


def test_left_pad_masks_and_positions():
    batch = left_pad([torch.ones(3, 4), torch.ones(1, 4)])
    assert batch.mask.tolist() == [[1, 1, 1], [0, 0, 1]]
    assert batch.positions.tolist() == [[0, 1, 2], [0, 0, 0]]
    assert batch.embeds[1, :2].abs().sum() == 0


def record_hops(system, monkeypatch) -> list[torch.Tensor]:
    """Every latent rollout H that the system sends on, in order."""
    sent, send = [], system.send
    monkeypatch.setattr(system, "send", lambda source, target, states, inputs=None: sent.append(states) or send(source, target, states, inputs))
    return sent


@pytest.mark.parametrize("mode", ["latent", "text"])
def test_reusing_prompt_prefixes_changes_no_state_or_answer(system, monkeypatch, mode):
    hops = record_hops(system, monkeypatch)
    fresh = system.run(QUESTIONS, mode=mode, rounds=3, latent_steps=4, max_new_tokens=5, answer_tokens=6, reuse_prefixes=False)
    fresh_hops = list(hops)
    hops.clear()
    reused = system.run(QUESTIONS, mode=mode, rounds=3, latent_steps=4, max_new_tokens=5, answer_tokens=6)
    assert reused.answers == fresh.answers
    assert [s.decoded_tokens for s in reused.steps] == [s.decoded_tokens for s in fresh.steps]
    assert len(hops) == len(fresh_hops) == (8 if mode == "latent" else 0)
    for ours, theirs in zip(hops, fresh_hops):
        assert torch.allclose(ours, theirs, atol=1e-5, rtol=0)


def test_a_reused_prefix_matches_the_whole_prompt_and_stays_unchanged(system):
    agent = system.agents[1]
    slots = ["a short note", "a much longer note with several more words in it"]  # rest rows of different lengths
    prefixes = {}
    with torch.no_grad():
        whole = agent.prefill(agent.prompt_batch(QUESTIONS, slots))
        for _ in range(2):  # the second prompt starts from the cached prefix
            reused = agent.prompt(QUESTIONS, slots, prefixes)
            assert torch.allclose(reused.last, whole.last, atol=1e-5, rtol=0)
            assert torch.allclose(agent.rollout(reused, 3).states, agent.rollout(whole.copy(), 3).states, atol=1e-5, rtol=0)
    (cached,) = prefixes.values()
    assert cached.cache.get_seq_length() == cached.batch.mask.shape[1]  # the rollouts appended to copies only
