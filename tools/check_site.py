"""Open every page of the built book in headless Chromium and fail on what a reader would see broken.

Usage (from the project root, after ``python tools/build_book.py``)::

    python tools/check_site.py                          # _build/html, every page in _toc.yml
    python tools/check_site.py --pages intro chapters/radon

For every page in the table of contents it checks that

- the page is served and loads in the browser;
- no cell shows a traceback (myst-nb's ``div.output.traceback``), or an error or warning on stderr
  (``div.output.stderr`` whose text names an ``Error``, ``Exception``, ``Warning`` or ``Traceback``,
  as Python's warnings and PyTensor's ``WARNING (...)`` lines do). Other stderr output, such as
  PyMC's "Sampling 4 chains ..." log, is printed as a note and does not fail the page;
- every image the site serves has loaded (``naturalWidth`` above 0);
- every internal link leads to a file of the site and, with a ``#fragment``, to an element with
  that id on the target page;
- on a notebook's page, the Binder and Colab launch links open this repository's copy of that
  notebook (as configured in ``_config.yml``), and the notebook exists;

and saves a full-page screenshot to ``_build/screenshots/<page>.png`` for looking at.

Chromium resolves no host but the local server: the MathJax and font CDNs fail at once instead of
hanging when there is no internet, and the check sees only what the site itself serves. It needs
Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them) and ``selenium``.
Exit status 1 when any page fails, with one line per problem.
"""

from __future__ import annotations

import argparse
import base64
import functools
import html.parser
import http.server
import re
import shutil
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
PAGE_LOAD_TIMEOUT = 60  # seconds
IMAGE_TIMEOUT = 20  # seconds to wait for the images of one page
MAX_SCREENSHOT_HEIGHT = 32_000  # CSS pixels; longer pages are cut (Chromium's limit is near 2**15)


def toc_pages(root: Path = ROOT) -> list[str]:
    """Pages of the book (paths without suffix), in the order of _toc.yml."""
    sys.path.insert(0, str(root / "tests"))
    from chapters import toc_files

    return toc_files()


# --- serving the site -------------------------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # The browser drops requests it no longer needs (a page left before a font arrived).
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class SiteServer:
    """Serve a folder on 127.0.0.1 on a free port, in a background thread."""

    def __init__(self, folder: Path):
        handler = functools.partial(_QuietHandler, directory=str(folder))
        self.httpd = _QuietServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


# --- the browser ------------------------------------------------------------------------------


def chromium_available() -> bool:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return False
    return Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()


def start_browser(profile: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--hide-scrollbars", "--window-size=1280,900",
                 f"--user-data-dir={profile}",
                 # Only the local server resolves: CDNs fail fast, with or without internet.
                 "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"):
        options.add_argument(flag)
    # Return once the document has loaded; images are waited for separately.
    options.page_load_strategy = "eager"
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(PAGE_LOAD_TIMEOUT)
    driver.set_script_timeout(PAGE_LOAD_TIMEOUT)
    return driver


# --- what a page holds ------------------------------------------------------------------------


class _Ids(html.parser.HTMLParser):
    """Collect the ids (and a-names) of an HTML document."""

    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and (name == "id" or (tag == "a" and name == "name")):
                self.ids.add(value)


@functools.lru_cache(maxsize=None)
def ids_of(path: Path) -> frozenset[str]:
    parser = _Ids()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return frozenset(parser.ids)


def local_file(html_dir: Path, url_path: str) -> Path:
    """The file the server answers a URL path with."""
    path = html_dir / urllib.parse.unquote(url_path).lstrip("/")
    return path / "index.html" if path.is_dir() else path


#: Text of a stderr output that makes it an error or a warning, not a log line.
STDERR_ERROR = re.compile(r"Traceback|Error\b|Exception\b|Warning\b|WARNING|ERROR")

_PAGE_SCRIPT = """
const outputs = (cls) => Array.from(document.querySelectorAll('div.output.' + cls))
    .map(el => el.innerText.trim());
return {
  title: document.title,
  bodyLength: document.body ? document.body.innerText.length : 0,
  tracebacks: outputs('traceback'),
  stderr: outputs('stderr'),
  links: Array.from(document.querySelectorAll('a[href]'))
      .map(a => [a.getAttribute('href'), a.href, (a.innerText || a.title || '').trim().slice(0, 60)]),
  images: Array.from(document.images)
      .map(img => [img.getAttribute('src'), img.currentSrc || img.src, img.complete, img.naturalWidth]),
  rawTex: rawText(/\\\\\\(|\\\\\\[|\\$\\$/),
  rawRoles: rawText(/\\{[a-z]+(:[a-z]+)*\\}`/),
};

// Text that rendering left raw in the page's prose (code boxes and cell outputs may hold it on purpose,
// e.g. a plot label in Python code): TeX that MathJax did not typeset, MyST roles Sphinx did not resolve.
function rawText(pattern) {
  const skip = 'pre, code, .highlight, .cell_output, script, style, mjx-container';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const found = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement && node.parentElement.closest(skip)) continue;
    const text = node.textContent;
    const at = text.search(pattern);
    if (at >= 0) found.push(text.slice(Math.max(0, at - 20), at + 40).trim());
  }
  return found.slice(0, 5);
}
"""

# Wait until MathJax (when the page loads it) has typeset the page.
_MATH_DONE = """
if (!window.MathJax) return true;
if (!window.MathJax.startup || !window.MathJax.startup.promise) return false;
if (window.__mathDone === undefined) {
  window.__mathDone = false;
  window.MathJax.startup.promise.then(() => { window.__mathDone = true; });
}
return window.__mathDone;
"""

_LOAD_IMAGES = """
for (const img of document.images) { img.loading = 'eager'; }
window.scrollTo(0, document.body.scrollHeight);
window.scrollTo(0, 0);
"""

_IMAGES_DONE = "return Array.from(document.images).every(img => img.complete);"


def check_links(html_dir: Path, base: str, links) -> list[str]:
    problems = []
    origin = urllib.parse.urlsplit(base)
    for raw, absolute, text in links:
        target = urllib.parse.urlsplit(absolute)
        if target.scheme not in ("http", "https") or target.netloc != origin.netloc:
            continue  # another site, mailto:, javascript:
        if raw in ("#", ""):
            continue  # a button, not a link
        path = local_file(html_dir, target.path)
        label = f"link {raw!r}" + (f" ({text!r})" if text else "")
        if not path.is_file():
            problems.append(f"broken {label}: no file {path.relative_to(html_dir)}")
            continue
        fragment = urllib.parse.unquote(target.fragment)
        if fragment and path.suffix == ".html" and fragment not in ids_of(path):
            problems.append(f"broken {label}: no id {fragment!r} in {path.relative_to(html_dir)}")
    return sorted(set(problems))


def check_images(base: str, images) -> list[str]:
    problems = []
    origin = urllib.parse.urlsplit(base)
    for raw, absolute, complete, width in images:
        url = urllib.parse.urlsplit(absolute)
        if url.scheme == "data" or (url.scheme in ("http", "https") and url.netloc == origin.netloc):
            if not complete or not width:
                problems.append(f"broken image {raw!r}" + ("" if complete else " (did not finish loading)"))
    return problems


# --- launch buttons ---------------------------------------------------------------------------


def expected_launch_urls(page: str, config: dict) -> dict[str, str]:
    """The Binder and Colab links that _config.yml asks Jupyter Book to put on a notebook's page."""
    repo = config["repository"]
    owner_name = urllib.parse.urlsplit(repo["url"]).path.strip("/")
    branch = repo.get("branch", "main")
    in_repo = "/".join(p for p in (repo.get("path_to_book", "").strip("/"), f"{page}.ipynb") if p)
    launch = config.get("launch_buttons", {})
    urls = {}
    if launch.get("binderhub_url"):
        ui = "lab/tree" if launch.get("notebook_interface", "classic") == "jupyterlab" else "tree"
        urls["Binder"] = f"{launch['binderhub_url'].rstrip('/')}/v2/gh/{owner_name}/{branch}?urlpath={ui}/{in_repo}"
    if launch.get("colab_url"):
        urls["Colab"] = f"{launch['colab_url'].rstrip('/')}/github/{owner_name}/blob/{branch}/{in_repo}"
    return urls


def check_launch_links(page: str, links, config: dict, book_root: Path) -> list[str]:
    """A notebook's page must link to Binder and Colab with the notebook's path in this repository."""
    if not (book_root / f"{page}.ipynb").is_file():
        return []
    hrefs = {absolute for _, absolute, _ in links}
    problems = []
    for service, url in expected_launch_urls(page, config).items():
        host = urllib.parse.urlsplit(url).netloc
        found = sorted(h for h in hrefs if urllib.parse.urlsplit(h).netloc == host)
        if url not in hrefs:
            problems.append(f"{service} launch link should be {url}, found {found or 'none'}")
    return problems


# --- one page, all pages ----------------------------------------------------------------------


def screenshot(driver, path: Path) -> None:
    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    size = metrics.get("cssContentSize") or metrics["contentSize"]
    clip = {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], MAX_SCREENSHOT_HEIGHT), "scale": 1}
    shot = driver.execute_cdp_cmd("Page.captureScreenshot",
                                  {"format": "png", "captureBeyondViewport": True, "clip": clip})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(base64.b64decode(shot["data"]))


def last_line(text: str) -> str:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return lines[-1].strip()[:200] if lines else ""


def exception_line(traceback: str) -> str:
    """The line of a traceback that names the exception (``ConvergenceError: ...``), else its last line."""
    named = [ln for ln in traceback.splitlines() if re.match(r"[A-Za-z_][\w.]*(Error|Exception|Warning)\b:?", ln)]
    return named[-1].strip()[:200] if named else last_line(traceback)


def check_page(driver, server: SiteServer, html_dir: Path, page: str, shots: Path | None,
               config: dict | None, book_root: Path) -> list[str]:
    from selenium.common.exceptions import TimeoutException, WebDriverException

    url = urllib.parse.urljoin(server.url, f"{page}.html")
    try:
        with urllib.request.urlopen(url, timeout=PAGE_LOAD_TIMEOUT) as response:
            status = response.status
    except urllib.error.HTTPError as err:
        status = err.code
    if status != 200:
        return [f"not served: HTTP {status} for {page}.html"]
    try:
        driver.get(url)
    except TimeoutException:
        return [f"did not load within {PAGE_LOAD_TIMEOUT} s"]
    except WebDriverException as err:
        return [f"did not load: {err.msg}"]

    driver.execute_script(_LOAD_IMAGES)
    deadline = time.monotonic() + IMAGE_TIMEOUT
    while not driver.execute_script(_IMAGES_DONE) and time.monotonic() < deadline:
        time.sleep(0.2)
    while not driver.execute_script(_MATH_DONE) and time.monotonic() < deadline + IMAGE_TIMEOUT:
        time.sleep(0.2)
    found = driver.execute_script(_PAGE_SCRIPT)

    problems = []
    if found["bodyLength"] == 0:
        problems.append("the page is empty")
    problems += [f"traceback in a cell: {exception_line(text)!r}" for text in found["tracebacks"]]
    for text in found["stderr"]:
        match = STDERR_ERROR.search(text)
        if match:
            line = next(ln for ln in text.splitlines() if match.group(0) in ln)
            problems.append(f"error or warning on stderr in a cell: {line.strip()[:200]!r}")
        else:
            print(f"  note {page}: stderr output, not an error: {last_line(text)!r}", flush=True)
    problems += [f"formula not typeset (raw TeX on the page): {text!r}" for text in found["rawTex"]]
    problems += [f"role not rendered (raw MyST on the page): {text!r}" for text in found["rawRoles"]]
    problems += check_images(server.url, found["images"])
    problems += check_links(html_dir, server.url, found["links"])
    if config is not None:
        problems += check_launch_links(page, found["links"], config, book_root)
    if shots is not None:
        screenshot(driver, shots / f"{page}.png")
    return problems


def check_site(html_dir: Path, pages: list[str], shots: Path | None = None, config: dict | None = None,
               book_root: Path = ROOT) -> dict[str, list[str]]:
    """Check every page; return the problems of each page (an empty list when it passes)."""
    html_dir = Path(html_dir).resolve()
    ids_of.cache_clear()
    results = {}
    profile = Path(tempfile.mkdtemp(prefix="check-site-chromium-"))
    try:
        with SiteServer(html_dir) as server:
            driver = start_browser(profile)
            try:
                for page in pages:
                    start = time.perf_counter()
                    results[page] = check_page(driver, server, html_dir, page, shots, config, book_root)
                    status = "ok" if not results[page] else f"{len(results[page])} problem(s)"
                    print(f"{page}: {status} ({time.perf_counter() - start:.1f} s)", flush=True)
            finally:
                driver.quit()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html", help="the built site")
    parser.add_argument("--screenshots", type=Path, default=ROOT / "_build" / "screenshots")
    parser.add_argument("--pages", nargs="+", help="pages to check (default: every page in _toc.yml)")
    args = parser.parse_args(argv)
    if not chromium_available():
        print(f"needs selenium, {CHROMIUM} and {CHROMEDRIVER} (apt-get install chromium chromium-driver)",
              file=sys.stderr)
        return 2
    if not (args.html / "index.html").exists():
        print(f"no built site in {args.html}: run `python tools/build_book.py` first", file=sys.stderr)
        return 2
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    pages = args.pages or toc_pages()
    start = time.perf_counter()
    results = check_site(args.html, pages, args.screenshots, config)
    failed = {page: problems for page, problems in results.items() if problems}
    for page, problems in failed.items():
        for problem in problems:
            print(f"FAIL {page}: {problem}", file=sys.stderr)
    print(f"{len(pages)} pages checked in {time.perf_counter() - start:.0f} s, {len(failed)} failed; "
          f"screenshots in {args.screenshots}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
