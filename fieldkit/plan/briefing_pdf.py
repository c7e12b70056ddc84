"""briefing.pdf: the briefing pack's HTML printed by WeasyPrint, which may fetch nothing."""

from __future__ import annotations

import logging
from typing import Any

from fieldkit.errors import UserError
from fieldkit.plan.briefing import briefing_html
from fieldkit.plan.records import Plan


def _refusing_fetcher() -> Any:
    """A URL fetcher that refuses every URL: the pack is self-contained and a page made from
    a playbook must never reach a network or read a file."""
    from weasyprint.urls import URLFetcher

    class Refuse(URLFetcher):  # type: ignore[misc]
        refused: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            self.refused.append(url)
            raise ValueError(f"the briefing pack fetches nothing ({url[:80]})")

    return Refuse()


class PdfUnavailable(UserError):
    """WeasyPrint or the system libraries it draws with (Pango) cannot be loaded."""


def _weasyprint_html() -> Any:
    """WeasyPrint's HTML class; PdfUnavailable when it or Pango cannot be loaded."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:
        raise PdfUnavailable(
            f"briefing.pdf not written: WeasyPrint cannot start ({str(exc)[:120]}); install "
            "it and Pango (apt-get install libpango-1.0-0 libpangoft2-1.0-0)"
        ) from None
    return HTML


def pdf_from_html(html: str) -> bytes:
    """A PDF of a self-contained page (no URL it names is fetched)."""
    page = _weasyprint_html()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    pdf: bytes = page(string=html, base_url=None, url_fetcher=_refusing_fetcher()).write_pdf()
    return pdf


def briefing_pdf(plan: Plan) -> bytes:
    """The briefing pack as a PDF: A4, the marking top and bottom of every page, numbered."""
    return pdf_from_html(briefing_html(plan))
