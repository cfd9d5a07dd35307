"""Sales Trend: completed sales per profile (or customer type) over time, by
day, week or month, as a line chart in the terminal (textual-plotext).

The sums come from ``services.trends`` in a worker thread, so the screen
answers keys while a year of a busy shop is added up. Each series has its own
marker as well as its own colour, so the chart reads in 16 colours, in
monochrome and with NO_COLOR. Names are never given to plotext: the legend
below the chart shows them literally (markup as typed, control characters
dropped) with their marker and total.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Footer, Header, Static
from textual.worker import Worker, WorkerState
from textual_plotext import PlotextPlot

from tui_pos.db.connection import close_database
from tui_pos.money import format_date, format_money
from tui_pos.services import config, trends
from tui_pos.services.errors import ValidationError
from tui_pos.ui.literal import literal
from tui_pos.ui.screens.base import PosScreen

# one marker and one 16-colour ANSI colour per series, in the service's order;
# the markers alone tell the series apart (NO_COLOR, monochrome terminals)
MARKERS = ("•", "x", "+", "o", "#", "%", "=")
COLOURS = ("red", "blue", "green", "magenta", "cyan", "yellow", "default")
TOP = len(MARKERS) - 2  # room for "(other)" and "(no profile)"
BY_LABELS = {"profile": "By profile", "type": "By customer type"}
BUCKET_LABELS = {"day": "per day", "week": "per week", "month": "per month"}
BUCKET_TICK_GAP = 3  # cells between two x labels


def nice_step(span: Decimal) -> Decimal:
    """A round step (1, 2 or 5 × 10ⁿ) giving about four y ticks over ``span``."""
    raw = span / 4
    step = Decimal(1).scaleb(raw.adjusted())
    for factor in (1, 2, 5, 10):
        if step * factor >= raw:
            return step * factor
    return step * 10  # pragma: no cover - the loop always returns


def y_ticks(low: Decimal, high: Decimal) -> list[Decimal]:
    if high <= low:
        return [low]
    step = nice_step(high - low)
    tick = (low / step).to_integral_value(rounding="ROUND_FLOOR") * step
    ticks = []
    while tick <= high + step / 2 and len(ticks) < 12:
        if tick >= low - step / 2:
            ticks.append(tick)
        tick += step
    return ticks


def x_ticks(labels: tuple[str, ...], width: int) -> list[int]:
    """Which buckets get a label: evenly spread, as many as fit in ``width``."""
    if not labels:
        return []
    room = max(1, width // (max(len(label) for label in labels) + BUCKET_TICK_GAP))
    if len(labels) <= room:
        return list(range(len(labels)))
    every = -(-len(labels) // room)  # ceiling
    return list(range(len(labels) - 1, -1, -every))[::-1]  # the latest always labelled


class SalesTrendScreen(PosScreen):
    TITLE = "Sales Trend"
    HELP = ("Completed sales over time, one line per profile (or customer type): the "
            "biggest five by name, the rest as (other), sales without a profile as "
            "(no profile). Each line has its own marker (• x + o # % =), shown with its "
            "name and total under the chart.\n"
            "F5 (Ctrl+O) switches between profiles and customer types, F6 (Ctrl+W) "
            "between day, week (ISO weeks, from Monday) and month, F7 (Ctrl+R) between "
            "the last 13 weeks, the last 30 days, this year and the last 12 months.")
    BINDINGS = [
        Binding("f5,ctrl+o", "toggle_by", "Profile/type", key_display="F5", id="trend.by"),
        Binding("f6,ctrl+w", "next_bucket", "Day/wk/month", key_display="F6",
                id="trend.bucket"),
        Binding("f7,ctrl+r", "next_range", "Range", key_display="F7", id="trend.range"),
        Binding("escape", "back", "Back", id="back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        settings = config.get_settings()
        self.locale = settings.locale
        self.currency = settings.currency
        self.choices_by = ("profile", "type") if settings.show_customer_profile else ("type",)
        self.by = self.choices_by[0]
        self.bucket = "week"
        self.range = next(iter(trends.RANGES))
        self.trend: trends.SalesTrend | None = None  # the one on the screen
        self.asked: tuple | None = None  # (by, bucket, start, end) of the latest request

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static(id="trend-head")
        yield PlotextPlot(id="trend-chart")
        yield Static(id="trend-legend")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        chart = self.query_one("#trend-chart", PlotextPlot)
        chart.theme = "clear"  # the terminal's own colours: 16 colours, NO_COLOR
        self.refresh_trend()

    # -- keys ---------------------------------------------------------------------------
    def action_toggle_by(self) -> None:
        if len(self.choices_by) == 1:
            self.notify("Customer Profile is off: by type only.", timeout=5)
            return
        self.by = self.choices_by[(self.choices_by.index(self.by) + 1) % 2]
        self.refresh_trend()

    def action_next_bucket(self) -> None:
        self.bucket = trends.BUCKETS[(trends.BUCKETS.index(self.bucket) + 1) % 3]
        self.refresh_trend()

    def action_next_range(self) -> None:
        names = list(trends.RANGES)
        self.range = names[(names.index(self.range) + 1) % len(names)]
        self.refresh_trend()

    # -- computing ----------------------------------------------------------------------
    def refresh_trend(self) -> None:
        start, end = trends.quick_range(self.range)
        self.asked = (self.by, self.bucket, start, end)
        self.query_one("#trend-head", Static).update(literal(
            f"{self.heading(start, end)}\nadding up…", style="dim"))
        self.compute_trend(*self.asked)

    def heading(self, start: dt.date, end: dt.date) -> str:
        return (f"{BY_LABELS[self.by]} · {BUCKET_LABELS[self.bucket]} · "
                f"{trends.RANGES[self.range]} ({format_date(start, self.locale)} – "
                f"{format_date(end, self.locale)})")

    @work(thread=True, exclusive=True, group="trend", exit_on_error=False)
    def compute_trend(self, by: str, bucket: str, start: dt.date,
                      end: dt.date) -> trends.SalesTrend | ValidationError:
        """In a thread: one GROUP BY over the range's sales."""
        try:
            return trends.sales_trend(by, bucket, start, end, top=TOP)
        except ValidationError as error:
            return error
        finally:
            close_database()  # this thread's connection

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "trend":
            return
        if event.state == WorkerState.ERROR:
            self.notify(f"The trend could not be computed: {event.worker.error}",
                        severity="error", timeout=8, markup=False)
        elif event.state == WorkerState.SUCCESS:
            result = event.worker.result
            if isinstance(result, ValidationError):
                self.notify(result.message, severity="error", markup=False)
            elif (result.by, result.bucket, result.start, result.end) == self.asked:
                self.show(result)  # not an answer to a request made before the last

    # -- drawing ------------------------------------------------------------------------
    def show(self, trend: trends.SalesTrend) -> None:
        self.trend = trend
        summary = (f"{trend.sales} sales · {format_money(trend.total, self.currency, self.locale)}"
                   if trend.series else "no completed sales in this range")
        self.query_one("#trend-head", Static).update(literal(
            f"{self.heading(trend.start, trend.end)}\n{summary}"))
        self.draw_chart(trend)
        self.query_one("#trend-legend", Static).update(self.legend(trend))

    def draw_chart(self, trend: trends.SalesTrend) -> None:
        chart = self.query_one("#trend-chart", PlotextPlot)
        plt = chart.plt
        plt.clear_figure()
        plt.theme("clear")
        xs = list(range(1, len(trend.labels) + 1))
        # plotext draws with floats: positions on the chart only; every amount
        # a person reads (ticks, legend) is formatted from the Decimal
        # the biggest drawn last, so it stays on top where the lines cross
        for n, series in reversed(list(enumerate(trend.series))):
            plt.plot(xs, [float(v) for v in series.totals], marker=MARKERS[n],
                     color=COLOURS[n])
        ticks = x_ticks(trend.labels, max(chart.size.width, 80) - 12)
        plt.xticks([xs[i] for i in ticks], [trend.labels[i] for i in ticks])
        values = [v for s in trend.series for v in s.totals] or [Decimal(0)]
        low, high = min(min(values), Decimal(0)), max(max(values), Decimal(0))
        ys = y_ticks(low, high)
        plt.yticks([float(y) for y in ys], [format_money(y, "", self.locale) for y in ys])
        if not trend.series:
            plt.plot(xs, [0.0] * len(xs), marker=" ")  # the axes and buckets, no line
        chart.refresh()

    def legend(self, trend: trends.SalesTrend) -> Content:
        parts: list[Content | tuple[str, str] | str] = []
        for n, series in enumerate(trend.series):
            colour = "" if COLOURS[n] == "default" else f"ansi_{COLOURS[n]}"
            parts += [("  " if n else "", ""), (MARKERS[n], f"bold {colour}".strip()), " ",
                      literal(series.name, 30),
                      literal(f" {format_money(series.total, '', self.locale)}", style="dim")]
        return Content.assemble(*parts) if parts else Content("")
