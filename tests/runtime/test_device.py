"""Devices: where the examples' tensors are created, TF32, and unavailable devices.

CUDA and MPS are not on the CI machine: the placement that runs examples there is
checked with torch's `meta` device, which has no kernels of its own to hide behind."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from birnn_lint.proof.device import (
    TOLERANCES,
    DeviceKind,
    DeviceUnavailable,
    FloatsOn,
    prepare,
    tf32_off,
)

META = torch.device("meta")


def test_floats_go_to_the_device_integers_stay_on_the_cpu() -> None:
    with FloatsOn(META):
        layer = nn.LSTM(3, 4, num_layers=2, bidirectional=True)
        x = torch.randn(5, 2, 3)
        h0 = torch.zeros(4, 2, 4)
        lengths = torch.tensor([5, 3])
        steps = torch.arange(2)
        pinned = torch.ones(2, device="cpu")
    assert {p.device for p in layer.parameters()} == {META}
    assert x.device == META and h0.device == META
    assert lengths.device.type == "cpu" and lengths.dtype == torch.int64
    assert steps.device.type == "cpu"
    assert pinned.device.type == "cpu"  # a device the code names is kept
    assert torch.randn(2).device.type == "cpu"  # only inside the placement


def test_cpu_runtime_and_its_tolerance() -> None:
    runtime = prepare(DeviceKind.CPU)
    assert runtime.device.type == "cpu" and runtime.notes == ("float32",)
    for tolerance in TOLERANCES.values():
        # A wrong result must be far from the truth: 1000 times the tolerance, and still
        # well below the smallest real difference of a wrong example (0.22).
        assert tolerance.wrong_gap >= 1000 * tolerance.atol
        assert tolerance.wrong_gap <= 0.05


def test_tf32_off_sets_both_switches() -> None:
    tf32_off()
    assert torch.backends.cuda.matmul.allow_tf32 is False
    assert torch.backends.cudnn.allow_tf32 is False
    assert torch.get_float32_matmul_precision() == "highest"


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_cuda_unavailable() -> None:
    with pytest.raises(DeviceUnavailable, match="CUDA is not available"):
        prepare(DeviceKind.CUDA)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device (none here)")
def test_cuda_runtime() -> None:
    runtime = prepare(DeviceKind.CUDA)
    assert runtime.device.type == "cuda" and "TF32 off (cuBLAS and cuDNN)" in runtime.notes
    with runtime.placement():
        layer = nn.GRU(3, 4)
    assert next(layer.parameters()).is_cuda
