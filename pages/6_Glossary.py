"""Glossary: the words the pages use, and the short names a shared link uses for the menus' options."""
import streamlit as st

import ui
from narration.glossary import GLOSSARY, OPTION_LABELS

ui.page_setup("Glossary · symbreak", "📖")
st.title("Glossary")
ui.page_without_controls()  # after the title: the presenter toggle sits under the heading, as on other pages
st.markdown("The words the pages use, each with what the app actually computes for it.")
for term, definition in GLOSSARY:
    st.markdown(f"**{term}.** {definition}")

with st.expander("Short names in a shared link"):
    st.markdown("A link writes each menu choice by a short name; the menus show the words on the right.\n\n"
                "| in the link | in the menu |\n| --- | --- |\n"
                + "\n".join(f"| `{value}` | {words} |" for value, words in OPTION_LABELS.items()))
