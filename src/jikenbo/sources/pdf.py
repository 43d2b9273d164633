"""PDF → text from its text layer with pypdf; scanned, encrypted or damaged PDFs are refused."""
from __future__ import annotations

import io
import logging

from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, PdfReadError, PdfStreamError

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
    except FileNotDecryptedError:
        raise InputError(name, "encrypted PDF that needs a password; save an unlocked copy") from None
    except (PdfReadError, PdfStreamError, ValueError, KeyError, TypeError, OSError) as error:
        raise InputError(name, f"truncated or damaged PDF ({type(error).__name__}); "
                               "download it again") from None
    text = "\n\n".join(page.strip() for page in pages if page.strip())
    if not text:
        raise InputError(name, "PDF has no text layer (a scan?); run OCR on it first")
    return text
