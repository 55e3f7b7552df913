"""Every sentence the app prints about a result: numbers in, sentences out.

Pure Python (no Streamlit, no Plotly): pages call these functions with engine results and show
what they return, word for word. Each verdict is decided from the numbers it talks about, by one
threshold defined once, in the module of the page that shows it; mutually exclusive verdicts come
from one decision, so they can never be printed together.

    words       plurals, lists, percentages: the small grammar every module shares
    run         a training run: the Playground's "What's happening" and Side by side's notes
    depth       Depth and scale: healthy / vanishing / exploding / saturated / symmetric
    surface     the error surface: ridge or valley, the nudge grows or shrinks, dead units
    restarts    Restarts: outcome groups, converged or still moving
    worked      the worked example's explanation at each iteration
    glossary    short definitions reachable from every page
"""
