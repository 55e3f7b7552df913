"""Each page's settings, importable without running the page, and the pure rules for reading them from a link."""
