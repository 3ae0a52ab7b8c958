"""Leaflet's files, taken from the django-js-lib-leaflet package: served by the app, inlined in exports."""

from __future__ import annotations

import base64
import filecmp
import re
import shutil
from functools import cache
from pathlib import Path

import js_lib_leaflet

__all__ = ["leaflet_source_dir", "install_static", "inline_css", "inline_js", "LEAFLET_VERSION"]

LEAFLET_VERSION = js_lib_leaflet.__version__
_FILES = (
    "leaflet.js",
    "leaflet.css",
    "images/layers.png",
    "images/layers-2x.png",
    "images/marker-icon.png",
    "images/marker-icon-2x.png",
    "images/marker-shadow.png",
)


def leaflet_source_dir() -> Path:
    """Folder of Leaflet's dist files inside the installed package."""
    return Path(js_lib_leaflet.__file__).resolve().parent / "static" / "js_lib_leaflet"


def install_static(static_dir: Path) -> Path:
    """Copy Leaflet's files to `static_dir/leaflet` (Streamlit serves them at /app/static/leaflet/).

    Files already there and identical are left alone, so calling this on every start is cheap.
    """
    target = Path(static_dir) / "leaflet"
    for name in _FILES:
        src, dst = leaflet_source_dir() / name, target / name
        if not dst.exists() or not filecmp.cmp(src, dst, shallow=False):
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)
    return target


@cache
def inline_css() -> str:
    """leaflet.css with its images embedded as data: URIs, for standalone HTML files."""
    css = (leaflet_source_dir() / "leaflet.css").read_text(encoding="utf-8")

    def embed(match: re.Match) -> str:
        data = (leaflet_source_dir() / match.group(1)).read_bytes()
        return f"url(data:image/png;base64,{base64.b64encode(data).decode()})"

    return re.sub(r"url\((images/[\w.-]+\.png)\)", embed, css)


@cache
def inline_js() -> str:
    """leaflet.js, safe to put inside a <script> element."""
    return (leaflet_source_dir() / "leaflet.js").read_text(encoding="utf-8").replace("</script", "<\\/script")
