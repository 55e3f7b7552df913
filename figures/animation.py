"""The Playground's run as an animated GIF for a slide: the weights, the first layer's unit pictures, the loss and
the symmetry meter, frame by frame from step 0.

Frames are drawn by matplotlib (Agg, no browser and no pyplot state, so sessions may draw at once) on one figure
whose artists are updated in place, and written by Pillow with one palette for the whole animation, so a colour
means the same value in every frame and only the pixels that change are stored. Colour ranges are fixed over the
whole animation and symmetric about 0, as on the Playground; colours and names follow the style of every chart.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.ticker import LogFormatterSciNotation, MaxNLocator
from PIL import Image

from symbreak_core import model

from .style import INK, NOTE, PALETTE, RDBU, nice_ceiling, thin
from .training import short_layer_names

MAX_FRAMES = 200  # at most this many frames, evenly spaced over the run
SIZE_PX = (960, 540)  # 16:9, half a 1920x1080 slide at full sharpness
DPI = 100
TEXT_PT = 11  # about 15 px at DPI: the Playground's chart text, in proportion to the image
FRAME_MS = 80  # 200 frames play in 16 s
HOLD_MS = 2500  # the last frame stays this long before the loop starts again
UNIT_RES = 24  # each unit's picture is UNIT_RES x UNIT_RES points of the plane
LOSS_POINTS = 400  # the loss curve draws at most this many points

# RdBu as the Playground draws it: red < 0 < blue; NaN (the gaps between unit pictures) white
CMAP = LinearSegmentedColormap.from_list(
    "symbreak_rdbu", [tuple(int(v) / 255 for v in c[4:-1].split(",")) for c in RDBU]).with_extremes(bad="white")


def _palette() -> Image.Image:
    """One palette for every frame (255 colours, so one index is left for the pixels a frame leaves unchanged):
    the colour scale, each line colour shaded towards white for its anti-aliased edges, and greys for text."""
    scale = CMAP(np.linspace(0, 1, 144))[:, :3] * 255
    lines = [[255 - share * (255 - int(c[i:i + 2], 16)) for i in (1, 3, 5)]
             for c in PALETTE for share in (1.0, 0.7, 0.45, 0.25, 0.1)]
    # Pillow maps each colour through a cache of 8-level cells and their nearest entry: no grey just below white,
    # so the white page stays exactly white
    levels = np.linspace(int(INK[1:3], 16), 255, 80)
    greys = np.repeat(levels[(levels <= 240) | (levels == 255)][:, None], 3, axis=1)
    colours = np.concatenate([scale, lines, greys]).round().astype(np.uint8)
    out = Image.new("P", (1, 1))
    out.putpalette(colours.ravel().tolist())
    return out


@dataclass(frozen=True, eq=False)
class Frame:
    """The network at one step: what one frame of the animation shows."""

    step: int
    weights: tuple  # per layer (fan_in, fan_out), float32
    units: np.ndarray  # (n_units, UNIT_RES, UNIT_RES): layer 1's units over the plane (row 0 at the bottom), float32
    distinct: tuple  # per hidden layer: units that behave differently (the meter's count)


def frame_steps(upto: int, most: int = MAX_FRAMES) -> np.ndarray:
    """At most `most` steps from 0 to `upto`, evenly spaced, both ends included."""
    return np.unique(np.round(np.linspace(0, upto, min(most, upto + 1))).astype(int))


def frames(result, now, most: int = MAX_FRAMES) -> list[Frame]:
    """At most `most` frames of a run, from step 0 to the network now, evenly spaced over its snapshots.

    result: the run's TrainResult (its snapshots are the states drawn); now: (step, weights, biases, distinct), the
    network at the run's current step (a paused run may be past its last snapshot). Each frame's unit pictures are
    layer 1's outputs over the run's input plane.
    """
    c = result.config
    states = [(s.step, s.weights, s.biases, s.distinct) for s in result.snapshots if s.step < now[0]] + [now]
    steps = np.array([s[0] for s in states])
    # for each evenly spaced step, the snapshot nearest to it (the first and the last are always taken)
    wanted = frame_steps(int(steps[-1]), most)
    i = np.clip(np.searchsorted(steps, wanted), 1, len(steps) - 1)
    i = np.unique(np.where(wanted - steps[i - 1] <= steps[i] - wanted, i - 1, i))
    extent = model.grid_extent(result.data.X)
    out = []
    for step, weights, biases, distinct in (states[k] for k in i):
        field = model.field(weights, biases, c.activation, c.loss, extent, res=UNIT_RES)
        out.append(Frame(int(step), tuple(np.asarray(W, dtype=np.float32) for W in weights),
                         np.asarray(field.hidden[0], dtype=np.float32), tuple(int(d) for d in distinct)))
    return out


def _mosaic_shape(n: int) -> tuple[int, int]:
    """(rows, columns) of unit pictures: 4 a row for a small layer, 8 for a larger one."""
    cols = min(n, 4 if n <= 8 else 8)
    return -(-n // cols), cols


def _mosaic(units: np.ndarray) -> np.ndarray:
    """The unit pictures tiled in one image, NaN (drawn white) between them; unit 1 top left, each plane upright."""
    n, res = len(units), units.shape[-1]
    rows, cols = _mosaic_shape(n)
    pad = max(2, res // 8)
    out = np.full((rows * (res + pad) - pad, cols * (res + pad) - pad), np.nan, dtype=np.float32)
    for u in range(n):
        r, c = divmod(u, cols)
        out[r * (res + pad): r * (res + pad) + res, c * (res + pad): c * (res + pad) + res] = units[u][::-1]
    return out


class _Drawing:
    """One matplotlib figure laid out for a run; draw(frame) updates its artists and returns the frame's pixels."""

    def __init__(self, frames: list[Frame], losses: np.ndarray, widths: tuple, title: str):
        first, last = frames[0], frames[-1]
        self.fig = Figure(figsize=(SIZE_PX[0] / DPI, SIZE_PX[1] / DPI), dpi=DPI, facecolor="white")
        self.canvas = FigureCanvasAgg(self.fig)
        fig = self.fig
        self.step_text = fig.text(0.01, 0.985, "", ha="left", va="top", fontsize=TEXT_PT + 4, color=INK,
                                  fontweight="bold")
        fig.text(0.99, 0.985, title, ha="right", va="top", fontsize=TEXT_PT, color=NOTE)
        grid = fig.add_gridspec(2, 2, left=0.07, right=0.975, top=0.8, bottom=0.1, hspace=0.45, wspace=0.2,
                                height_ratios=(1.15, 1))

        # weights: one heatmap per matrix, one fixed colour range for the whole animation
        peak = max(float(np.abs(W[np.isfinite(W)]).max(initial=0.0)) for f in frames for W in f.weights)
        vmax = nice_ceiling(max(1.0, peak))
        cells = grid[0, 0].subgridspec(1, len(first.weights), wspace=0.25,
                                       width_ratios=[max(W.shape[1], 3) for W in first.weights])
        self.weights = []
        n = len(first.weights)  # beside many narrow panels, short names: "→1", ..., "→out"
        names = short_layer_names(n) if n <= 3 else [f"→{k}" for k in range(1, n)] + ["→out"]
        for k, (W, name) in enumerate(zip(first.weights, names)):
            ax = fig.add_subplot(cells[0, k])
            self.weights.append(ax.imshow(W, cmap=CMAP, vmin=-vmax, vmax=vmax, aspect="auto",
                                          interpolation="nearest"))
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_title(name, fontsize=TEXT_PT - 1, color=INK)
        left = grid[0, 0].get_position(fig).x0
        fig.text(left, 0.9, f"Weights (red −{vmax:g}, white 0, blue +{vmax:g})", fontsize=TEXT_PT, color=INK)

        # layer 1's units over the plane, one fixed colour range
        peak = max(float(np.nanmax(np.abs(f.units), initial=0.0)) for f in frames)
        uvmax = 1.0 if peak <= 1.0 else nice_ceiling(peak)
        ax = fig.add_subplot(grid[0, 1])
        self.units = ax.imshow(_mosaic(first.units), cmap=CMAP, vmin=-uvmax, vmax=uvmax, interpolation="nearest")
        ax.set_axis_off()
        box = grid[0, 1].get_position(fig)
        self.units_title = ax.text((box.x0 + box.x1) / 2, 0.9, "", transform=fig.transFigure, ha="center",
                                   fontsize=TEXT_PT, color=INK)
        self.n_units = len(first.units)

        # the loss so far, over the whole run's axes
        self.losses = np.asarray(losses, dtype=np.float64)
        ax = fig.add_subplot(grid[1, 0])
        shown = self.losses[: last.step]
        shown = shown[np.isfinite(shown) & (shown > 0)]
        if shown.size:
            ax.set_yscale("log")
            lo, hi = float(shown.min()), float(shown.max())
            ax.set_ylim(lo / 1.3, hi * 1.3)
            ax.yaxis.set_major_formatter(_Numbers())
            ax.yaxis.set_minor_formatter(_Numbers())
        ax.set_xlim(0, max(10, last.step))
        ax.xaxis.set_major_locator(MaxNLocator(4, integer=True))
        (self.loss_line,) = ax.plot([], [], color=PALETTE[1], lw=1.6)
        ax.set_title("Loss (each step's batch)", fontsize=TEXT_PT, color=INK)
        ax.set_xlabel("step", fontsize=TEXT_PT - 1, color=INK)
        ax.tick_params(labelsize=TEXT_PT - 1)

        # the meter: units that behave differently, per hidden layer
        self.meter_steps = np.array([f.step for f in frames])
        self.meter = np.array([f.distinct for f in frames]).reshape(len(frames), -1)
        ax = fig.add_subplot(grid[1, 1])
        self.meter_lines = [ax.plot([], [], drawstyle="steps-post", color=PALETTE[k % len(PALETTE)], lw=2,
                                    label=f"layer {k + 1} (of {w})")[0] for k, w in enumerate(widths)]
        ax.set_xlim(0, max(10, last.step))
        ax.xaxis.set_major_locator(MaxNLocator(4, integer=True))
        ax.set_ylim(0, max(widths) + 0.5)
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.set_title("Distinct units per layer", fontsize=TEXT_PT, color=INK)
        ax.set_xlabel("step", fontsize=TEXT_PT - 1, color=INK)
        ax.tick_params(labelsize=TEXT_PT - 1)
        legend = ax.legend(loc=_meter_corner(self.meter_steps, self.meter, max(widths) + 0.5),
                           fontsize=TEXT_PT - 2, ncols=2 if len(widths) > 3 else 1, framealpha=0.85)

        # Everything that changes from frame to frame is drawn over a still background (blitting): a fifth of
        # the time of a whole draw. The legend is drawn last, over the meter's lines.
        self.moving = [self.step_text, *self.weights, self.units, self.units_title, self.loss_line,
                       *self.meter_lines, legend]
        for a in self.moving:
            a.set_animated(True)
        self.canvas.draw()
        self.background = self.canvas.copy_from_bbox(fig.bbox)

    def draw(self, k: int, f: Frame) -> np.ndarray:
        """Frame k (the k-th of the frames given) as RGB pixels, (height, width, 3) uint8."""
        self.step_text.set_text(f"step {f.step:,}")
        for im, W in zip(self.weights, f.weights):
            im.set_data(W)
        self.units.set_data(_mosaic(f.units))
        self.units_title.set_text(f"Layer 1's {self.n_units} units over the plane: {f.distinct[0]} distinct")
        i = thin(f.step, LOSS_POINTS) if f.step else np.arange(0)
        self.loss_line.set_data(i, self.losses[i])
        for line, d in zip(self.meter_lines, self.meter[: k + 1].T):
            line.set_data(self.meter_steps[: k + 1], d)
        self.canvas.restore_region(self.background)
        for a in self.moving:
            self.fig.draw_artist(a)
        return np.asarray(self.canvas.buffer_rgba())[..., :3].copy()


def _meter_corner(steps: np.ndarray, counts: np.ndarray, top: float) -> str:
    """Where the meter's legend stands: the lower right, unless the lines' newer half runs low (copies: 1 or 2 of
    8), where it covered them; then the upper right. counts: (frames, layers) under a y axis from 0 to `top`."""
    late = counts[steps >= steps[-1] / 2] if len(steps) else counts
    low, high = np.count_nonzero(late <= 0.4 * top), np.count_nonzero(late >= 0.6 * top)
    return "upper right" if low > high else "lower right"


class _Numbers(LogFormatterSciNotation):
    """The log ticks matplotlib labels, each written as a number (0.6, 0.02), as the app's charts write them, where
    it wrote 6×10⁻¹; powers of ten far from 1 as it does."""

    def __call__(self, x, pos=None):
        label = super().__call__(x, pos)
        return f"{x:g}" if label and 1e-4 <= x < 1e5 else label


def gif(frames: list[Frame], result, on_progress=None, setup: str = "") -> bytes:
    """The frames of a run (its TrainResult: the loss of every step, the layers) as a looping animated GIF: each
    frame FRAME_MS, the last held HOLD_MS. on_progress(frames drawn, frames) after each frame. setup: the run's
    setup in words, after the app's name in the title (narration.run.setup)."""
    c = result.config
    title = "symbreak" + (f" · {setup}" if setup else "")
    drawing = _Drawing(frames, result.batch_losses, c.hidden, title)
    palette = _palette()

    def images():  # drawn as Pillow asks for them, so only Pillow's own copy of each frame is held
        for k, f in enumerate(frames):
            yield Image.fromarray(drawing.draw(k, f)).quantize(palette=palette, dither=Image.Dither.NONE)
            if on_progress is not None:
                on_progress(k + 1, len(frames))

    drawn = images()
    out = io.BytesIO()
    # optimize: pixels unchanged since the previous frame are written as transparent, which compresses to little
    next(drawn).save(out, format="GIF", save_all=True, append_images=drawn, loop=0, optimize=True,
                     duration=[FRAME_MS] * (len(frames) - 1) + [HOLD_MS])
    return out.getvalue()
