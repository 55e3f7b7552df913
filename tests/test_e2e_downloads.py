"""Every download button on every page, clicked in a real browser: the file arrives and holds what it says.

The buttons are found on each page at run time, so a download added later is clicked too; a file this
module has no check for fails the test until one is added to CHECKS.
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import EXCEPTION, button, exception_text, step_count, wait_idle, wait_until
from streamlit.source_util import page_icon_and_name

from symbreak_core import TrainConfig

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]
PAGES = {"app.py": ""} | {f"pages/{f.name}": page_icon_and_name(f)[1] for f in sorted((ROOT / "pages").glob("*.py"))}
DOWNLOADS = '[data-testid="stMain"] [data-testid="stDownloadButton"]'


def check_history(body: str, page) -> None:
    """The Playground's history: one row per step taken (batch loss, gradient norms) plus the snapshots."""
    rows = list(csv.DictReader(io.StringIO(body)))
    header = list(rows[0]) if rows else []
    assert header[:2] == ["step", "batch_loss"] and any(h.startswith("grad_norm") for h in header), header
    assert {"train_loss", "test_loss", "distinct layer 1", "gap layer 1"} <= set(header), header
    taken = step_count(page)
    stepped = [int(r["step"]) for r in rows if r["batch_loss"] != ""]
    assert stepped == list(range(taken)), f"{len(stepped)} rows with a batch loss for {taken} steps"
    assert max(int(r["step"]) for r in rows) <= taken


def check_config(body: str, page) -> None:
    """The Playground's config: TrainConfig.from_dict rebuilds exactly the run shown (the default classroom run)."""
    d = json.loads(body)
    config = TrainConfig.from_dict(d)
    assert config.to_dict() == d
    assert (config.init, config.init_value, config.hidden, config.activation) == ("constant", 0.5, (8, 8), "tanh")


CHECKS = {"symbreak_history.csv": check_history, "symbreak_config.json": check_config}


def open_page(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(f'[data-testid="stMain"] [data-testid="stHeading"], {EXCEPTION}', timeout=90_000)
    wait_idle(page, timeout_ms=90_000)
    assert page.locator(EXCEPTION).count() == 0, exception_text(page)


def click_every_download(page) -> list[str]:
    """Click each download button of the page; check each file; return the file names."""
    downloads = page.locator(DOWNLOADS)
    names = []
    for i in range(downloads.count()):
        with page.expect_download(timeout=30_000) as info:
            downloads.nth(i).get_by_role("button").click()  # by role: a help tooltip adds a hidden copy
        download = info.value
        assert download.failure() is None, download.failure()
        name = download.suggested_filename
        check = CHECKS.get(name)
        assert check is not None, f"no check for the download {name!r}: add one to CHECKS"
        check(Path(download.path()).read_text(encoding="utf-8"), page)
        names.append(name)
    return names


@pytest.mark.parametrize("page_file", sorted(PAGES), ids=lambda p: Path(p).stem)
def test_every_download_button_delivers_its_file(streamlit_server, page, page_file):
    open_page(page, f"{streamlit_server.url}/{PAGES[page_file]}")
    if page_file == "app.py":  # take some steps first, so the history has rows
        button(page, "Step").click()
        wait_until(lambda: step_count(page) > 0, timeout=30, what="the first steps")
        wait_idle(page)
    names = click_every_download(page)
    assert page.locator('[data-testid="stMain"] [role="alert"]').filter(has_text="Failed").count() == 0
    if page_file == "app.py":
        assert sorted(names) == sorted(CHECKS), names
    assert not page.js_errors, page.js_errors


def test_the_history_is_offered_from_a_paused_run(streamlit_server, page):
    """While playing, each live refresh would delete the fresh file before the browser fetched it, so the button
    waits for Pause; then the file holds every step taken."""
    open_page(page, streamlit_server.url + "/")
    history = page.get_by_role("button", name="History (CSV)")
    page.get_by_role("button", name="Play").click()
    wait_until(lambda: step_count(page) >= 20, timeout=40, what="20 live steps")
    assert history.is_disabled()
    page.get_by_role("button", name="Pause").click()
    wait_until(lambda: history.is_enabled(), timeout=10, what="the history button after Pause")
    wait_idle(page)
    with page.expect_download(timeout=30_000) as info:
        history.click()
    check_history(Path(info.value.path()).read_text(encoding="utf-8"), page)
