"""What a cross-file resolution answers with."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path

from birnn_lint.project.summary import AssignmentInfo, ClassInfo, FunctionInfo


class SymbolKind(enum.Enum):
    CLASS = "class"
    FUNCTION = "function"
    ASSIGNMENT = "assignment"
    MODULE = "module"  # a module or package of the project
    EXTERNAL = "external"  # something from outside the project (torch, a missing module)


@dataclass(frozen=True)
class Symbol:
    kind: SymbolKind
    # The name in its defining module; for MODULE and EXTERNAL the dotted name
    # (`models.rnn`, `torch.nn.LSTM`).
    name: str
    path: Path | None  # the defining file; None for EXTERNAL and namespace packages
    module: str  # the defining module's dotted name ("" for EXTERNAL)
    line: int  # 1-based first line of the definition; 0 for MODULE and EXTERNAL
    end_line: int
    info: ClassInfo | FunctionInfo | AssignmentInfo | None = None

    @property
    def qualified_name(self) -> str:
        """`torch.nn.LSTM`, `models.rnn.Encoder`, `models.rnn` (best effort for a module
        imported only relatively: its name counts from the nearest source root)."""
        if self.kind in (SymbolKind.MODULE, SymbolKind.EXTERNAL) or not self.module:
            return self.name
        return f"{self.module}.{self.name}"

    @property
    def is_torch(self) -> bool:
        """Whether this is torch or something in it (external or torch's own source)."""
        return is_torch(self.qualified_name)


def is_torch(qualified: str) -> bool:
    """Whether a dotted name is torch or inside it (`torch.nn.LSTM`, not `torchvision`)."""
    return qualified == "torch" or qualified.startswith("torch.")


@dataclass(frozen=True)
class StarBinding:
    """A name that a file's `from module import *` brings in."""

    name: str
    module: str  # the star-imported module's dotted name
    via: Path  # that module's file
    symbol: Symbol | None  # where the name finally comes from; None: unreadable
