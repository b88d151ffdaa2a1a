"""Report files: the coverage as CSV (one row per demand item), XLSX (summary, groups, items,
gaps) and a chart of the rates by discipline and by region against the 95 % line.

Files safe to open: every text cell is written as text. A name such as ``=HYPERLINK(…)`` must
not become a formula when the file is opened in Excel or LibreOffice: XLSX cells that openpyxl
would store as formulas are stored as strings, and CSV text that a spreadsheet would read as a
formula (starting with ``=``, ``+``, ``@``, a tab, a carriage return, or ``-`` not followed by a
digit, as negative numbers and ranges are) is prefixed with an apostrophe (OWASP's advice).

The chart uses matplotlib's Agg backend (no display needed). Regions are grouped by prefecture
city (DESIGN.md settled reading) and named (``430100 长沙市``, from
:mod:`metro.model.regions`), disciplines by their code and name. Both panels draw bars of the
same thickness whatever the number of groups (the shorter list leaves room below; nothing is
stretched). SVG keeps its text as text (``svg.fonttype = none``): the viewer's fonts draw the
Chinese labels, so an SVG is always in Chinese. A PNG is in Chinese when a CJK font is
installed (Noto Sans CJK first, then Source Han Sans, WenQuanYi, SimHei, … looked up with
matplotlib's font manager) and in English with region codes otherwise, since the default fonts
have no CJK glyphs. The output format follows the suffix: ``.svg`` or ``.png``.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, Final

from metro.coverage.demand import mpe_text, range_text
from metro.coverage.report import CoverageReport, GroupRates
from metro.errors import InvalidInput
from metro.quantity_kinds import kinds
from metro.spreadsheets import safe_text, text_as_text

ITEM_COLUMNS: Final = (
    "demand",
    "source",
    "quantity",
    "discipline",
    "region",
    "range",
    "mpe",
    "count",
    "covered",
    "reason",
    "standard",
    "detail",
)
GROUP_COLUMNS: Final = (
    "key",
    "name_zh",
    "name_en",
    "items",
    "covered_items",
    "rate",
    "weight",
    "covered_weight",
    "weighted_rate",
    "meets_target",
)
CHART_SUFFIXES: Final = (".svg", ".png")
_GOOD: Final = "#2e7d32"
_SHORT: Final = "#c62828"
_TARGET: Final = "#1565c0"
_CJK_FAMILIES: Final = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Noto Sans CJK JP",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Heiti SC",
    "AR PL UMing CN",
    "Droid Sans Fallback",
)


def item_rows(report: CoverageReport) -> list[list[Any]]:
    """One row per demand item (``ITEM_COLUMNS``); a covered one names a covering standard."""
    items, result, cands = report.items, report.result, report.candidates
    gaps = {(g.source, g.demand): g for g in report.gaps}
    catalogue = kinds()
    rows: list[list[Any]] = []
    for i in range(len(items)):
        covered = bool(result.covered[i])
        gap = None if covered else gaps[(items.source[i], items.code[i])]
        j = int(result.best[i])
        rows.append(
            [
                items.code[i],
                items.source[i],
                items.kind[i],
                catalogue[items.kind[i]].discipline,
                items.region[i],
                range_text(items, i),
                mpe_text(items, i),
                int(items.count[i]),
                covered,
                gap.reason if gap else "",
                cands.standard[j] if j >= 0 else "",
                gap.detail if gap else "",
            ]
        )
    return rows


def _group_row(g: GroupRates, target: float) -> list[Any]:
    d = g.as_dict(target)
    return [d[c] for c in GROUP_COLUMNS]


def write_csv(report: CoverageReport, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(ITEM_COLUMNS)
        for row in item_rows(report):
            row[8] = "true" if row[8] else "false"
            w.writerow([safe_text(v) for v in row])


def write_xlsx(report: CoverageReport, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    bold = Font(bold=True)
    ws = wb.active
    assert ws is not None
    ws.title = "summary"
    o = report.overall
    for key, value in (
        ("at", report.at.isoformat()),
        ("demand", report.demand_source),
        ("target", report.target),
        ("items", o.items),
        ("covered_items", o.covered_items),
        ("rate", o.rate),
        ("weight", o.weight),
        ("covered_weight", o.covered_weight),
        ("weighted_rate", o.weighted_rate),
        ("meets_target", o.meets(report.target)),
        ("gaps", len(report.gaps)),
    ):
        ws.append([key, value])
        ws.cell(ws.max_row, 1).font = bold
    for dim, groups in report.by.items():
        sheet = wb.create_sheet(f"by {dim}")
        sheet.append(list(GROUP_COLUMNS))
        for g in groups:
            sheet.append(_group_row(g, report.target))
        _percent(sheet, (GROUP_COLUMNS.index("rate"), GROUP_COLUMNS.index("weighted_rate")))
    items = wb.create_sheet("items")
    items.append(list(ITEM_COLUMNS))
    for row in item_rows(report):
        items.append(row)
    gaps = wb.create_sheet("gaps")
    gap_columns = ("demand", "reason", "detail", "candidate", "kind", "discipline", "region",
                   "count", "range", "mpe", "source")  # fmt: skip
    gaps.append(list(gap_columns))
    for gap in report.gaps:
        d = gap.as_dict()
        gaps.append([d[c] for c in gap_columns])
    for sheet in wb.worksheets[1:]:
        for cell in sheet[1]:
            cell.font = bold
        sheet.freeze_panes = "A2"
    for sheet in wb.worksheets:
        text_as_text(sheet)
    wb.save(path)


def _percent(sheet: Any, columns: tuple[int, ...]) -> None:
    for row in sheet.iter_rows(min_row=2):
        for c in columns:
            row[c].number_format = "0.0%"


def cjk_font() -> str | None:
    """The name of an installed font with Chinese glyphs, or None."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for family in _CJK_FAMILIES:
        if family in installed:
            return family
    return None


def write_chart(report: CoverageReport, path: Path) -> bool:
    """Bar charts of the weighted rate by discipline and by prefecture with the target line.

    Returns True when the labels are Chinese (an SVG, or a CJK font was found), False for
    English.
    """
    suffix = path.suffix.lower()
    if suffix not in CHART_SUFFIXES:
        raise InvalidInput(f"chart {str(path)!r}: use a .svg or .png file name")
    import warnings

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    font = cjk_font()
    chinese = font is not None or suffix == ".svg"
    families = [f for f in (font, *_CJK_FAMILIES, "DejaVu Sans") if f]
    rc: Any = {
        "svg.fonttype": "none",  # real text in the SVG: searchable, and drawn by the viewer
        "font.family": ["sans-serif"],
        "font.sans-serif": list(dict.fromkeys(families)),
    }
    target = report.target
    with plt.rc_context(rc), warnings.catch_warnings():
        # Without a CJK font, measuring Chinese labels for an SVG warns once per glyph.
        warnings.filterwarnings("ignore", message=".*[Gg]lyph.*missing from.*")
        warnings.filterwarnings("ignore", message="findfont: Font family.*not found")
        disc = report.by["discipline"]
        region = report.by["region"]  # prefecture cities, named
        rows = max(len(disc), len(region), 1)
        height = max(3.5, 0.45 * rows + 2.0)
        fig, axes = plt.subplots(1, 2, figsize=(13, height), layout="constrained")
        panels = (
            (axes[0], disc, "按学科" if chinese else "By discipline", True),
            (axes[1], region, "按地区（市州）" if chinese else "By prefecture", False),
        )
        for ax, groups, title, named in panels:
            labels = [
                (
                    f"{g.key} {g.name_zh if chinese else g.name_en}"
                    if named
                    else f"{g.key} {g.name_zh}"
                    if chinese and g.name_zh
                    else g.key
                )
                for g in groups
            ]
            weighted = [(g.rates.weighted_rate or 0.0) * 100 for g in groups]
            by_item = [(g.rates.rate or 0.0) * 100 for g in groups]
            colors = [_GOOD if w >= target * 100 else _SHORT for w in weighted]
            y = list(range(len(groups)))
            ax.barh(y, weighted, color=colors)
            ax.scatter(by_item, y, color="black", marker="|", s=140, zorder=3)
            ax.axvline(target * 100, color=_TARGET, linestyle="--")
            for yi, w in zip(y, weighted, strict=True):
                inside = w >= 12
                ax.text(w - 1 if inside else w + 1, yi, f"{w:.1f}%", va="center",
                        ha="right" if inside else "left", fontsize="small",
                        color="white" if inside else "black")  # fmt: skip
            ax.set_yticks(y, labels)
            # The same scale on both panels: bars as thick with 10 groups as with 15.
            ax.set_ylim(rows - 0.5, -0.5)
            ax.set_xlim(0, 100)
            ax.set_xlabel("覆盖率 %" if chinese else "coverage %")
            ax.set_title(title)
        fig.legend(
            handles=[
                Patch(color=_GOOD, label="加权覆盖率 ≥ 目标" if chinese else "weighted ≥ target"),
                Patch(color=_SHORT, label="加权覆盖率 < 目标" if chinese else "weighted < target"),
                Line2D([], [], color="black", marker="|", linestyle="", markersize=12,
                       label="按项目" if chinese else "by item"),
                Line2D([], [], color=_TARGET, linestyle="--",
                       label=f"{'目标' if chinese else 'target'} {target:.0%}"),
            ],
            loc="outside lower center",
            ncols=4,
            fontsize="small",
        )  # fmt: skip
        overall = report.overall.weighted_rate
        shown = "n/a" if overall is None else f"{overall:.1%}"
        fig.suptitle(
            f"社会公用计量标准覆盖率 {report.at.isoformat()}：{shown}"
            if chinese
            else f"Coverage of the traceability need by public standards, "
            f"{report.at.isoformat()}: {shown}"
        )
        fig.savefig(path, format=suffix.lstrip("."))
        plt.close(fig)
    return chinese
