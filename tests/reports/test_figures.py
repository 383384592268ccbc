"""Charts rendered in the helper process (qingshan.reports.figures, RENDERER="process") are the
bytes the in-process renderer gives; a spec the helper cannot render is rendered again in this
process, so its error is raised to the caller as before."""

from types import SimpleNamespace

import pytest

from qingshan.charts import render_png, render_svg
from qingshan.reports import figures

SPEC = {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "width": 120,
        "height": 60, "mark": "bar",
        "data": {"values": [{"x": "a", "y": 1.5}, {"x": "b", "y": float("nan")}]},
        "encoding": {"x": {"field": "x", "type": "nominal"},
                     "y": {"field": "y", "type": "quantitative"}}}


def _report(spec):
    chart = SimpleNamespace(spec=spec, svg="", png=None, pending={})
    return chart, SimpleNamespace(sections=[SimpleNamespace(charts=[chart])])


def test_helper_gives_the_in_process_bytes(monkeypatch):
    monkeypatch.setattr(figures, "RENDERER", "process")
    chart, report = _report(SPEC)
    figures.start([chart], "png")
    figures.start([chart], "svg")
    assert getattr(chart.pending["png"], "from_helper", False)   # it went to the helper
    figures.prepare(report, "png")
    figures.prepare(report, "svg")
    assert chart.png == render_png(SPEC, scale=figures.PNG_SCALE)
    assert chart.svg == render_svg(SPEC)
    assert chart.png[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_failed_render_raises_here(monkeypatch):
    monkeypatch.setattr(figures, "RENDERER", "process")
    bad = {"mark": {"type": "bar"}, "data": {"values": [{"x": 1}]},
           "encoding": {"x": {"field": "x", "type": "no-such-type"}}}
    chart, report = _report(bad)
    figures.start([chart], "png")
    # vl-convert's own error (ValueError), from the in-process render, not the helper's
    with pytest.raises(ValueError, match="Vega-Lite to PNG conversion failed"):
        figures.prepare(report, "png")
    assert chart.png is None
    # the helper survives a bad spec and renders the next one
    ok, report2 = _report(SPEC)
    figures.start([ok], "png")
    figures.prepare(report2, "png")
    assert ok.png == render_png(SPEC, scale=figures.PNG_SCALE)
