"""The Content-Security-Policy every generated page carries: its own inline code and nothing else.

Maps, reports and briefings are files opened from disk. Their policy allows the inline
scripts and styles the kit wrote, each by its SHA-256 hash, and images from data: and blob:
URLs (the density overlay, Leaflet's icons). Nothing is loaded from elsewhere (unless a map
asks for online tiles, whose server alone is then allowed for images), nothing is sent
anywhere, and no inline event handler, `javascript:` URL, style attribute or eval runs:
whatever slipped into the page from data would find nothing it may do.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

_INLINE = re.compile(
    r"<(?P<tag>script|style)(?P<attrs>(?:\s[^>]*)?)>(?P<body>.*?)</(?P=tag)\s*>",
    re.IGNORECASE | re.DOTALL,
)
_HEAD = re.compile(r"<head(?:\s[^>]*)?>", re.IGNORECASE)
_CHARSET = re.compile(r"<meta\s[^>]*charset[^>]*>", re.IGNORECASE)
_TEMPLATE = re.compile(r"\{[^}]*\}")
NONE = "'none'"


class PagePolicyError(ValueError):
    """A page the policy cannot cover (a script from a URL, no <head>) or a bad image source."""


def _hash(body: str) -> str:
    digest = hashlib.sha256(body.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def inline_hashes(html: str) -> tuple[list[str], list[str]]:
    """The hash sources of the page's inline scripts and of its inline styles, in page order."""
    scripts: list[str] = []
    styles: list[str] = []
    for match in _INLINE.finditer(html):
        if re.search(r"\ssrc\s*=", match["attrs"], re.IGNORECASE):
            raise PagePolicyError(f"the page loads a script from a URL: {match.group(0)[:120]}")
        found = scripts if match["tag"].lower() == "script" else styles
        source = _hash(match["body"])
        if source not in found:
            found.append(source)
    return scripts, styles


def image_source(url_template: str) -> str:
    """The CSP source that allows a tile URL template's server (`{s}` as a `*.` wildcard)."""
    parts = urlsplit(url_template)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PagePolicyError(f"tiles must come from an http(s) server, not {url_template!r}")
    host = parts.netloc.rsplit("@", 1)[-1]
    labels = host.split(".")
    if _TEMPLATE.search(labels[0]):
        labels[0] = "*"
    host = ".".join(labels)
    if _TEMPLATE.search(host) or not re.fullmatch(r"[A-Za-z0-9*.:\[\]-]+", host):
        raise PagePolicyError(f"cannot tell which server the tiles {url_template!r} come from")
    return f"{parts.scheme}://{host}"


def policy_for(html: str, image_sources: Iterable[str] = ()) -> str:
    """The policy for `html` as written: its inline scripts and styles by hash."""
    scripts, styles = inline_hashes(html)
    directives = [
        "default-src 'none'",
        f"script-src {' '.join(scripts) or NONE}",
        f"style-src {' '.join(styles) or NONE}",
        f"img-src {' '.join(['data:', 'blob:', *image_sources])}",
        "connect-src 'none'",
        "font-src 'none'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    ]
    return "; ".join(directives)


def with_policy(html: str, image_sources: Iterable[str] = ()) -> str:
    """`html` with its Content-Security-Policy <meta> first in <head>, after the charset.

    Line ends are made LF first: the browser hashes a script as it parsed it, and the HTML
    parser turns CR LF into LF.
    """
    html = html.replace("\r\n", "\n").replace("\r", "\n")
    head = _HEAD.search(html)
    if head is None:
        raise PagePolicyError("the page has no <head> to hold its policy")
    at = head.end()
    charset = _CHARSET.search(html, at)
    first_code = _INLINE.search(html, at)
    if charset and (first_code is None or charset.start() < first_code.start()):
        at = charset.end()
    if _INLINE.search(html[:at]) or re.search(r"<(?:script|style|link)\b", html[:at], re.I):
        raise PagePolicyError("the page has a script or style before its policy could go")
    policy = policy_for(html, image_sources)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    return html[:at] + meta + html[at:]
