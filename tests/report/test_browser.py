"""The report in a real browser: the Twin Rivers demo's report, served over HTTP on
localhost and loaded in headless Chromium (Debian's chromium and chromium-driver, driven
by Selenium; no browser is downloaded). It loads without console errors, its map draws
every layer, every chart is there, and a screenshot is kept as a test artifact."""

from __future__ import annotations

import functools
import os
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from bordercompact.run import run_job
from tests.report.test_build import CHART_IDS, PANEL_IDS

pytestmark = [pytest.mark.slow, pytest.mark.browser]

DEMO_REGION = Path(__file__).resolve().parents[2] / "examples" / "twin-rivers"
#: Where the screenshots go (a CI job can keep the folder).
ARTIFACTS = Path(
    os.environ.get(
        "BORDERCOMPACT_TEST_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts"
    )
)
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
MAP_LAYERS = ("parties", "border", "rivers", "facilities", "eal", "svi")


def _require_browser() -> None:
    """Skip without Chromium and its driver, saying how to get them; in CI, fail."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).is_file()]
    if not missing:
        return
    reason = (
        f"{' and '.join(missing)} not found: the browser test needs Debian's chromium and "
        "chromium-driver (`make test` installs them with apt-get)"
    )
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo region's job up to the report, in English and Spanish (no PDFs)."""
    _require_browser()
    run_dir = tmp_path_factory.mktemp("browser") / "run"
    run_job(DEMO_REGION, run_dir, languages=("en", "es"), pdf=False, checkpoints=False)
    return run_dir


@pytest.fixture(scope="module")
def served(demo_run: Path) -> Iterator[str]:
    """The run dir over HTTP on a free port of 127.0.0.1."""
    handler = functools.partial(_QuietHandler, directory=str(demo_run))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """The test's requests are not worth a line each."""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium through Debian's chromedriver, keeping the console's messages."""
    _require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.add_argument("--window-size=1400,1000")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def _open(browser: Any, url: str) -> list[dict[str, Any]]:
    """Load ``url`` and return what the console said while loading it."""
    browser.get_log("browser")  # forget earlier pages' messages
    browser.get(url)
    browser.execute_script("return document.readyState")
    return list(browser.get_log("browser"))


def _size(browser: Any, selector: str) -> tuple[float, float]:
    """The drawn size (width, height in CSS pixels) of the first element matching."""
    box = browser.execute_script(
        "const e = document.querySelector(arguments[0]);"
        "if (!e) return null;"
        "const r = e.getBoundingClientRect(); return [r.width, r.height];",
        selector,
    )
    assert box is not None, f"{selector}: not in the page"
    return float(box[0]), float(box[1])


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_report_loads_without_console_errors(browser: Any, served: str, language: str) -> None:
    messages = _open(browser, f"{served}/report/report.{language}.html")

    assert [m for m in messages if m.get("level") == "SEVERE"] == []
    assert browser.execute_script("return document.documentElement.lang") == language


def test_every_panel_and_chart_is_there_and_drawn(browser: Any, served: str) -> None:
    _open(browser, f"{served}/report/report.en.html")

    for panel in PANEL_IDS:
        assert browser.find_elements("css selector", f"section.panel#{panel}"), panel
    charts = browser.execute_script(
        "return [...document.querySelectorAll('figure.chart')].map(f => f.id)"
    )
    assert set(CHART_IDS) <= set(charts), charts
    for chart in charts:
        width, height = _size(browser, f"figure#{chart} svg")
        assert width > 200 and height > 100, chart
        caption = browser.find_element("css selector", f"figure#{chart} figcaption").text
        assert caption.strip(), f"{chart}: no reading aid"


def test_the_map_draws_every_layer(browser: Any, served: str) -> None:
    _open(browser, f"{served}/report/report.en.html")

    for layer in MAP_LAYERS:
        drawn = browser.execute_script(
            "const g = document.getElementById(arguments[0]);"
            "if (!g) return null;"
            "const b = g.getBBox();"
            "return [b.width, b.height, g.querySelectorAll('path, use').length];",
            f"map-layer-{layer}",
        )
        assert drawn is not None, f"map-layer-{layer}: not in the page"
        width, height, shapes = drawn
        assert shapes > 0 and width > 0 and height > 0, (layer, drawn)


def test_a_screenshot_is_kept(browser: Any, served: str) -> None:
    _open(browser, f"{served}/report/report.en.html")
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1400, min(int(height), 16000))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "report.en.png"

    assert browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 50_000
    print(f"screenshot: {shot}")
