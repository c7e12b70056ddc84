"""Playbook text in briefing.md stays literal text, and briefing.pdf fetches nothing."""

from __future__ import annotations

import html
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from fieldkit.plan import briefing_pdf
from fieldkit.plan.briefing import briefing_markdown, md_text
from fieldkit.plan.briefing_pdf import pdf_from_html
from fieldkit.plan.solve import solve
from fieldkit.plan.write import write_plan
from fieldkit.playbook import load_playbook, load_text
from fieldkit.workspace import init_workspace
from tests.support.hostile_pages import hostile_playbook, payload
from tests.support.playbooks import small_barnet, write_playbook

MARKDOWN = MarkdownIt("commonmark")


def _markdown_payload(tag: str) -> str:
    """Markdown that would become a link, an image, emphasis, a heading or HTML if unescaped."""
    links = "[click](javascript:alert(1)) ![x](http://198.51.100.7/x.png)"
    return f"# {tag} {links} *em* | `c` {payload(tag)}"


#: CommonMark itself turns NUL into U+FFFD; every other character must come through.
@given(st.text(st.characters(exclude_characters="\x00"), max_size=80))
def test_any_text_renders_as_itself(text: str) -> None:
    flat = " ".join(text.split())
    shown = MARKDOWN.render(md_text(text))
    if not flat:
        assert shown.strip() == ""
        return
    assert shown.startswith("<p>") and shown.rstrip().endswith("</p>"), shown
    assert html.unescape(shown.strip()[3:-4]) == flat


@pytest.mark.parametrize("text", ["0.", "1. Information", "12) twelve", "- dash", "+", "= a"])
def test_a_text_that_opens_like_a_list_shows_no_backslash(text: str) -> None:
    shown = MARKDOWN.render(md_text(text))
    assert shown == f"<p>{html.escape(text, quote=False)}</p>\n"
    assert MARKDOWN.render(f"## {md_text(text)}") == f"<h2>{html.escape(text, quote=False)}</h2>\n"


def test_a_hostile_playbook_makes_no_markup_in_briefing_md() -> None:
    data, cache = hostile_playbook(_markdown_payload)
    data["venues"] = [v for v in data["venues"] if "address" not in v]
    book = load_text(yaml.safe_dump(data, allow_unicode=True), "hostile.yaml")
    plan = solve(book, time_limit=5, work_limit=1.0, seed=1)
    rendered = MARKDOWN.render(briefing_markdown(plan))
    for tag in ("<a ", "<img", "<script", "<svg", "<em>", "<code>"):
        assert tag not in rendered, tag
    headings = [line for line in rendered.splitlines() if line.startswith("<h")]
    assert not any("[click]" in h and h.startswith("<h1>operation.name") for h in headings)
    assert "[click](javascript:alert(1))" in html.unescape(rendered)


class _Counter(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        self.hits.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_the_pdf_fetches_nothing_a_page_names(server: str) -> None:
    page = (
        f'<html><head><link rel="stylesheet" href="{server}/s.css">'
        f"<style>@import url({server}/i.css); body{{background:url({server}/b.png)}}</style>"
        f'</head><body><img src="{server}/a.png"><img src="file:///etc/passwd">'
        "<p>text</p></body></html>"
    )
    pdf = pdf_from_html(page)
    assert pdf.startswith(b"%PDF")
    assert _Counter.hits == []


def test_without_weasyprint_the_plan_is_written_and_the_missing_pdf_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken() -> None:
        raise briefing_pdf.PdfUnavailable("briefing.pdf not written: WeasyPrint cannot start")

    monkeypatch.setattr(briefing_pdf, "_weasyprint_html", broken)
    ws, _ = init_workspace(tmp_path / "ws")
    path = write_playbook(ws.root, "small", small_barnet(drop=("labour-checks", "luton-flights",
                          "shelter-visits", "brothel-evenings")))  # fmt: skip
    plan = solve(load_playbook(path), time_limit=5, work_limit=1.0, seed=1)
    _, files = write_plan(plan, ws.ops / "small", path, ws.root)
    assert "briefing.html" in files and "plan.json" in files and "briefing.pdf" not in files
    assert "warning: briefing.pdf not written" in capsys.readouterr().err
