"""Dispatching events to the rules and keeping what they report, by call context.

A rule that raises is switched off for the rest of the file and reported as BRN902; the
other rules' findings are kept. A report is kept per (code, node, context); at the end
the contexts of one node are merged into one report, and a fix that would be wrong in a
context where the rule saw the same code and found nothing wrong is offered as unsafe.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import libcst as cst

from birnn_lint.analysis import events as ev
from birnn_lint.analysis.context import ROOT, CallContext
from birnn_lint.analysis.contract import CheckRule
from birnn_lint.analysis.env import Env, Status

if TYPE_CHECKING:
    from birnn_lint.analysis.base import InterpreterBase


_WAITING = itertools.count(1)


@dataclass(frozen=True)
class Recorded:
    report: ev.Report
    context: CallContext
    # The code the event was about: contexts are compared per (rule, subject).
    subject: cst.CSTNode


@dataclass(frozen=True)
class RuleFailure:
    code: str
    line_node: cst.CSTNode
    error: BaseException


class Recorder:
    def __init__(self, rules: list[CheckRule], context: ev.RuleContext) -> None:
        self.rules = rules
        self.context = context
        self._handlers = [(rule, rule.handled_events()) for rule in rules]
        self.failures: list[RuleFailure] = []
        self._off: set[str] = set()
        self.reported: list[Recorded] = []
        # Held-back reports by ident, with what makes them right.
        self._waiting: dict[int, tuple[Recorded, frozenset[ev.Wait]]] = {}
        self._waiting_ids: dict[tuple[str, cst.CSTNode, CallContext], int] = {}
        self._examined: dict[tuple[str, cst.CSTNode], set[CallContext]] = {}
        self._fired: dict[tuple[str, cst.CSTNode], set[CallContext]] = {}
        # Held-back reports that left a root body through its return value, by function:
        # its callers decide them, if the file has any.
        self.returned_pending: dict[cst.CSTNode, set[int]] = {}
        self.called: set[cst.CSTNode] = set()

    def record(
        self,
        event: ev.Event,
        context: CallContext,
        statement: cst.CSTNode,
        interp: InterpreterBase,
    ) -> list[int]:
        """Hand `event` to the rules; return the idents of the reports that wait."""
        subject = ev.subject_node(event)
        waiting: list[int] = []
        for rule, kinds in self._handlers:
            if rule.code in self._off or not isinstance(event, kinds):
                continue
            self._examined.setdefault((rule.code, subject), set()).add(context)
            before = len(self.context.reports)
            self.context.at = subject
            try:
                rule.handler(event)(event, self.context)
            except Exception as error:  # noqa: BLE001 - one rule's bug must not cost the rest
                del self.context.reports[before:]
                self._off.add(rule.code)
                self.failures.append(RuleFailure(rule.code, subject, error))
                continue
            new = self.context.reports[before:]
            del self.context.reports[before:]
            for report, wait in new:
                if isinstance(event, (ev.IndexEvent, ev.GatherEvent, ev.TupleIndexEvent)):
                    wait = wait | {ev.Wait.USE}  # a value only measured computes nothing
                self._fired.setdefault((rule.code, subject), set()).add(context)
                recorded = Recorded(replace(report, statement=statement), context, subject)
                if not wait:
                    self.reported.append(recorded)
                    continue
                key = (report.code, report.node, context)
                if key not in self._waiting_ids:  # unique in the process: files share values
                    self._waiting_ids[key] = next(_WAITING)
                ident = self._waiting_ids[key]
                self._waiting[ident] = (recorded, wait)
                waiting.append(ident)
        return waiting

    def waits_for(self, ident: int) -> frozenset[ev.Wait]:
        """What makes the held-back report `ident` right."""
        found = self._waiting.get(ident)
        return found[1] if found is not None else frozenset()

    def settle(self, env: Env, keep: Collection[int] = ()) -> None:
        """At the end of a root body: held-back reports whose value was used before it was
        made right, on some path, are reported, except those in `keep` (decided
        elsewhere). A value never used computes nothing wrong."""
        for ident, status in env.pending.items():
            if ident in keep or status is not Status.USED or ident not in self._waiting:
                continue
            self.reported.append(self._waiting[ident][0])

    # ---------------------------------------------------------------- the result

    def merged(self) -> list[ev.Report]:
        """One report per (code, node): the contexts' messages merged, the fix downgraded
        where it would be wrong in another context."""
        groups: dict[tuple[str, cst.CSTNode], list[Recorded]] = {}
        for recorded in self.reported:
            groups.setdefault((recorded.report.code, recorded.report.node), []).append(recorded)
        out: list[ev.Report] = []
        for (code, _), records in groups.items():
            contexts = {r.context for r in records}
            first = next((r for r in records if r.context == ROOT), records[0])
            report = first.report
            if first.context != ROOT:
                others = sorted(
                    {r.context.describe() for r in records} - {first.context.describe()}
                )
                where = first.context.describe() + "".join(f"; also {o}" for o in others)
                report = replace(report, message=f"{report.message} ({where})")
            examined = self._examined.get((code, first.subject), set())
            fired = self._fired.get((code, first.subject), set()) | contexts
            fix = report.fix
            if fix is not None and fix.applicability is ev.Applicability.SAFE and examined - fired:
                fix = replace(
                    fix,
                    applicability=ev.Applicability.UNSAFE,
                    message=f"{fix.message} (unsafe: the same code is also reached where it "
                    "is right)",
                )
                report = replace(report, fix=fix)
            out.append(self._with_torch_name(report, first.subject))
        return out

    def _with_torch_name(self, report: ev.Report, at: cst.CSTNode) -> ev.Report:
        """The report with the name torch goes by where it is put in its fix's code (rules
        write `RuleContext.torch`, a stand-in), and the import a fix needing torch adds."""
        fix = report.fix
        if fix is None or not (
            fix.needs_torch or any(ev.TORCH_NAME in code for _, code in fix.replacements)
        ):
            return report
        name, edit = self.context.torch_at(at)
        replacements = tuple(
            (node, code.replace(ev.TORCH_NAME, name)) for node, code in fix.replacements
        )
        torch_import = edit if fix.needs_torch else fix.torch_import
        fix = replace(fix, replacements=replacements, torch_import=torch_import)
        message = report.message.replace(ev.TORCH_NAME, name)
        return replace(report, fix=fix, message=message)
