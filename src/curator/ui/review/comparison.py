"""The side-by-side comparison: the works in columns, differences highlighted, the merge result."""

from __future__ import annotations

from collections.abc import Collection
from html import escape

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtWidgets import QTextBrowser, QWidget

from curator.domain.catalog import RecordView
from curator.domain.textdiff import changed_spans
from curator.services import review

CHANGED = "background-color:#ffe08a;"
CHOSEN = "background-color:#e3f4e6;"


class ComparisonView(QTextBrowser):
    """The works in columns, one row per field, differences highlighted, plus the merge result.

    Links in the text pick a side (`pick:FIELD:SIDE`), type a value (`type:FIELD`) or open a
    source record (`record:ID`); the keyboard does the same through the review panel.
    """

    picked = Signal(str, int)
    type_requested = Signal(str)
    record_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.anchorClicked.connect(self._on_link)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys belong to the panel

    def _on_link(self, url: QUrl) -> None:
        kind, _, rest = url.toString().partition(":")
        if kind == "pick":
            key, _, side = rest.partition(":")
            self.picked.emit(key, int(side))
        elif kind == "type":
            self.type_requested.emit(rest)
        elif kind == "record":
            self.record_requested.emit(int(rest))

    def show_comparison(
        self,
        shown: review.Comparison | None,
        reasons: Collection[str],
        picks: dict[str, int],
        typed: dict[str, str],
        current: str,
        fold_identical: bool,
    ) -> None:
        if shown is None:
            self.setHtml("<p style='color:#666'>No candidate selected.</p>")
            return
        self.setHtml(_comparison_html(shown, reasons, picks, typed, current, fold_identical))


def _text(value: str) -> str:
    """Escaped, line breaks kept (one other field a line, an abstract's paragraphs)."""
    return escape(value).replace("\n", "<br>")


def _highlighted(text: str, reference: str) -> str:
    if not text:
        return "<span style='color:#999'>—</span>"
    return "".join(
        f"<span style='{CHANGED}'>{_text(piece)}</span>" if flag else _text(piece)
        for piece, flag in changed_spans(text, reference)
    )


def _comparison_html(
    shown: review.Comparison,
    reasons: Collection[str],
    picks: dict[str, int],
    typed: dict[str, str],
    current: str,
    fold_identical: bool,
) -> str:
    n = len(shown.works)
    parts = ["<div style='margin-bottom:6px'><b>Why these were flagged</b><ul style='margin:2px'>"]
    parts += [f"<li>{escape(r)}</li>" for r in reasons]
    parts.append("</ul></div>")
    parts.append("<table width='100%' cellspacing='0' cellpadding='5' border='1' "
                 "style='border-color:#ccc; border-collapse:collapse'>")  # fmt: skip
    head = "".join(
        f"<th align='left'>Work {i + 1} <span style='color:#666'>(#{w.id})</span></th>"
        for i, w in enumerate(shown.works)
    )
    parts.append(f"<tr style='background:#f0f0f0'><th></th>{head}<th align='left'>Merged</th></tr>")
    folded = 0
    empty: list[str] = []
    for row in shown.rows:
        key = row.spec.key
        if row.identical and not row.values[0] and not row.default_text and key != current:
            empty.append(row.spec.label)  # nothing to see or choose
            continue
        if fold_identical and row.identical and key != current:
            folded += 1
            continue
        side = picks.get(key, row.default)
        label = ("▶ " if key == current else "") + row.spec.label
        cells = [f"<td valign='top' width='11%'><b>{label.replace(' ', '&nbsp;')}</b></td>"]
        reference = row.values[1] if n > 1 else ""
        for i, value in enumerate(row.values):
            style = CHOSEN if side == i and key not in typed else ""
            against = row.values[0] if i else reference
            body = _highlighted(value, against) if not row.identical else _text(value) or "—"
            radio = "●" if side == i and key not in typed else "○"
            cells.append(
                f"<td valign='top' style='{style}'><a href='pick:{key}:{i}' "
                f"style='text-decoration:none'>{radio} {i + 1}</a> {body}</td>"
            )
        cells.append(f"<td valign='top' style='{CHOSEN}'>{_result(row, side, typed)}</td>")
        parts.append(f"<tr>{''.join(cells)}</tr>")
    parts.append(_sources_row(shown.records))
    parts.append("</table>")
    notes = [f"{folded} identical field(s) folded away"] if folded else []
    if empty:
        notes.append("empty in every work: " + ", ".join(empty))
    if notes:
        parts.append(f"<p style='color:#666'>{escape('; '.join(notes))}.</p>")
    return "".join(parts)


def _result(row: review.FieldRow, side: int | None, typed: dict[str, str]) -> str:
    key = row.spec.key
    link = f" <a href='type:{key}' style='text-decoration:none'>✎</a>"
    if key in typed:
        return f"{_text(typed[key]) or '—'}{link}<br><small style='color:#666'>typed</small>"
    value = row.default_text if side is None else row.values[side]
    how = f"default: {row.rule}" if side is None or side == row.default else f"from work {side + 1}"
    return f"{_text(value) or '—'}{link}<br><small style='color:#666'>{escape(how)}</small>"


def _sources_row(records: tuple[tuple[RecordView, ...], ...]) -> str:
    cells = ["<td valign='top'><b>Sources</b></td>"]
    for side in records:
        links = "<br>".join(
            f"<a href='record:{r.id}'>{escape(r.source_file)}</a> · lines "
            f"{r.first_line}–{r.last_line}"
            for r in side
        )
        cells.append(f"<td valign='top'>{links}</td>")
    cells.append("<td valign='top' style='color:#666'>all records are kept</td>")
    return f"<tr>{''.join(cells)}</tr>"
