"""Each page's settings, importable without running the page, and the pure rules for reading them from a link."""

# The settings module of each page with controls (settings/<name>.py), in the sidebar's order.
PAGES = ("playground", "side_by_side", "worked_example", "depth", "restarts", "error_surface")
