"""Server-rendered SVG bar charts: geometry computed here, drawn by reports/_bar_chart.svg.

No JavaScript and no style attributes, so the strict Content-Security-Policy holds."""

from dataclasses import dataclass, field

WIDTH = 640
LABEL_WIDTH = 230
VALUE_WIDTH = 50
BAR_HEIGHT = 22
GAP = 8


@dataclass
class Bar:
    label: str
    value: int
    y: int
    width: int
    text_y: int
    value_x: int


@dataclass
class BarChart:
    id: str
    title: str
    bars: list[Bar] = field(default_factory=list)
    width: int = WIDTH
    label_width: int = LABEL_WIDTH
    label_x: int = LABEL_WIDTH - 8
    bar_height: int = BAR_HEIGHT

    @property
    def height(self) -> int:
        return max(len(self.bars), 1) * (BAR_HEIGHT + GAP) + GAP


def bar_chart(chart_id: str, title: str, items: list[tuple[str, int]]) -> BarChart:
    """Horizontal bars, one per (label, value); lengths scaled to the largest value."""
    chart = BarChart(id=chart_id, title=title)
    largest = max((value for _label, value in items), default=0) or 1
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    for index, (label, value) in enumerate(items):
        y = GAP + index * (BAR_HEIGHT + GAP)
        width = round(room * value / largest)
        chart.bars.append(Bar(label=str(label)[:34], value=value, y=y, width=width,
                              text_y=y + BAR_HEIGHT - 6, value_x=LABEL_WIDTH + width + 6))
    return chart
