"""Make a folium page self-contained: scripts and stylesheets inlined from installed packages."""

from __future__ import annotations

import base64
import importlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path


class OfflineAssetError(RuntimeError):
    """The page links a script or stylesheet that no installed package provides (a bug)."""


@dataclass(frozen=True)
class Asset:
    """A file of an installed package that replaces a CDN link ending in `suffix`."""

    suffix: str
    module: str
    relative: str
    pip_name: str

    def path(self) -> Path:
        try:
            mod = importlib.import_module(self.module)
        except ImportError as exc:
            raise OfflineAssetError(
                f"{self.suffix} needs the package {self.pip_name} (pip install {self.pip_name})"
            ) from exc
        base = getattr(mod, "BASE_DIR", None)
        root = Path(base) if base else Path(str(mod.__file__)).parent
        return root / self.relative


#: CDN links folium may emit, by how their URL ends, and the installed file used instead.
ASSETS: tuple[Asset, ...] = (
    Asset("/leaflet.js", "xstatic.pkg.leaflet", "leaflet.js", "xstatic-leaflet"),
    Asset("/leaflet.css", "xstatic.pkg.leaflet", "leaflet.css", "xstatic-leaflet"),
    Asset("/leaflet_heat.min.js", "folium", "templates/leaflet_heat.min.js", "folium"),
    Asset(
        "/leaflet.markercluster.js",
        "xstatic.pkg.leaflet_markercluster",
        "leaflet.markercluster.js",
        "xstatic-leaflet-markercluster",
    ),
    Asset(
        "/MarkerCluster.css",
        "xstatic.pkg.leaflet_markercluster",
        "MarkerCluster.css",
        "xstatic-leaflet-markercluster",
    ),
    Asset(
        "/MarkerCluster.Default.css",
        "xstatic.pkg.leaflet_markercluster",
        "MarkerCluster.Default.css",
        "xstatic-leaflet-markercluster",
    ),
)

#: Links of folium's default page that our maps do not use (no jQuery popups, no Bootstrap,
#: no icon fonts: venue icons are plain HTML), so they are left out rather than inlined.
DROPPED = (
    "jquery",
    "bootstrap",
    "awesome-markers",
    "fontawesome",
    "glyphicons",
    "awesome.rotate",
)

_SCRIPT = re.compile(r'<script src="(?P<url>[^"]+)"></script>')
_STYLESHEET = re.compile(r'<link rel="stylesheet" href="(?P<url>[^"]+)"\s*/?>')
_CSS_URL = re.compile(r"url\((?P<ref>images/[^)]+)\)")
_REMOTE_REF = re.compile(
    r'<(?:script|link|img)\b[^>]*\b(?:src|href)\s*=\s*["\'](?:https?:)?//', re.IGNORECASE
)


def _find(url: str) -> Asset | None:
    bare = url.split("?", 1)[0]
    for asset in ASSETS:
        if bare.endswith(asset.suffix):
            return asset
    return None


def _dropped(url: str) -> bool:
    low = url.lower()
    return any(word in low for word in DROPPED)


@cache
def _read(asset: Asset) -> str:
    path = asset.path()
    if not path.is_file():
        raise OfflineAssetError(f"{asset.pip_name} does not hold {asset.relative}")
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".css":
        text = _CSS_URL.sub(lambda m: f"url({_data_uri(path.parent / m['ref'])})", text)
    else:
        text = text.replace("</script", "<\\/script")
    return text


def _data_uri(path: Path) -> str:
    kind = "image/png" if path.suffix == ".png" else "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _replace(match: re.Match[str], tag: str) -> str:
    url = match["url"]
    asset = _find(url)
    if asset is None:
        if _dropped(url):
            return ""
        raise OfflineAssetError(f"no installed package provides {url}")
    body = _read(asset)
    return f"<{tag}>/* {asset.pip_name}: {asset.relative} */\n{body}\n</{tag}>"


def inline_assets(html: str) -> str:
    """Replace every CDN script and stylesheet link with the installed file's content."""
    html = _SCRIPT.sub(lambda m: _replace(m, "script"), html)
    html = _STYLESHEET.sub(lambda m: _replace(m, "style"), html)
    leftover = _REMOTE_REF.search(html)
    if leftover:
        context = html[leftover.start() : leftover.start() + 120]
        raise OfflineAssetError(f"the page still links an outside resource: {context}")
    return html


def used_packages() -> list[str]:
    """The pip names of the packages the inlined assets come from (for the docs)."""
    return sorted({a.pip_name for a in ASSETS})
