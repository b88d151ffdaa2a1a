"""Inline SVG for the pages: the chain diagram and horizontal bar charts, with real text.

Drawn on the server as markup (no image, no script), so the browser renders Chinese with its own
fonts, the page prints, and it works without JavaScript. Colours are the Okabe–Ito palette,
which stays distinguishable for the common colour-vision deficiencies; no state is shown by
colour alone — every node, bar and link also says its state in words.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any, Final

#: Status word → fill colour (Okabe–Ito) and whether text on it should be dark.
STATUS_COLOURS: Final = {
    "valid": "#009E73",
    "due_soon": "#E69F00",
    "overdue": "#D55E00",
    "failed": "#D55E00",
    "untraceable": "#CC79A7",
    "suspect": "#F0E442",
    "never_calibrated": "#999999",
    "primary": "#0072B2",
}
_DARK_TEXT: Final = {"due_soon", "suspect", "never_calibrated"}
OK_COLOUR: Final = "#009E73"
BAD_COLOUR: Final = "#D55E00"
TARGET_COLOUR: Final = "#0072B2"


def text_colour(status: str) -> str:
    return "#000" if status in _DARK_TEXT else "#fff"


def _t(s: object) -> str:
    return escape(str(s), quote=True)


def _clip(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


# --------------------------------------------------------------------------------------------
# The chain diagram


@dataclass(frozen=True, slots=True)
class Node:
    code: str
    level: int  # 0 = the asset, 1 = its references, …
    state: str  # a status word, or "primary"
    caption: str  # the state in words


@dataclass(frozen=True, slots=True)
class Edge:
    upper: str  # the reference (drawn above)
    lower: str  # the subject
    certificate: str
    calibrated_on: str
    broken: str | None  # the reason, when this link is where the chain breaks


def chain_graph(
    chain: dict[str, Any],
    status: str,
    words: Callable[[str], str],
    problem_words: Callable[[str], str] = str,
) -> tuple[list[Node], list[Edge]]:
    """Nodes and edges of a chain (the CLI's chain JSON): the asset at the bottom, roots on top.
    ``words`` names a state, ``problem_words`` words a broken link's problem (the page's
    language).

    A standard's node takes the state of the link that speaks for it (sound and in force →
    ``valid``, else ``untraceable``); roots (no link of their own) are ``primary``. The asset's
    node takes its status.
    """
    asset = chain["asset"]
    levels: dict[str, int] = {asset: 0}
    state: dict[str, str] = {asset: status}
    edges: list[Edge] = []
    for link in chain.get("links", []):
        depth = int(link.get("depth", 1))
        subject = link["subject"]
        levels.setdefault(subject, depth - 1)
        problem = link.get("problem")
        if subject != asset:
            # A redacted link (another organization's) keeps its problem but not its verdicts.
            ok = not problem and link.get("sound", True) is not False and link.get(
                "in_force", True
            ) is not False
            state.setdefault(subject, "valid" if ok else "untraceable")
        for ref in link.get("references", []):
            levels[ref] = max(levels.get(ref, 0), depth)
            edges.append(
                Edge(
                    upper=ref,
                    lower=subject,
                    certificate=link["certificate"],
                    calibrated_on=str(link.get("calibrated_on", "")),
                    broken=problem_words(str(problem)) if problem else None,
                )
            )
    for root in chain.get("roots", []):
        levels.setdefault(root, max(levels.values(), default=0) + 1)
        state[root] = "primary"
    nodes = [
        Node(code, level, state.get(code, "primary"), words(state.get(code, "primary")))
        for code, level in levels.items()
    ]
    return nodes, edges


def chain_svg(nodes: Sequence[Node], edges: Sequence[Edge], *, title: str) -> str:
    """Levels from the national standards (top) down to the asset (bottom)."""
    if not nodes:
        return ""
    top = max(n.level for n in nodes)
    rows: dict[int, list[Node]] = {}
    for n in sorted(nodes, key=lambda n: n.code):
        rows.setdefault(n.level, []).append(n)
    box_w, box_h, gap_x, gap_y, pad = 170, 46, 30, 92, 20
    widest = max(len(r) for r in rows.values())
    width = max(widest * (box_w + gap_x) + 2 * pad, 640)
    broken = [e for e in edges if e.broken]
    notes = [line for e in broken for line in _wrap(f"✕ {e.certificate}: {e.broken}", 90)]
    height = (top + 1) * (box_h + gap_y) - gap_y + 2 * pad + 20 + 16 * len(notes)
    pos: dict[str, tuple[float, float]] = {}
    for level, row in rows.items():
        span = len(row) * (box_w + gap_x) - gap_x
        x0 = (width - span) / 2
        row_y = float(pad + (top - level) * (box_h + gap_y))
        for i, n in enumerate(row):
            pos[n.code] = (x0 + i * (box_w + gap_x), row_y)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chain" role="img" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="100%" '
        f'style="max-width:{width:.0f}px" aria-label="{_t(title)}"><title>{_t(title)}</title>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#444"/>'
        "</marker></defs>",
    ]
    for e in edges:
        if e.upper not in pos or e.lower not in pos:
            continue
        (ux, uy), (lx, ly) = pos[e.upper], pos[e.lower]
        x1, y1, x2, y2 = ux + box_w / 2, uy + box_h, lx + box_w / 2, ly
        colour = BAD_COLOUR if e.broken else "#444"
        dash = ' stroke-dasharray="6 4"' if e.broken else ""
        out.append(
            f'<g class="link{" broken" if e.broken else ""}">'
            f'<line x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2 - 2:.0f}" '
            f'stroke="{colour}" stroke-width="{3 if e.broken else 1.5}"{dash} '
            f'marker-end="url(#arrow)"><title>{_t(e.broken or e.certificate)}</title></line>'
        )
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2
        out.append(
            f'<text x="{mx + 4:.0f}" y="{my - 4:.0f}" font-size="11" fill="{colour}">'
            f"{_t(_clip(e.certificate, 26))}</text>"
            f'<text x="{mx + 4:.0f}" y="{my + 9:.0f}" font-size="11" fill="{colour}">'
            f"{_t(e.calibrated_on)}</text>"
        )
        if e.broken:
            out.append(
                f'<text x="{mx + 4:.0f}" y="{my + 22:.0f}" font-size="12" font-weight="bold" '
                f'fill="{BAD_COLOUR}">✕</text>'
            )
        out.append("</g>")
    for n in nodes:
        x, y = pos[n.code]
        fill = STATUS_COLOURS.get(n.state, "#999999")
        ink = text_colour(n.state)
        out.append(
            f'<g class="node" data-code="{_t(n.code)}" data-state="{_t(n.state)}">'
            f'<rect x="{x:.0f}" y="{y:.0f}" width="{box_w}" height="{box_h}" rx="6" '
            f'fill="{fill}" stroke="#222" stroke-width="{2.5 if n.level == 0 else 1}"/>'
            f'<text x="{x + box_w / 2:.0f}" y="{y + 19:.0f}" text-anchor="middle" '
            f'font-size="13" font-weight="bold" fill="{ink}">{_t(_clip(n.code, 22))}</text>'
            f'<text x="{x + box_w / 2:.0f}" y="{y + 36:.0f}" text-anchor="middle" '
            f'font-size="12" fill="{ink}">{_t(n.caption)}</text></g>'
        )
    line_y = (top + 1) * (box_h + gap_y) - gap_y + pad + 16
    for line in notes:
        out.append(
            f'<text class="broken-reason" x="{pad}" y="{line_y}" font-size="12" '
            f'fill="{BAD_COLOUR}">{_t(line)}</text>'
        )
        line_y += 16
    out.append("</svg>")
    return "".join(out)


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` characters, broken at spaces where there are any."""
    lines: list[str] = []
    while len(text) > width:
        cut = text.rfind(" ", 0, width)
        cut = cut if cut > width // 2 else width
        lines.append(text[:cut])
        text = text[cut:].lstrip()
    return [*lines, text] if text else lines


# --------------------------------------------------------------------------------------------
# Bar charts


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float  # a rate, 0..1
    note: str = ""  # e.g. "12 / 14"
    href: str | None = None


def bar_chart(bars: Sequence[Bar], *, title: str, target: float | None = None,
              target_label: str = "") -> str:
    """Horizontal bars of rates with an optional target line (the 95 % of the policy).

    A bar at or above the target is green, below it vermillion; the value is printed beside
    each bar, so colour is never the only signal. Rows keep a fixed height: the chart grows
    downwards instead of stretching.
    """
    label_w, bar_w, row_h, pad = 190, 360, 24, 12
    width = label_w + bar_w + 150
    height = len(bars) * row_h + 2 * pad + (18 if target is not None else 0)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bars" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px" '
        f'aria-label="{_t(title)}"><title>{_t(title)}</title>'
    ]
    for i, b in enumerate(bars):
        y = pad + i * row_h
        v = max(0.0, min(1.0, b.value))
        ok = target is None or b.value >= target
        colour = OK_COLOUR if ok else BAD_COLOUR
        label = _t(_clip(b.label, 16))
        if b.href:
            label = f'<a href="{_t(b.href)}">{label}</a>'
        out.append(
            f'<g class="bar" data-label="{_t(b.label)}" data-value="{b.value:.6f}">'
            f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" font-size="13">{label}</text>'
            f'<rect x="{label_w}" y="{y + 4}" width="{bar_w * v:.1f}" height="{row_h - 8}" '
            f'fill="{colour}"/>'
            f'<text x="{label_w + bar_w * v + 6:.1f}" y="{y + 16}" font-size="12">'
            f"{b.value * 100:.1f} %{(' · ' + _t(b.note)) if b.note else ''}"
            f'{"" if ok else " ▼"}</text></g>'
        )
    if target is not None:
        x = label_w + bar_w * target
        bottom = pad + len(bars) * row_h
        out.append(
            f'<line x1="{x:.1f}" y1="{pad - 4}" x2="{x:.1f}" y2="{bottom}" stroke="{TARGET_COLOUR}"'
            f' stroke-width="2" stroke-dasharray="4 3"/>'
            f'<text x="{x:.1f}" y="{bottom + 14}" text-anchor="middle" font-size="12" '
            f'fill="{TARGET_COLOUR}">{_t(target_label)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def trend_svg(points: Sequence[tuple[str, float]], *, title: str, target: float) -> str:
    """A small line chart of the weighted rate over the stored snapshots."""
    if not points:
        return ""
    width, height, pad = 560, 180, 36
    lo = min(min(v for _, v in points), target) - 0.01
    hi = max(max(v for _, v in points), target) + 0.01

    def y(v: float) -> float:
        return height - pad - (v - lo) / (hi - lo) * (height - 2 * pad)

    step = (width - 2 * pad) / max(len(points) - 1, 1)
    xy = [(pad + i * step, y(v)) for i, (_, v) in enumerate(points)]
    path = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{yy:.1f}" for i, (x, yy) in enumerate(xy))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="trend" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px" '
        f'aria-label="{_t(title)}"><title>{_t(title)}</title>',
        f'<line x1="{pad}" x2="{width - pad}" y1="{y(target):.1f}" y2="{y(target):.1f}" '
        f'stroke="{TARGET_COLOUR}" stroke-dasharray="4 3"/>',
        f'<text x="{width - pad}" y="{y(target) - 4:.1f}" text-anchor="end" font-size="11" '
        f'fill="{TARGET_COLOUR}">{target * 100:.0f} %</text>',
        f'<path d="{path}" fill="none" stroke="#333" stroke-width="2"/>',
    ]
    for (label, v), (x, yy) in zip(points, xy, strict=True):
        out.append(
            f'<circle cx="{x:.1f}" cy="{yy:.1f}" r="3.5" '
            f'fill="{OK_COLOUR if v >= target else BAD_COLOUR}"><title>{_t(label)}: '
            f"{v * 100:.2f} %</title></circle>"
        )
    out.append(
        f'<text x="{pad}" y="{height - 8}" font-size="11">{_t(points[0][0])}</text>'
        f'<text x="{width - pad}" y="{height - 8}" text-anchor="end" font-size="11">'
        f"{_t(points[-1][0])}</text></svg>"
    )
    return "".join(out)
