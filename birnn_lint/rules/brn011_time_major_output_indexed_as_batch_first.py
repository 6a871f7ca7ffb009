"""BRN011: `output[:, -1]` of a time-major layer takes the last sample, not the last step."""

from __future__ import annotations

from birnn_lint.analysis.contract import CheckRule
from birnn_lint.analysis.events import IndexEvent, RuleContext
from birnn_lint.registry import FixAvailability, FixSafety
from birnn_lint.rules._common import last_sample_read, report_last_sample


class TimeMajorOutputIndexedAsBatchFirst(CheckRule):
    code = "BRN011"
    name = "time-major-output-indexed-as-batch-first"
    fix_safety = FixSafety.UNSAFE
    fix_availability = FixAvailability.SOMETIMES

    def on_index(self, event: IndexEvent, ctx: RuleContext) -> None:
        if last_sample_read(event, batch_axis=1):
            report_last_sample(type(self), event, ctx, batch_axis=1, meant="-1")
