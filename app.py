"""symbreak: the entry point. `streamlit run app.py` serves the Playground as the home page and the lessons."""
import pandas  # noqa: F401  first, fully: plotly peeks at sys.modules and can meet a half-imported pandas
import streamlit as st

LESSONS = ["1_Side_by_side", "2_Worked_example", "3_Depth_and_scale", "4_Restarts", "5_Error_surface"]

st.navigation(
    [st.Page("playground.py", title="Playground", icon=":material/play_circle:", default=True)]
    + [st.Page(f"pages/{name}.py") for name in LESSONS]
).run()
