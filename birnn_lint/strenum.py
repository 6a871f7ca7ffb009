"""`StrEnum` for Python 3.10 (the standard library has it from 3.11 on): members are
strings, so they compare equal to, print and format as their values."""

from __future__ import annotations

from enum import Enum


class StrEnum(str, Enum):
    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)
