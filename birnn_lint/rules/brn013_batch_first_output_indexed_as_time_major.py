"""BRN013: `output[-1]` of a batch-first layer takes the last sample, not the last step."""

from __future__ import annotations

from birnn_lint.analysis.contract import CheckRule
from birnn_lint.analysis.events import IndexEvent, RuleContext
from birnn_lint.registry import FixAvailability, FixSafety
from birnn_lint.rules._common import last_sample_read, report_last_sample


class BatchFirstOutputIndexedAsTimeMajor(CheckRule):
    code = "BRN013"
    name = "batch-first-output-indexed-as-time-major"
    fix_safety = FixSafety.UNSAFE
    fix_availability = FixAvailability.SOMETIMES

    def on_index(self, event: IndexEvent, ctx: RuleContext) -> None:
        if last_sample_read(event, batch_axis=0):
            report_last_sample(type(self), event, ctx, batch_axis=0, meant=":, -1")
