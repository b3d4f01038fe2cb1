"""Configuration of `codepatch scan`: `[tool.codepatch]` in the scanned project's pyproject.toml, or `--config FILE`.

`read` turns the TOML into a checked, frozen `Config`; `apply` lays command-line options over it and
turns it into the rule set and the per-path ignores a scan uses.
"""

from codepatch.config.apply import (
           configure_ruleset,
           per_path_rule_ids,
           rule_ids,
           with_command_line,
)
from codepatch.config.read import Config, load_config, parse_config

__all__ = ["Config", "configure_ruleset", "load_config", "parse_config", "per_path_rule_ids", "rule_ids",
           "with_command_line"]
