"""What a name in a module refers to, from its import statements and assignments.

Replaces libcst's QualifiedNameProvider (a whole-module scope analysis that cost most of
the time of a file that builds a layer) with one walk that records, per scope, how each
name is bound (scopes.py), and a lazy, memoised lookup by Python's scoping rules.

The analysis is flow-insensitive: every binding of a name in its scope counts, whichever
branch it is in (`try: import ...`, `if TYPE_CHECKING:`). A name resolves to a qualified
name (`nn.LSTM` -> "torch.nn.LSTM", relative imports as ".encoders.Encoder") only when all
its bindings agree and none is a value we cannot follow: `import torch.nn as nn` beside
`nn = MyNN()` may be either at any use, and calling it torch's would let a rule speak
about something that is not a recurrent layer, so it resolves to nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Protocol

import libcst as cst

from birnn_lint.analysis.per_module import PerModule
from birnn_lint.analysis.scopes import (
    BindingKind,
    ImportedName,
    ModuleScopes,
    Scope,
    ScopeKind,
    join_names,
)
from birnn_lint.project.symbols import is_torch

__all__ = [
    "FRAGMENT_NAMES",
    "TORCH_STAR_EXPORTS",
    "ImportedName",
    "Resolution",
    "Resolver",
    "StarReader",
]

_LAYERS = "RNNBase RNN GRU LSTM RNNCellBase RNNCell GRUCell LSTMCell "
_MODULES = "Module ModuleList ModuleDict Sequential Dropout LayerNorm Linear Embedding "
# Names a star import from these torch modules brings that the analysis may ask about
# (tests check each against torch's own `from ... import *`). A name missing here only
# stays unresolved.
TORCH_STAR_EXPORTS: Mapping[str, frozenset[str]] = {
    module: frozenset(names.split())
    for module, names in {
        "torch": "Tensor abs arange cat chunk concat concatenate dropout empty exp flatten "
        "full gather index_select log mean movedim neg ones permute rand randn relu reshape "
        "sigmoid split squeeze stack sum tanh transpose unbind unsqueeze zeros",
        "torch.nn": _LAYERS + _MODULES + "functional init modules utils",
        "torch.nn.modules": _LAYERS + _MODULES,
        "torch.nn.modules.rnn": _LAYERS,
        "torch.nn.functional": "dropout elu gelu relu sigmoid tanh",
        "torch.nn.utils.rnn": "PackedSequence pack_padded_sequence pack_sequence "
        "pad_packed_sequence pad_sequence",
    }.items()
}


# Names a fragment (a notebook cell pasted into a script, a file whose torch names come
# from elsewhere) uses without binding them: read as torch's where nothing binds them and
# the file uses torch (see `Resolver._fragment`).
FRAGMENT_NAMES: Mapping[str, str] = {
    "torch": "torch",
    "nn": "torch.nn",
    "LSTM": "torch.nn.LSTM",
    "GRU": "torch.nn.GRU",
    "RNN": "torch.nn.RNN",
}


@dataclass(frozen=True)
class Resolution:
    """Everything a name may refer to. `targets`: qualified names from imports (through
    aliases); `opaque`: some binding is a value we do not follow; `via_star`: qualified
    names through star imports of modules whose exports are not known here
    (`from utils import *` then `nn.LSTM` gives "utils.nn.LSTM"), for a cross-file
    analysis to follow."""

    targets: frozenset[str] = frozenset()
    opaque: bool = False
    via_star: frozenset[str] = frozenset()

    @property
    def unique(self) -> str | None:
        if self.opaque or self.via_star or len(self.targets) != 1:
            return None
        return next(iter(self.targets))

    def __or__(self, other: Resolution) -> Resolution:
        return Resolution(
            self.targets | other.targets,
            self.opaque or other.opaque,
            self.via_star | other.via_star,
        )

    def suffixed(self, suffix: str) -> Resolution:
        if not suffix:
            return self
        return Resolution(
            frozenset(t + suffix for t in self.targets),
            self.opaque,
            frozenset(t + suffix for t in self.via_star),
        )


_OPAQUE = Resolution(opaque=True)
_NOTHING = Resolution()


class StarReader(Protocol):
    """What a star import of a module other than torch's brings (the project's modules
    are read by birnn_lint.analysis.project_stars)."""

    def through(self, star: ImportedName, name: str) -> Resolution | None:
        """What `name` is through `from <star> import *`: an empty Resolution when the
        module does not bring it, None when that cannot be known (a module outside the
        project, one that cannot be read)."""


# A module's scopes are the same whichever analysis reads it.
_module_scopes = PerModule(ModuleScopes)


class Resolver:
    """Name resolution for one module: build once (one walk), then ask per node.
    `stars` reads star imports of modules other than torch's (None: they are unknown)."""

    def __init__(self, module: cst.Module, stars: StarReader | None = None) -> None:
        found = _module_scopes(module)
        self.stars = stars
        self._uses_torch: bool | None = None
        self.module_scope = found.module_scope
        self.star_imports = found.star_imports
        self._scope_of = found.scope_of
        self._scopes = found.scopes
        self._memo: dict[tuple[int, str], Resolution] = {}
        self._active: set[tuple[int, str]] = set()
        self._cycles = 0

    # ------------------------------------------------------------------ queries

    def qualified(self, node: cst.CSTNode) -> str | None:
        """The one qualified name a Name or dotted Attribute refers to, else None."""
        return self.resolve(node).unique

    def resolve(self, node: cst.CSTNode) -> Resolution:
        suffix = ""
        while type(node) is cst.Attribute:
            suffix = "." + node.attr.value + suffix
            node = node.value
        if type(node) is cst.IfExp:  # only as an alias's value
            return (self.resolve(node.body) | self.resolve(node.orelse)).suffixed(suffix)
        if type(node) is not cst.Name:
            return _OPAQUE
        scope = self._scope_of.get(node)
        if scope is None:  # a node built after parsing, not part of the module
            return _OPAQUE
        return self.lookup(scope, node.value).suffixed(suffix)

    def lookup(self, scope: Scope, name: str) -> Resolution:
        """What `name` used in `scope` refers to."""
        current = scope
        while True:
            if name in current.globals:
                current = self.module_scope
            if name in current.bindings and name not in current.nonlocals:
                return self._from_bindings(current, name)
            if current.parent is None:
                return self._from_stars(name)
            current = current.parent
            while current.kind is ScopeKind.CLASS:  # never encloses what is inside it
                assert current.parent is not None
                current = current.parent

    def resolve_global(self, name: str) -> Resolution:
        """What the module-level `name` refers to (for a module importing it)."""
        return self.lookup(self.module_scope, name)

    @functools.cached_property
    def imports(self) -> dict[str, tuple[ImportedName, ...]]:
        """Module-level names bound by imports (in any branch), to what they import
        (computed once: the module's bindings do not change after resolution)."""
        out: dict[str, tuple[ImportedName, ...]] = {}
        for name, bindings in self.module_scope.bindings.items():
            found = tuple(b.imported for b in bindings if b.imported is not None)
            if found:
                out[name] = found
        return out

    @property
    def top_level_names(self) -> frozenset[str]:
        """Every name bound at module level (also by `global` in a function)."""
        return frozenset(self.module_scope.bindings)

    def star_exports(self) -> frozenset[str] | None:
        """The names `from this_module import *` brings, where they are known: a literal
        `__all__`, else the public top-level names; None when `__all__` is computed."""
        bindings = self.module_scope.bindings.get("__all__")
        if not bindings:
            return frozenset(n for n in self.module_scope.bindings if not n.startswith("_"))
        names: set[str] = set()
        for binding in bindings:
            node = binding.node
            value = node.value if isinstance(node, (cst.Assign, cst.AnnAssign)) else None
            if not isinstance(value, (cst.List, cst.Tuple)):
                return None
            for element in value.elements:
                text = element.value
                if type(text) is not cst.SimpleString:
                    return None
                names.add(text.evaluated_value)  # type: ignore[arg-type]
        return frozenset(names)

    def scopes(self) -> Iterator[Scope]:
        return iter(self._scopes)

    # ------------------------------------------------------------------ lookups

    def _from_bindings(self, scope: Scope, name: str) -> Resolution:
        key = (id(scope), name)
        if key in self._memo:
            return self._memo[key]
        if key in self._active:  # `LSTM = LSTM`, `A = B; B = A`: adds nothing
            self._cycles += 1
            return _NOTHING
        self._active.add(key)
        cycles = self._cycles
        result = _NOTHING
        for binding in scope.bindings[name]:
            if binding.kind is BindingKind.IMPORT:
                assert binding.imported is not None
                result = result | Resolution(frozenset({binding.imported.qualified}))
            elif binding.kind is BindingKind.ALIAS:
                assert binding.value is not None
                result = result | self.resolve(binding.value)
            elif binding.kind is BindingKind.OTHER:
                result = result | _OPAQUE
        self._active.discard(key)
        if cycles == self._cycles:  # a result cut short by a cycle is not kept
            self._memo[key] = result
        return result

    def _from_stars(self, name: str) -> Resolution:
        """A name no scope binds: from a star import, a fragment's torch name, or a
        builtin."""
        found = _NOTHING
        unknown: set[str] = set()
        for star in self.star_imports:
            module = star.qualified
            exports = TORCH_STAR_EXPORTS.get(module)
            if exports is not None:
                if name in exports:
                    found = found | Resolution(frozenset({join_names(module, name)}))
                continue
            through = self.stars.through(star, name) if self.stars is not None else None
            if through is None:
                unknown.add(join_names(module, name))
            else:
                found = found | through
        if not found.targets and not found.opaque and not found.via_star:
            fragment = self._fragment(name, bool(unknown))
            if fragment is not None:
                return fragment
        # Found nowhere: a builtin (`None`, `object`), a value we do not follow.
        nowhere = not found.targets and not found.via_star and not unknown
        return Resolution(
            found.targets, found.opaque or nowhere, found.via_star | frozenset(unknown)
        )

    # ------------------------------------------------------------------ fragments

    def _fragment(self, name: str, unknown_star: bool) -> Resolution | None:
        """`nn`, `LSTM`, `GRU`, `RNN` (and `torch`) that nothing in the file or the
        modules it star-imports binds: torch's, in a file that uses torch.

        `torch` itself is read as torch wherever nothing binds it. The others need the
        file to use torch (`uses_torch`). A star import of a module that cannot be read
        (outside the project) may bind any name: there only `nn` is still read as
        torch's (`from fastai.text import *` then `nn.LSTM`), the bare class names stay
        unknown (`from keras.layers import *` binds its own LSTM)."""
        qualified = FRAGMENT_NAMES.get(name)
        if qualified is None:
            return None
        if name != "torch":
            if unknown_star and name != "nn":
                return None
            if not self.uses_torch:
                return None
        return Resolution(frozenset({qualified}))

    @property
    def uses_torch(self) -> bool:
        """Whether the file uses torch: it imports torch or a module of torch (in any
        scope, `from torch.nn import *` included), or reads the name `torch` where it
        resolves to torch (nothing binds it, or a star-imported module of the project
        imports it). Computed once, on the first fragment name asked about."""
        if self._uses_torch is None:
            self._uses_torch = self._imports_torch() or self._reads_torch()
        return self._uses_torch

    def _imports_torch(self) -> bool:
        if any(is_torch(star.qualified) for star in self.star_imports):
            return True
        return any(
            binding.imported is not None and is_torch(binding.imported.qualified)
            for scope in self._scopes
            for bindings in scope.bindings.values()
            for binding in bindings
        )

    def _reads_torch(self) -> bool:
        for node, scope in self._scope_of.items():
            if node.value == "torch" and self.lookup(scope, "torch").unique == "torch":
                return True
        return False
