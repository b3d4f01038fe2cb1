"""Which inputs of a sink call are dangerous: the rule's argument positions and keywords (or the
first element of a list argument), `*args` where a position falls in it, and the receiver."""

from __future__ import annotations

from collections.abc import Callable

from codepatch.analysis.flows import Flow
from codepatch.ruleset.model import SinkSpec


def dangerous_inputs(sink: SinkSpec, call: dict, resolve: Callable[[list], Flow], args: list[Flow],
                     kwargs: dict[str, Flow], receiver: Flow, star: Flow) -> list[tuple[Flow, dict | None]]:
    """Each dangerous input's flow, with its argument's facts (None: no single argument's)."""
    inputs: list[tuple[Flow, dict | None]] = []
    for i in sink.args:
        if i < len(args):
            element0 = call["args"][i].get("el0")
            if sink.element0 and element0 is not None:
                inputs.append((resolve(element0), None))
            else:
                inputs.append((args[i], call["args"][i]))
        elif star:
            inputs.append((star, None))
    inputs.extend((kwargs[name], call["kw"][name]) for name in sink.kwargs if name in kwargs)
    if sink.receiver:
        # A receiver (a parser, a path object) is never reported unproven: only its flow counts.
        inputs.append((receiver, {"receiver": True, "str": call.get("recv_str", False),
                                  "whole": call.get("recv_whole")}))
    return inputs
