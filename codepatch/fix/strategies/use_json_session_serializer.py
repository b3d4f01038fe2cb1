"""`SESSION_SERIALIZER = "...PickleSerializer"` → Django's `JSONSerializer` (its default since 1.6).

Sessions then hold only JSON: code that stores other objects in the session (a model instance, a
`datetime`) fails, loudly, where it stores them, and the project's tests say whether any does.
"""

from __future__ import annotations

import libcst as cst

from codepatch.fix import strings
from codepatch.fix.examples import Fix
from codepatch.fix.target import TargetedCommand

JSON_SERIALIZER = "django.contrib.sessions.serializers.JSONSerializer"


class UseJsonSessionSerializer(TargetedCommand):
    NAME = "use_json_session_serializer"
    DESCRIPTION = "Store sessions as JSON with Django's JSONSerializer instead of pickle"

    def visit_Module(self, node: cst.Module) -> None:
        self.found = self.locate(node, cst.Assign, what="SESSION_SERIALIZER setting",
                                 accept=lambda n: (strings.literal(n.value) or "").endswith("PickleSerializer"))

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign:
        if original_node is not self.found:
            return updated_node
        quote = updated_node.value.value[-1] if isinstance(updated_node.value, cst.SimpleString) else '"'
        return updated_node.with_changes(value=cst.SimpleString(f"{quote}{JSON_SERIALIZER}{quote}"))


EXAMPLES = (
    Fix('SESSION_SERIALIZER = "django.contrib.sessions.serializers.PickleSerializer"\n',
        'SESSION_SERIALIZER = "django.contrib.sessions.serializers.JSONSerializer"\n', at="SESSION_SERIALIZER"),
)


STRATEGY = UseJsonSessionSerializer
