"""Pages share widget keys but not ranges: switching pages must never raise, and each page keeps its own settings.
The sidebar links every page, the Glossary among them."""
from pathlib import Path

from conftest import grid_elements
from streamlit.testing.v1 import AppTest

import ui
from narration.glossary import GLOSSARY

APP = str(Path(__file__).resolve().parent.parent / "app.py")

PAGES = [path for path, _, _ in ui.PAGES]  # the sidebar's order: Start here, then the Playground (app.py)
GLOSSARY_PAGE = "pages/6_Glossary.py"
ROUTE_PAGE = "pages/0_Start_here.py"
WITHOUT_CHARTS = {GLOSSARY_PAGE, ROUTE_PAGE}  # the route draws its chart once a prediction is made


def chart_count(at) -> int:
    """Figures drawn by st.plotly_chart, plus chart grids (ui.chart_grid's component)."""
    return len(at.get("plotly_chart")) + len(grid_elements(at))


def test_walking_through_every_page_and_back_raises_nothing_and_keeps_settings():
    """The pages share URL/widget keys (steps, lr, width, preset...) but not their ranges: switching must not leak."""
    assert PAGES[:2] == [ROUTE_PAGE, "app.py"] and (GLOSSARY_PAGE, "Glossary", ":material/menu_book:") in ui.PAGES
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["width"] = "6"
    at.run()
    assert [s.value for s in at.slider if s.key == "width"] == [6]
    links = [e.proto.page for e in at.sidebar.get("page_link")]
    assert "Glossary" in links and len(links) == len(ui.PAGES)  # every page links to every page
    for page in PAGES[:1] + PAGES[2:] + PAGES[-2:0:-1]:  # Start here, out to the last page and back again
        at.query_params.clear()  # a page link opens its page without the last page's query string, as a browser does
        at.switch_page(page)
        at.run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert not [w for w in at.warning if "link were changed" in w.value], page  # no stale notices
        assert page in WITHOUT_CHARTS or chart_count(at), f"{page}: no chart after switching pages"
        if page == GLOSSARY_PAGE:
            text = "\n".join(m.value for m in at.markdown)
            assert all(f"**{term}.**" in text for term, _ in GLOSSARY)
            assert "| `he_normal` | He (normal) |" in text
    assert [s.value for s in at.slider if s.key == "width"] == [6]  # the Playground kept its own width
    assert at.selectbox(key="preset").value == "custom"  # ... and 6 units is still no preset's setup
    at.switch_page("pages/2_Worked_example.py").run()  # other pages' steps (1000...) and lr (0.5...) did not leak
    assert at.slider(key="steps").value == 50 and at.select_slider(key="lr").value == 0.01


def test_a_page_opened_again_sends_its_charts_whole():
    """Back on a page, its chart grid is new in the browser: its first message carries every chart whole (base
    None), not a patch on what the grid held before the visitor left, which the new grid would have to ask for."""
    import json

    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.run()  # a rerun on the same page: the grid sends a patch
    bases = [json.loads(g.proto.bytes)["msg"]["base"] for g in grid_elements(at)]
    assert len(bases) == 1 and None not in bases
    at.switch_page("pages/1_Side_by_side.py").run()
    at.switch_page("app.py").run()
    bases = [json.loads(g.proto.bytes)["msg"]["base"] for g in grid_elements(at)]
    assert bases == [None]
