"""Shared pieces of the policy-rule files under ``factors/rules/``: confidence marks, the cited
source of a rule, and reading TOML with errors that name the file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from .errors import RuleError

__all__ = ["Confidence", "Source", "read_toml"]

#: ``verified`` — read in the original; ``secondary`` — a faithful reprint; ``unverified``.
Confidence = Literal["verified", "secondary", "unverified"]


class Source(BaseModel):
    """A document a rule rests on (standard, notice, local scheme), with its confidence mark."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = ""
    title: str
    number: str = ""
    issuer: str = ""
    date: str = ""
    url: str = ""
    confidence: Confidence = "unverified"
    note: str = ""


def read_toml(path: str | Path) -> dict[str, Any]:
    """Parse a TOML file; a syntax error becomes a `RuleError` naming the file and the line."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"{path}: not valid TOML: {exc}") from exc
