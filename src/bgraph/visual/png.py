"""SVG -> PNG with CairoSVG (a pip package; it needs the system Cairo library at run time)."""

from __future__ import annotations

from ..errors import BgraphError


class PngUnavailable(BgraphError):
    """PNG output needs CairoSVG and the Cairo library; SVG and DOT never do."""


def svg_to_png(svg: str, scale: float = 2.0) -> bytes:
    """Rasterise ``svg`` at ``scale`` (2 = sharp on high-density screens)."""
    try:
        import cairosvg  # optional, and slow to import
    except (ImportError, OSError) as exc:  # OSError: libcairo not found by cairocffi
        raise PngUnavailable(
            "PNG output needs CairoSVG and the Cairo library "
            f"({exc.__class__.__name__}: {str(exc).splitlines()[0]}). Install them with "
            "'pip install cairosvg' and your system's cairo package (Debian: libcairo2), "
            "or use --format svg."
        ) from None
    return cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=scale)
