"""PDF → text from its text layer with pypdf; scanned, encrypted or damaged PDFs are refused."""
from __future__ import annotations

import io
import logging

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError

from jikenbo.errors import InputError

# pypdf logs recoverable damage as warnings; a truncated file is reported by us instead.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def pdf_text(name: str, data: bytes) -> str:
    """Return the text of every page, pages separated by blank lines."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(name, "encrypted PDF that needs a password; save an unlocked copy")
        pages = [page.extract_text() or "" for page in reader.pages]
    except InputError:
        raise
    except Exception as error:  # noqa: BLE001 — pypdf raises many kinds on hostile files
        raise InputError(name, _why(error)) from None
    text = "\n\n".join(page.strip() for page in pages if page.strip())
    if not text:
        raise InputError(name, "PDF has no text layer (a scan?); run OCR on it first")
    return text


def _why(error: Exception) -> str:
    """One line saying why pypdf could not read a PDF."""
    if isinstance(error, FileNotDecryptedError):
        return "encrypted PDF that needs a password; save an unlocked copy"
    if isinstance(error, DependencyError):
        if "AES" in str(error):
            return "AES-encrypted PDF, which cannot be decrypted here; save an unlocked copy"
        return f"PDF needs a decoder that is not installed ({error}); save it as text"
    if isinstance(error, LimitReachedError):
        return "PDF expands past the decompression limit (a compression bomb?); refused"
    if isinstance(error, RecursionError):
        return "PDF objects refer to themselves or nest too deep (a cyclic page tree?); refused"
    if isinstance(error, NotImplementedError):
        return f"PDF uses a feature the reader does not implement ({error}); save it as text"
    if isinstance(error, MemoryError):
        return "PDF needs more memory than allowed to read; refused"
    return f"truncated or damaged PDF ({type(error).__name__}); download it again"
