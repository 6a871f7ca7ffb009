"""Where the examples run (CPU, CUDA or MPS) and the tolerances that fit its arithmetic.

The examples build their layer and input with plain `nn.GRU(...)` / `torch.randn(...)`;
to run them on a device, every new floating-point tensor (the layer's parameters, the
input, an initial state) is created on it, while integer tensors (sequence lengths,
indices) stay on the CPU, where a user moving model and input to a GPU keeps them and
where `pack_padded_sequence` wants its lengths. The truths are always computed on the
CPU (`truths.reference`), so a device's kernels are checked against the CPU's.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import torch
from torch.overrides import TorchFunctionMode

from birnn_lint.strenum import StrEnum


class DeviceKind(StrEnum):
    CPU = "cpu"
    CUDA = "cuda"
    MPS = "mps"


class DeviceUnavailable(RuntimeError):
    """The device asked for is not usable with the installed torch."""


@dataclass(frozen=True)
class Tolerance:
    """Values equal the truth when `allclose(atol, rtol)`; a claim that code is wrong
    needs a result that raises, has another shape, or differs by at least `wrong_gap`
    somewhere, far above rounding, so no proof passes or fails by rounding."""

    atol: float
    rtol: float
    wrong_gap: float


# float32 everywhere. CPU: the harness's historical tolerance. CUDA with TF32 off and
# MPS compute float32 in other kernels than the CPU truth, hence a looser atol. The
# smallest real difference of a wrong example on the CPU is 0.22 (BRN005).
TOLERANCES = {
    DeviceKind.CPU: Tolerance(atol=1e-6, rtol=1e-5, wrong_gap=1e-3),
    DeviceKind.CUDA: Tolerance(atol=1e-5, rtol=1e-5, wrong_gap=1e-2),
    DeviceKind.MPS: Tolerance(atol=5e-5, rtol=1e-4, wrong_gap=5e-2),
}


@dataclass(frozen=True)
class Runtime:
    """A prepared device: run examples inside `placement()`."""

    kind: DeviceKind
    device: torch.device
    tolerance: Tolerance
    notes: tuple[str, ...]  # how the device's arithmetic was set, for the output

    def placement(self) -> contextlib.AbstractContextManager[Any]:
        if self.kind is DeviceKind.CPU:
            return contextlib.nullcontext()
        return FloatsOn(self.device)

    def describe(self) -> str:
        name = str(self.device)
        if self.kind is DeviceKind.CUDA:
            name += f" ({torch.cuda.get_device_name(self.device)})"
        return name


def prepare(kind: DeviceKind) -> Runtime:
    """Check the device is usable and set its arithmetic for the proofs (process-wide:
    the proofs are what this process runs)."""
    warnings.filterwarnings("ignore", message="Failed to initialize NumPy")
    notes: list[str] = ["float32"]
    if kind is DeviceKind.CPU:
        torch.set_num_threads(1)  # tiny layers: one thread is fastest and repeatable
        device = torch.device("cpu")
    elif kind is DeviceKind.CUDA:
        if not torch.cuda.is_available():
            build = "a CPU-only build" if torch.version.cuda is None else "no CUDA device"
            raise DeviceUnavailable(f"CUDA is not available to torch {torch.__version__} ({build})")
        tf32_off()
        notes.append("TF32 off (cuBLAS and cuDNN)")
        device = torch.device("cuda", torch.cuda.current_device())
    else:
        mps = getattr(torch.backends, "mps", None)
        if mps is None or not mps.is_available():
            raise DeviceUnavailable(f"MPS is not available to torch {torch.__version__}")
        device = torch.device("mps")
    return Runtime(kind, device, TOLERANCES[kind], tuple(notes))


def tf32_off() -> None:
    """Full float32 precision in matrix products and cuDNN's RNN kernels. The legacy
    switches set torch's newer per-operator precisions consistently (cuDNN RNN and conv to
    "none", matmul to "ieee"), so reading either API afterwards agrees; read back to be
    sure."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch may call these switches deprecated
        torch.set_float32_matmul_precision("highest")
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
        if torch.backends.cuda.matmul.allow_tf32 or torch.backends.cudnn.allow_tf32:
            raise DeviceUnavailable("torch did not turn TF32 off")


def _constructors() -> frozenset[Callable[..., Any]]:
    """torch's tensor factories (those `with torch.device(...)` redirects)."""
    try:
        from torch.utils._device import _device_constructors

        return frozenset(_device_constructors())
    except (ImportError, AttributeError):  # a torch that moved the private helper
        names = ("empty", "zeros", "ones", "full", "rand", "randn", "randint", "arange")
        return frozenset(getattr(torch, name) for name in (*names, "tensor", "eye", "linspace"))


class FloatsOn(TorchFunctionMode):
    """New floating-point tensors go to `device`; integer and bool ones stay on the CPU."""

    def __init__(self, device: torch.device) -> None:
        super().__init__()
        self.device = device
        self.constructors = _constructors()

    def __torch_function__(
        self,
        func: Callable[..., Any],
        types: Any,
        args: tuple[Any, ...] = (),
        kwargs: dict[str, Any] | None = None,
    ) -> Any:
        kwargs = kwargs or {}
        result = func(*args, **kwargs)
        if (
            func in self.constructors
            and kwargs.get("device") is None
            and isinstance(result, torch.Tensor)
            and result.is_floating_point()
        ):
            return result.to(self.device)
        return result


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """torch's advice (non-contiguous RNN weights after moving parameters one by one, a
    projection warning) is noise while proving."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield
