"""Pages share widget keys but not ranges: switching pages must never raise, and each page keeps its own settings."""
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")

PAGES = ["app.py", "pages/1_Side_by_side.py", "pages/2_Worked_example.py", "pages/3_Depth_and_scale.py",
         "pages/4_Restarts.py", "pages/5_Error_surface.py", "pages/6_Glossary.py"]


def test_walking_through_every_page_and_back_raises_nothing_and_keeps_settings():
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["width"] = "6"
    at.run()
    assert [s.value for s in at.slider if s.key == "width"] == [6]
    for page in PAGES[1:] + PAGES[-2::-1]:  # out to the last page and back again
        at.switch_page(page)
        at.run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert not [w for w in at.warning if "link were changed" in w.value], page  # no stale notices
    assert [s.value for s in at.slider if s.key == "width"] == [6]  # the Playground kept its own width
    assert at.selectbox(key="preset").value == "custom"  # ... and 6 units is still no preset's setup
