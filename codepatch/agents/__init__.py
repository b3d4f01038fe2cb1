"""The Scanner, Critic and Patcher agents in `codepatch scan --agents`: they judge the findings the
engines cannot decide (a project's own helper on the path, an entry-point or unproven source)
and, where several fixes validate, choose one. Data flows top to bottom:

findings -> cases (what the agents see: normalised code, never its comments or strings)
-> the latent loop (codepatch.latent) -> verdicts -> the engines' veto -> judged findings.

Importing this package imports no torch: only `judge` does, and only when a case needs judging.
"""
