"""The one way codepatch reads and writes a Python source as text: its PEP 263 encoding, a UTF-8
byte-order mark and its line endings are kept, so a fixed file differs from the original only
where the fix changed it."""

from __future__ import annotations

import io
import tokenize
from dataclasses import dataclass
from pathlib import Path

BOM_ENCODING = "utf-8-sig"  # what tokenize names a UTF-8 file that starts with a byte-order mark


class TextError(ValueError):
    """The bytes are not text in the encoding the file declares (one line, naming why)."""


@dataclass(frozen=True)
class SourceText:
    text: str  # line endings as in the file (never translated)
    encoding: str  # as tokenize names it: "utf-8", "utf-8-sig" (a BOM), "iso-8859-1", ...

    def encoded(self, text: str) -> bytes:
        """`text` in this file's encoding (with its BOM, if it had one)."""
        try:
            return text.encode(self.encoding)
        except UnicodeEncodeError as exc:
            raise TextError(f"the fixed text cannot be written in the file's encoding {self.encoding}: "
                            f"{exc.reason}") from exc


def decode(data: bytes) -> SourceText:
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return SourceText(data.decode(encoding), encoding)
    except (SyntaxError, LookupError) as exc:
        raise TextError(f"bad encoding declaration: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise TextError(f"not valid {exc.encoding} (byte {exc.start})") from exc


def read(path: Path) -> SourceText:
    """The file's text; OSError when it cannot be read, TextError when it is not text."""
    return decode(path.read_bytes())
