"""symbreak served with its live feed: `python3 -m streamlit run serve.py` (scripts/serve.sh runs it on each replica).

The same app as `streamlit run app.py`, plus one route: a playing Playground's chart grid fetches its frames from
/_sb/live instead of rerunning a fragment for each (ui/live.py), which saves the server a Streamlit rerun, 4-6 ms
of CPU per live refresh as measured (README, "Live refreshes").
"""
import streamlit as st

from ui import live

live.send_at_once()
live.stop_config_polling()
app = st.App("app.py", routes=live.routes())
app = live.first(app)  # the feed's requests answered before the middleware the others need (ui/live.py)
