"""Charts as inline SVG, rendered on the server (no chart library, no script)."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape


def bar_chart(items: Sequence[tuple[str, float]], *, title: str, width: int = 560, bar_height: int = 22,
              value_format: str = "{:g}") -> Markup:
    """Horizontal bars, one per (label, value); labels and title escaped."""
    if not items:
        return Markup('<p class="muted">{}</p>').format("—")
    label_w, top = 170, 8
    peak = max(value for _, value in items) or 1
    height = top + bar_height * len(items) + 8
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
             f"<title>{escape(title)}</title>"]
    for i, (label, value) in enumerate(items):
        y = top + i * bar_height
        w = max(1.0, (width - label_w - 70) * value / peak)
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" class="chart-label">{escape(str(label)[:28])}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{bar_height - 6}" class="chart-bar"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + 15}" class="chart-value">{escape(value_format.format(value))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def column_chart(items: Sequence[tuple[str, float]], *, title: str, width: int = 560,
                 height: int = 180) -> Markup:
    """Vertical columns over time (e.g. hits per day); every 5th label shown."""
    if not items:
        return Markup('<p class="muted">{}</p>').format("—")
    bottom, left = 28, 30
    peak = max(value for _, value in items) or 1
    step = (width - left) / len(items)
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
             f"<title>{escape(title)}</title>",
             f'<text x="0" y="12" class="chart-value">{peak:g}</text>']
    for i, (label, value) in enumerate(items):
        h = (height - bottom - 10) * value / peak
        x = left + i * step
        parts.append(f'<rect x="{x + 1:.1f}" y="{height - bottom - h:.1f}" width="{max(step - 2, 1):.1f}" '
                     f'height="{h:.1f}" class="chart-bar"><title>{escape(str(label))}: {value:g}</title></rect>')
        if i % 5 == 0:
            parts.append(f'<text x="{x:.1f}" y="{height - 8}" class="chart-label">{escape(str(label)[5:])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
