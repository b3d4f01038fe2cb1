"""Reproduce the shipped latent-agent checkpoints: `python -m training.<step>`.

Steps, in order: `data` (synthetic math/QA splits), `lora` (one adapter per role), `inner`
(InnerLinks), `outer` (OuterLinks through r rounds). Each has `--smoke` for a seconds-long run
on a tiny random model.
"""
