"""A hypothesis strategy for RNN programs, drawn from the grammar of the rule catalogue.

Each program builds one recurrent layer and post-processes its results the way real code
does (and the way `rules/*.md` and the silent idioms of tests/analysis do): a random
layer kind, settings given as literals, module constants, parameters or attributes, an
import style, a binding style (module level, function, `self.` attribute), an unpacking
style, and a chain of post-processing steps in various statement forms. Programs are
valid Python, not necessarily programs that run: the linter must cope with both.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

from hypothesis import strategies as st

KINDS = ("RNN", "GRU", "LSTM")
SETTINGS = ("input_size", "hidden_size", "num_layers", "bidirectional", "batch_first")
# The values a setting can take, as source text.
VALUES = {
    "input_size": ("8", "4"),
    "hidden_size": ("16", "32"),
    "num_layers": ("1", "2", "3"),
    "bidirectional": ("True", "False"),
    "batch_first": ("True", "False"),
}
# import block, how the layer class is named ({kind}), the name bound to torch or None.
IMPORTS = {
    "from torch import nn": ("import torch\nfrom torch import nn\n", "nn.{kind}", "torch"),
    "import torch.nn as nn": ("import torch\nimport torch.nn as nn\n", "nn.{kind}", "torch"),
    "torch.nn": ("import torch\n", "torch.nn.{kind}", "torch"),
    "alias": ("import torch as T\n", "T.nn.{kind}", "T"),
    "class import": ("import torch\nfrom torch.nn import {kind}\n", "{kind}", "torch"),
    "class alias": ("import torch\nfrom torch.nn import {kind} as Rec\n", "Rec", "torch"),
    # No name for torch itself: a fix that needs torch.cat must add the import.
    "no torch name": ("from torch.nn import {kind}\n", "{kind}", None),
}
BINDINGS = ("module", "function", "local", "self")


@dataclass
class _Names:
    """What the post-processing steps can refer to."""

    layer: str  # `rnn` or `self.rnn`
    torch: str | None
    tensors: list[str] = field(default_factory=list)
    counter: int = 0

    def fresh(self) -> str:
        self.counter += 1
        return f"v{self.counter}"


# Post-processing of a tensor `{t}`; `{L}`, `{H}`, `{B}` are names bound in the program,
# `{torch}` the torch name (steps using it are left out when there is none).
INDEXES = (
    "{t}[-1]",
    "{t}[-2]",
    "{t}[0]",
    "{t}[1]",
    "{t}[:, -1]",
    "{t}[:, 0]",
    "{t}[:, -1, :]",
    "{t}[-1, :, :{H}]",
    "{t}[..., :{H}]",
    "{t}[..., {H}:]",
    "{t}[-2:]",
    "{t}[0::2]",
    "{t}[1::2]",
    "{t}[{L} - 1]",
)
METHODS = (
    "{t}.view(-1, {H})",
    "{t}.view({L}, 2, {B}, {H})",
    "{t}.view(2, {L}, {B}, {H})",
    "{t}.view({B}, -1)",
    "{t}.reshape({B}, -1)",
    "{t}.transpose(0, 1)",
    "{t}.permute(1, 0, 2)",
    "{t}.contiguous()",
    "{t}.flatten(0, 1)",
    "{t}.sum(0)",
    "{t}.mean(dim=1)",
    "{t}.squeeze(0)",
    "{t}.unsqueeze(0)",
    "{t}.detach()",
    "{t}.chunk(2, dim=-1)[0]",
    "{t}.chunk(2, dim=1)[1]",
    "{t}.split({H}, dim=-1)[0]",
    "{t}.unbind(0)[-1]",
    "{t}.transpose(0, 1).contiguous().view({B}, -1)",
    "{t}.permute(1, 0, 2).reshape({B}, -1)",
)
WITH_TORCH = (
    "{torch}.cat(({t}[-2], {t}[-1]), dim=-1)",
    "{torch}.cat(({t}[-1], {t}[-2]), 1)",
    "{torch}.cat([{t}[0:{t}.size(0):2], {t}[1:{t}.size(0):2]], 2)",
    "{torch}.stack([{t}[-2], {t}[-1]], 0)",
    "{torch}.cat({t}.unbind(0), -1)",
    "{torch}.relu({t}[-1])",
    "{torch}.cat(({t}[-1, :, :{H}], {t}[0, :, {H}:]), dim=-1)",
)
BINARY = ("{t} + {u}", "{t} * 2", "{t}[-2] + {t}[-1]")


@st.composite
def _value(draw: st.DrawFn, setting: str, where: dict[str, list[str]]) -> str:
    """A setting's value as source: a literal, a module constant, a parameter of the
    enclosing function, an attribute of an unknown object, or an expression."""
    literal = draw(st.sampled_from(VALUES[setting]))
    style = draw(st.sampled_from(("literal", "constant", "parameter", "attribute", "expression")))
    if style == "constant":
        name = setting.upper()
        where["constants"].append(f"{name} = {literal}")
        return name
    if style == "parameter":
        default = draw(st.booleans())
        where["parameters"].append(f"{setting}={literal}" if default else setting)
        return setting
    if style == "attribute":
        where["parameters"].append("cfg")
        return f"cfg.{setting}"
    if style == "expression" and literal.isdigit():
        return f"{literal} * 1"
    if style == "expression":
        return f"not (not {literal})"
    return literal


@st.composite
def _construction(draw: st.DrawFn, kind: str, layer_class: str) -> tuple[str, list, list]:
    where: dict[str, list[str]] = {"constants": [], "parameters": []}
    given = [s for s in SETTINGS if s in ("input_size", "hidden_size") or draw(st.booleans())]
    positional = draw(st.integers(0, 3))  # input_size, hidden_size, num_layers in order
    arguments = []
    for index, setting in enumerate(given):
        value = draw(_value(setting, where))
        in_order = index < positional and setting == SETTINGS[index]
        arguments.append(
            value if in_order and not any("=" in a for a in arguments) else f"{setting}={value}"
        )
    call = f"{layer_class}({', '.join(arguments)})"
    # Parameters in a valid order: without defaults first, each once.
    params: list[str] = []
    for p in where["parameters"]:
        if p.split("=")[0] not in [q.split("=")[0] for q in params]:
            params.append(p)
    params.sort(key=lambda p: "=" in p)
    return call, where["constants"], params


@st.composite
def _call(draw: st.DrawFn, kind: str, names: _Names) -> list[str]:
    """The layer call and the unpacking of its results; binds `output` and `h_n`."""
    layer, torch = names.layer, names.torch
    lines = []
    argument = "x"
    if torch is not None and draw(st.booleans()):
        rows = draw(st.sampled_from(("2 * L", "L", "L * 2", "x.size(0)", "4")))
        batch = draw(st.sampled_from(("x.size(1)", "x.size(0)", "B")))
        lines.append(f"h0 = {torch}.zeros({rows}, {batch}, H)")
        if kind == "LSTM":
            lines.append(f"c0 = {torch}.zeros_like(h0)")
        argument = "x, (h0, c0)" if kind == "LSTM" else "x, h0"
    elif torch is not None and draw(st.booleans()):
        lines.append("from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence")
        lines.append(f"lengths = {torch}.tensor([5, 3, 2, 4])")
        lines.append("x = pack_padded_sequence(x, lengths, enforce_sorted=False)")
    style = draw(st.sampled_from(("pair", "lstm pair", "result", "list", "one", "state")))
    packed = argument == "x" and any("pack_padded" in line for line in lines)
    out = "packed_output" if packed else "output"
    if style == "lstm pair" and kind == "LSTM":
        lines.append(f"{out}, (h_n, c_n) = {layer}({argument})")
    elif style == "result":
        lines.append(f"result = {layer}({argument})")
        lines.append(f"{out} = result[0]")
        lines.append("h_n = result[1]")
    elif style == "list":
        lines.append(f"[{out}, h_n] = {layer}({argument})")
    elif style == "one":
        lines.append(f"{out} = {layer}({argument})[0]")
        lines.append(f"h_n = {layer}({argument})[1]")
    elif style == "state" and kind == "LSTM":
        lines.append(f"{out}, hidden = {layer}({argument})")
        lines.append("h_n = hidden[0]" if draw(st.booleans()) else "h_n = hidden")
    else:
        lines.append(f"{out}, h_n = {layer}({argument})")
    if packed:
        first = draw(st.sampled_from(("True", "False")))
        lines.append(f"output, lengths = pad_packed_sequence(packed_output, batch_first={first})")
    names.tensors.extend(["output", "h_n"])
    return lines


@st.composite
def _step(draw: st.DrawFn, names: _Names, sizes: dict[str, str]) -> list[str]:
    """One post-processing step, in one of several statement forms."""
    t = draw(st.sampled_from(names.tensors))
    pools = [INDEXES, METHODS, BINARY]
    if names.torch is not None:
        pools.append(WITH_TORCH)
    template = draw(st.sampled_from(draw(st.sampled_from(pools))))
    u = draw(st.sampled_from(names.tensors))
    expression = template.format(t=t, u=u, torch=names.torch, **sizes)
    if draw(st.integers(0, 3)) == 0:  # chain a second step onto the first
        second = draw(st.sampled_from(INDEXES + METHODS))
        expression = second.format(t=f"({expression})", u=u, torch=names.torch, **sizes)
    target = names.fresh()
    form = draw(
        st.sampled_from(
            (
                "assign",
                "annotated",
                "call",
                "split lines",
                "semicolon",
                "guard",
                "ternary",
                "comprehension",
                "augmented",
            )
        )
    )
    if form == "annotated":
        lines = [f"{target}: object = {expression}"]
    elif form == "call":
        lines = [f"{target} = None", f"print({expression}, sep='')"]
    elif form == "split lines":
        lines = [f"{target} = (", f"    {expression}", ")"]
    elif form == "semicolon":
        lines = [f"{target} = 0; {target} = {expression}"]
    elif form == "guard":
        test = draw(st.sampled_from((f"{names.layer}.bidirectional", "isinstance(h_n, tuple)")))
        lines = [f"if {test}:", f"    {target} = {expression}", "else:", f"    {target} = {t}"]
    elif form == "ternary":
        lines = [f"{target} = {expression} if {names.layer}.bidirectional else {t}"]
    elif form == "comprehension":
        lines = [f"{target} = [{expression} for _ in range(2)][0]"]
    elif form == "augmented":
        lines = [f"{target} = {t}", f"{target} += {expression}"]
    else:
        lines = [f"{target} = {expression}"]
    names.tensors.append(target)
    return lines


@st.composite
def rnn_programs(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(KINDS))
    imports, layer_class, torch = IMPORTS[draw(st.sampled_from(sorted(IMPORTS)))]
    layer_class = layer_class.format(kind=kind)
    imports = imports.format(kind=kind)
    binding = draw(st.sampled_from(BINDINGS))
    construction, constants, params = draw(_construction(kind, layer_class))
    layer = "self.rnn" if binding == "self" else "rnn"
    names = _Names(layer=layer, torch=torch)
    sizes = {"L": "L", "H": "H", "B": "B"}

    data = f"x = {torch}.randn(5, 3, 8)" if torch else "x = make_input()"
    header = [
        f"L = {layer}.num_layers",
        f"H = {layer}.hidden_size",
        "B = x.size(1)",
    ]
    body = header + draw(_call(kind, names))
    for _ in range(draw(st.integers(1, 5))):
        body += draw(_step(names, sizes))
    body.append(f"result_value = {names.tensors[-1]}")

    out = [imports, *constants, ""]
    signature = ", ".join(params)
    if binding == "module":
        # Parameters make no sense at module level: bind them as module names.
        out += [p.replace("=", " = ") if "=" in p else f"{p} = object()" for p in params]
        out += [f"rnn = {construction}", data, *body]
    elif binding == "function":
        out += [p.replace("=", " = ") if "=" in p else f"{p} = object()" for p in params]
        out += [f"rnn = {construction}", "", "", "def run(x):"]
        out += [textwrap.indent(line, "    ") for line in body]
        out += ["    return result_value", "", "", data, "run(x)"]
    elif binding == "local":
        out += [f"def run(x, {signature}):" if signature else "def run(x):"]
        out += ["    " + f"rnn = {construction}"]
        out += [textwrap.indent(line, "    ") for line in body]
        out += ["    return result_value"]
    else:
        base = "nn.Module" if layer_class.startswith("nn.") else "object"
        init = ", ".join(["self", *params])
        out += [
            f"class Model({base}):",
            f"    def __init__({init}):",
            "        super().__init__()",
            f"        self.rnn = {construction}",
            "",
            "    def forward(self, x):",
        ]
        out += [textwrap.indent(line, "        ") for line in body]
        out += ["        return result_value"]
    return "\n".join(out) + "\n"
