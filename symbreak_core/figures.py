"""Plotly figure builders: pure functions from results and arrays to go.Figure.

The only module that imports plotly. Builders take engine results (TrainResult, Snapshot,
Field, ...) or plain arrays, never widgets, and never train. Every array sent to a figure is
float32 and finite; colour ranges are fixed and symmetric about 0 (RdBu, colour-blind-safe),
fonts are large enough for a projector, and heights are fixed so live refreshes do not jump.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

# ---- Playground figures ----


# ---- Lesson figures ----
