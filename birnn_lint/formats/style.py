"""Colours for the text formats; plain text when colour is off."""

from __future__ import annotations

import click


class Style:
    def __init__(self, color: bool) -> None:
        self.color = color

    def _paint(self, text: str, fg: str | None = None, bold: bool | None = None) -> str:
        return click.style(text, fg=fg, bold=bold) if self.color else text

    def path(self, text: str) -> str:
        return self._paint(text, bold=True)

    def code(self, text: str) -> str:
        return self._paint(text, fg="red", bold=True)

    def marker(self, text: str) -> str:
        return self._paint(text, fg="cyan")

    def caret(self, text: str) -> str:
        return self._paint(text, fg="red", bold=True)

    def gutter(self, text: str) -> str:
        return self._paint(text, fg="blue", bold=True)

    def help(self, text: str) -> str:
        return self._paint(text, fg="cyan", bold=True)
