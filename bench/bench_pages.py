"""First chart of every page for a new visitor: empty browser cache, warm server. Prints a Markdown table.

Usage: python bench/bench_pages.py [--runs 3]
"""
from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_browser import CHROMIUM, CHROMIUM_ARGS, Server, chart_times, new_page, print_table, wait_charts  # noqa: E402

PAGES = ["", "Side_by_side", "Worked_example", "Depth_and_scale", "Restarts", "Error_surface"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    server = Server()  # started and healthy on return
    times = {p: [] for p in PAGES}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            warm = browser.new_page()  # a hosted server has run every page before
            for path in PAGES:
                warm.goto(f"{server.url}/{path}")
                wait_charts(warm)
            warm.close()
            for _ in range(args.runs):
                for path in PAGES:
                    ctx, page = new_page(browser, viewport=(1600, 1000))  # empty cache, chart timestamps
                    page.goto(f"{server.url}/{path}", wait_until="commit")
                    start = page.evaluate("performance.timeOrigin")
                    wait_charts(page)
                    times[path].append((chart_times(page)[0] - start) / 1000)
                    ctx.close()
            browser.close()
    finally:
        server.stop()
    rows = [(f"/{p} -> first chart", f"median {statistics.median(v):.2f} s (min {min(v):.2f}, max {max(v):.2f})",
             "<= 2 s" if p == "" else "<= 3 s") for p, v in times.items()]
    print_table(f"First chart for a new visitor, {args.runs} runs per page", rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
