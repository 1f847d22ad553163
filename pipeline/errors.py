"""One root exception, with codes that name their source."""

from __future__ import annotations

__all__ = ["BgpressError", "InputError", "RuleError", "ModelNotFoundError"]


class BgpressError(Exception):
    """Root of every error bgpress raises on purpose."""

    code = "E000"

    def __init__(self, message: str, *, source: str | None = None) -> None:
        self.source = source
        prefix = f"[{self.code}]" + (f" {source}:" if source else "")
        super().__init__(f"{prefix} {message}")
        self.message = message


class InputError(BgpressError):
    """A document could not be read or decoded (the batch records it and goes on)."""

    code = "E100"

    def __init__(self, message: str, *, kind: str = "input", source: str | None = None) -> None:
        self.kind = kind
        super().__init__(message, source=source)


class RuleError(BgpressError):
    """A rule file is malformed (names the file and rule id)."""

    code = "E200"


class ModelNotFoundError(BgpressError):
    """A statistical model directory is missing or unreadable."""

    code = "E300"
