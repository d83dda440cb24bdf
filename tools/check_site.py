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
  notebook (as configured in ``_config.yml``; for a chapter, its participant notebook in
  ``participant/``), and the notebook exists;

and, as a reader sees the page, at 1280 px (a desktop) and at 390 px (a phone), that

- no formula is left as raw TeX and no MyST role as raw text (``{glue:text}`...``) in the prose;
- the browser's console logged no error (a script error, a file that did not load);
- at desktop widths, every code box fits its lines: none scrolls sideways (the chapters' code is
  formatted to the box's width). On a phone a code box shows about 45 characters and its longer
  lines scroll inside the box (``_static/hlm.css``): wrapping would hide the indentation;
- no table a cell printed is mostly empty values (``nan``: displayed before it was filled);
- every image in the page's content has alt text that says something (not empty, not a file name),
  and is shown with the proportions it was drawn with (not squashed when the column narrows it);
- every figure a cell drew has text that renders at least ``MIN_RENDERED_TEXT_PX`` CSS pixels tall.
  A PNG figure records its smallest font size (``hlm_helpers/style.py`` writes it into the PNG) and its
  resolution; with the width the browser gives it, that makes the rendered size of its smallest text.
  A model graph (Graphviz SVG) gives its font sizes and its view box. A PNG without the record fails:
  the chapter did not call ``hlm.use_course_style()``;
- on the phone, there is one button for the book's menu and one for the page's contents, and
  clicking each opens it (sphinx-book-theme 1.3.0 with pydata-sphinx-theme 0.17 had two menu buttons,
  and a click opened nothing);

and saves full-page screenshots to ``_build/screenshots/<page>.png`` (1280 px) and
``<page>-390.png`` (390 px) for looking at.

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
import io
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
WIDTHS = (1280, 390)  # CSS pixels: a desktop browser window, and a phone (an iPhone 12 to 15)
PHONE_MAX_WIDTH = 991  # below this width the theme hides its sidebars behind menu buttons
PAGE_LOAD_TIMEOUT = 60  # seconds
SETTLE_SECONDS = 0.8  # before a screenshot
IMAGE_TIMEOUT = 20  # seconds to wait for the images of one page
MAX_SCREENSHOT_HEIGHT = 100_000  # CSS pixels; longer pages are cut
SEGMENT_HEIGHT = 4_000  # CSS pixels captured at a time


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
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
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
  rawTex: rawText(/\\\\\\(|\\\\\\[|\\$\\$|\\$\\\\[A-Za-z]/),
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


# What the reader sees of a page's layout: code boxes, images, figures (CSS pixels).
_LAYOUT_SCRIPT = """
const PHONE_MAX = arguments[0];
const shown = el => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
  return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
const main = document.querySelector('main') || document.body;
const code = Array.from(main.querySelectorAll('div.highlight pre')).filter(shown).map(pre => {
  const probe = document.createElement('span'); probe.textContent = 'x'.repeat(50);
  pre.appendChild(probe); const charWidth = probe.getBoundingClientRect().width / 50; probe.remove();
  const s = getComputedStyle(pre);
  const inner = pre.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
  const lines = pre.innerText.split('\\n');
  const longest = lines.reduce((a, b) => (b.length > a.length ? b : a), '');
  return {over: pre.scrollWidth > pre.clientWidth + 1, fits: Math.floor(inner / charWidth),
          longest: longest, length: longest.length};
});
const images = Array.from(main.querySelectorAll('img')).filter(shown).map(img => ({
  src: img.getAttribute('src') || '', alt: img.getAttribute('alt') || '',
  width: img.getBoundingClientRect().width, natural: img.naturalWidth,
  height: img.getBoundingClientRect().height, naturalHeight: img.naturalHeight,
  fit: getComputedStyle(img).objectFit,
  output: !!img.closest('.cell_output')}));
const svgs = Array.from(main.querySelectorAll('.cell_output svg')).filter(shown).map(svg => {
  const sizes = Array.from(svg.querySelectorAll('text')).map(t => t.getBoundingClientRect().height)
      .filter(h => h > 0);
  return {smallest: sizes.length ? Math.min(...sizes) : null};
});
// a table mostly of empty values (nan) was displayed before it was filled; a single nan can be
// meant (az.compare's p_worse of the best model)
const nanCells = Array.from(main.querySelectorAll('.cell_output table')).filter(table => {
  const cells = Array.from(table.querySelectorAll('td'));
  const empty = cells.filter(td => /^\\s*(nan|NaN|<NA>)\\s*$/.test(td.innerText)).length;
  return empty >= 2 && empty >= cells.length / 2; }).length;
return {code: code, images: images, svgs: svgs, nanCells: nanCells, desktop: window.innerWidth > PHONE_MAX};
"""

# Solutions and other folded boxes open, so that what they hold is measured too.
_OPEN_FOLDED = """
document.querySelectorAll('details').forEach(d => { d.open = true; });
document.querySelectorAll('.toggle-hidden').forEach(el => el.classList.remove('toggle-hidden'));
document.querySelectorAll('.toggle-button-hidden').forEach(el => el.classList.remove('toggle-button-hidden'));
"""

# What makes the page wider than the window (the reader would scroll the whole page sideways):
# elements past the right edge that no scrolling box of their own holds.
_PAGE_OVERFLOW = """
const width = window.innerWidth;
if (document.documentElement.scrollWidth <= width + 1) return null;
const clipped = el => { for (let a = el.parentElement; a; a = a.parentElement) {
  const o = getComputedStyle(a).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') return true; }
  return false; };
const spills = el => { const s = getComputedStyle(el);
  return s.overflowX === 'visible' && el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0 &&
    el.getBoundingClientRect().left + el.scrollWidth > width + 1; };
const over = Array.from(document.querySelectorAll('main *')).filter(el => {
  const r = el.getBoundingClientRect();
  return ((r.right > width + 1 && r.width > 0) || spills(el)) && !clipped(el); });
const outer = over.filter(el => !over.includes(el.parentElement));
return {width: document.documentElement.scrollWidth,
        elements: outer.slice(0, 3).map(el => el.tagName.toLowerCase() +
          (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
          ' ' + JSON.stringify((el.innerText || '').trim().slice(0, 40)))};
"""

# The theme's buttons on a phone, and whether a click opens what they are for.
_MENU_BUTTONS = """
const shown = el => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
  return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
return {primary: Array.from(document.querySelectorAll('.primary-toggle')).filter(shown).length,
        secondary: Array.from(document.querySelectorAll('.secondary-toggle')).filter(shown).length,
        search: Array.from(document.querySelectorAll('.search-button, .search-button-field')).filter(shown).length,
        hasContents: !!document.querySelector('#pst-secondary-sidebar .page-toc, .bd-toc .page-toc'),
        themed: !!document.querySelector('.bd-header, .bd-header-article'),
        };
"""

_CLICK_MENU = """
const which = arguments[0];
const button = Array.from(document.querySelectorAll('.' + which + '-toggle')).find(el => el.getBoundingClientRect().width > 0);
button.click();
"""

_MENU_OPEN = """
const which = arguments[0];
const open = Array.from(document.querySelectorAll('dialog[open], .bd-sidebar-' + which + '.show, #pst-' + which + '-sidebar'))
  .filter(el => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    return r.width > 100 && r.right > 0 && r.left < window.innerWidth && s.visibility !== 'hidden' && s.display !== 'none'; })
  .filter(el => el.querySelectorAll('a').length > 0);
return open.length > 0;
"""

_CLOSE_MENUS = """
document.querySelectorAll('dialog[open]').forEach(d => d.close());
document.querySelectorAll('.pst-sidebar-modal-open, .show').forEach(el => el.classList.remove('show'));
"""

def _course_style():
    """hlm_helpers/style.py, loaded by path: it imports nothing heavy, the package would import PyMC."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("hlm_style", ROOT / "hlm_helpers" / "style.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_STYLE = _course_style()
MIN_RENDERED_TEXT_PX = _STYLE.MIN_RENDERED_TEXT_PX  # CSS pixels: the smallest text a figure may show
PNG_FONT_KEY = _STYLE.PNG_FONT_KEY  # the PNG text chunk in which a figure records its smallest font
# an alt text that only names a file: a hash (myst-nb's default for a cell's figure) or a path
_FILE_NAME_ALT = re.compile(r"^(?:.*/)?[0-9a-f]{16,}(?:\.\w+)?$|\.(?:png|svg|jpe?g|gif)$", re.IGNORECASE)


def png_text_and_dpi(data: bytes) -> tuple[dict[str, str], float | None]:
    """A PNG's text chunks and its resolution in dots per inch (None when it records none)."""
    import struct
    import zlib

    texts, dpi, at = {}, None, 8
    while at + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + length]
        if kind == b"tEXt" and b"\0" in body:
            key, value = body.split(b"\0", 1)
            texts[key.decode("latin-1")] = value.decode("latin-1")
        elif kind == b"zTXt" and b"\0" in body:
            key, rest = body.split(b"\0", 1)
            texts[key.decode("latin-1")] = zlib.decompress(rest[1:]).decode("latin-1")
        elif kind == b"pHYs" and length == 9:
            x, _, unit = struct.unpack(">IIB", body)
            if unit == 1:
                dpi = x * 0.0254
        elif kind == b"IEND":
            break
        at += 12 + length
    return texts, dpi


def image_bytes(html_dir: Path, page: str, src: str) -> bytes | None:
    if src.startswith("data:"):
        header, _, payload = src.partition(",")
        return base64.b64decode(payload) if ";base64" in header else None
    if "://" in src:
        return None
    path = (html_dir / page).parent / urllib.parse.unquote(src.split("#")[0].split("?")[0])
    return path.read_bytes() if path.is_file() else None


def svg_smallest_text_px(data: bytes, rendered_width: float) -> float | None:
    """The rendered height of the smallest font of an SVG image shown ``rendered_width`` pixels wide."""
    text = data.decode("utf-8", "replace")
    box = re.search(r'viewBox="\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)', text)
    sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)', text)]
    if not box or not sizes or float(box.group(1)) <= 0:
        return None
    return min(sizes) * rendered_width / float(box.group(1))


def check_layout(layout: dict, html_dir: Path, page: str) -> list[str]:
    """Code boxes, alt texts and the size of figures' text, as the page is laid out."""
    problems = []
    for box in layout["code"] if layout["desktop"] else []:
        if box["over"]:
            problems.append(f"code wider than its box: {box['longest'].strip()[:60]!r} has {box['length']} "
                            f"characters, the box shows {box['fits']}")
    for img in layout["images"]:
        name = img["src"].rsplit("/", 1)[-1][:40]
        alt = img["alt"].strip()
        if not alt or _FILE_NAME_ALT.search(alt):
            problems.append(f"image without alt text that says what it shows: {name} (alt {alt!r})")
        if img["natural"] and img["naturalHeight"] and img["height"] and img["fit"] in ("fill", ""):
            drawn, shown = img["natural"] / img["naturalHeight"], img["width"] / img["height"]
            if abs(shown / drawn - 1) > 0.03:
                problems.append(f"image {name} is distorted: drawn {drawn:.2f} wide per unit of height, "
                                f"shown {shown:.2f} ({img['width']:.0f} x {img['height']:.0f} px)")
        if not img["output"] or not img["natural"]:
            continue
        data = image_bytes(html_dir, page, img["src"])
        if data is None:
            continue
        if data.startswith(b"\x89PNG"):
            texts, dpi = png_text_and_dpi(data)
            if PNG_FONT_KEY not in texts or not dpi:
                problems.append(f"figure {name} does not record its smallest font (draw it after "
                                f"hlm.use_course_style())")
                continue
            smallest = float(texts[PNG_FONT_KEY]) / 72 * dpi * img["width"] / img["natural"]
        elif b"<svg" in data[:2000]:
            smallest = svg_smallest_text_px(data, img["width"])
            if smallest is None:
                continue
        else:
            continue
        if smallest < MIN_RENDERED_TEXT_PX:
            problems.append(f"figure {name} too small to read: its smallest text renders {smallest:.1f} px "
                            f"tall (at least {MIN_RENDERED_TEXT_PX} px), shown {img['width']:.0f} px wide")
    if layout["nanCells"]:
        problems.append(f"{layout['nanCells']} table(s) a cell printed show mostly empty values (nan): "
                        f"displayed before they were filled?")
    for svg in layout["svgs"]:
        if svg["smallest"] is not None and svg["smallest"] < MIN_RENDERED_TEXT_PX:
            problems.append(f"inline SVG figure too small to read: its smallest text is {svg['smallest']:.1f} px tall")
    return sorted(set(problems))


def check_menus(driver) -> list[str]:
    """On a phone: one button for the book's menu, one for the page's contents, and each opens."""
    buttons = driver.execute_script(_MENU_BUTTONS)
    if not buttons["themed"]:
        return []  # not a page of the theme (the check's own test pages)
    problems = []
    if buttons["primary"] != 1:
        problems.append(f"{buttons['primary']} visible buttons for the book's menu (one expected)")
    if buttons["secondary"] > 1:
        problems.append(f"{buttons['secondary']} visible buttons for the page's contents (at most one)")
    if buttons["search"] > 1:
        problems.append(f"{buttons['search']} visible search boxes or buttons (a duplicate header)")
    menus = ["primary"] if buttons["primary"] else []
    if buttons["secondary"] == 1 and buttons["hasContents"]:
        menus.append("secondary")
    for which in menus:
        driver.execute_script(_CLICK_MENU, which)
        deadline = time.monotonic() + 3
        opened = False
        while time.monotonic() < deadline and not opened:
            time.sleep(0.2)
            opened = driver.execute_script(_MENU_OPEN, which)
        if not opened:
            label = "book's menu" if which == "primary" else "page's contents"
            problems.append(f"the {label} does not open when its button is clicked")
        driver.execute_script(_CLOSE_MENUS)
        time.sleep(0.3)
    return problems


def console_errors(driver) -> list[str]:
    try:
        entries = driver.get_log("browser")
    except Exception:  # a driver without the log (not Chromium's)
        return []
    return [f"console error: {entry['message'][:200]}" for entry in entries if entry.get("level") == "SEVERE"]


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


def launched_notebook(page: str, book_root: Path = ROOT) -> str:
    """The notebook a page's launch buttons open: a chapter's participant notebook
    (participant/<chapter>.ipynb, made by tools/participant_notebooks.py; _ext/hlm_site.py points the
    buttons at it), else the page's own notebook."""
    if page.startswith("chapters/"):
        participant = f"participant/{page.removeprefix('chapters/')}.ipynb"
        if (book_root / participant).is_file():
            return participant
    return f"{page}.ipynb"


def expected_launch_urls(page: str, config: dict, book_root: Path = ROOT) -> dict[str, str]:
    """The Binder and Colab links that _config.yml asks Jupyter Book to put on a notebook's page
    (to its participant notebook, for a chapter)."""
    repo = config["repository"]
    owner_name = urllib.parse.urlsplit(repo["url"]).path.strip("/")
    branch = repo.get("branch", "main")
    in_repo = "/".join(p for p in (repo.get("path_to_book", "").strip("/"), launched_notebook(page, book_root)) if p)
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
    for service, url in expected_launch_urls(page, config, book_root).items():
        host = urllib.parse.urlsplit(url).netloc
        found = sorted(h for h in hrefs if urllib.parse.urlsplit(h).netloc == host)
        if url not in hrefs:
            problems.append(f"{service} launch link should be {url}, found {found or 'none'}")
    return problems


# --- one page, all pages ----------------------------------------------------------------------


_UNSTICK = """
for (const el of document.querySelectorAll('body *')) {
  const position = getComputedStyle(el).position;
  if (position === 'sticky') el.style.setProperty('position', 'static', 'important');
  else if (position === 'fixed' && el.tagName !== 'DIALOG') el.style.setProperty('visibility', 'hidden', 'important');
}
"""


def screenshot(driver, path: Path) -> None:
    """A full-page screenshot, stitched from captures of a tall viewport.

    Chromium's one-shot full-page capture (``captureBeyondViewport``) draws tall pages of this theme
    shifted sideways and stops at 2**15 px; capturing the page a viewport of SEGMENT_HEIGHT px at a
    time, scrolled, shows it as the reader sees it, however long it is.
    """
    from PIL import Image

    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    width = int(metrics["cssLayoutViewport"]["clientWidth"])
    height = int((metrics.get("cssContentSize") or metrics["contentSize"])["height"])
    height = min(height, MAX_SCREENSHOT_HEIGHT)
    segment = min(SEGMENT_HEIGHT, height)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": segment, "deviceScaleFactor": 1, "mobile": False})
    # a sticky header would be drawn at the top of every capture, over the page: unstick it
    driver.execute_script(_UNSTICK)
    try:
        page = Image.new("RGB", (width, height), "white")
        for top in range(0, height, segment):
            # "instant": the theme scrolls smoothly, and a capture mid-way would show the wrong part
            driver.execute_script("window.scrollTo({top: arguments[0], left: 0, behavior: 'instant'});", top)
            time.sleep(0.1)
            scrolled = int(driver.execute_script("return window.scrollY;"))
            shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
            part = Image.open(io.BytesIO(base64.b64decode(shot["data"])))
            # the last capture scrolls no further than the page's end: paste it where it really is
            page.paste(part.crop((0, 0, width, min(segment, height - scrolled))), (0, scrolled))
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        driver.execute_script("window.scrollTo(0, 0);")
    path.parent.mkdir(parents=True, exist_ok=True)
    page.save(path)


def last_line(text: str) -> str:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return lines[-1].strip()[:200] if lines else ""


def exception_line(traceback: str) -> str:
    """The line of a traceback that names the exception (``ConvergenceError: ...``), else its last line."""
    named = [ln for ln in traceback.splitlines() if re.match(r"[A-Za-z_][\w.]*(Error|Exception|Warning)\b:?", ln)]
    return named[-1].strip()[:200] if named else last_line(traceback)


def load(driver, url: str) -> str | None:
    """Open ``url`` and wait for its images and its formulas; a problem, or None."""
    from selenium.common.exceptions import TimeoutException, WebDriverException

    try:
        driver.get(url)
    except TimeoutException:
        return f"did not load within {PAGE_LOAD_TIMEOUT} s"
    except WebDriverException as err:
        return f"did not load: {err.msg}"
    driver.execute_script(_LOAD_IMAGES)
    deadline = time.monotonic() + IMAGE_TIMEOUT
    while not driver.execute_script(_IMAGES_DONE) and time.monotonic() < deadline:
        time.sleep(0.2)
    while not driver.execute_script(_MATH_DONE) and time.monotonic() < deadline + IMAGE_TIMEOUT:
        time.sleep(0.2)
    return None


def check_page(driver, server: SiteServer, html_dir: Path, page: str, shots: Path | None,
               config: dict | None, book_root: Path, widths=WIDTHS) -> list[str]:
    url = urllib.parse.urljoin(server.url, f"{page}.html")
    try:
        with urllib.request.urlopen(url, timeout=PAGE_LOAD_TIMEOUT) as response:
            status = response.status
    except urllib.error.HTTPError as err:
        status = err.code
    if status != 200:
        return [f"not served: HTTP {status} for {page}.html"]

    general: list[str] = []  # what does not depend on the width, checked once
    seen_at: dict[int, list[str]] = {}
    for number, width in enumerate(widths):
        driver.set_window_size(width, 900)
        console_errors(driver)  # empty the log of what the previous page left
        failure = load(driver, url)
        if failure:
            return [failure]
        found = driver.execute_script(_PAGE_SCRIPT)
        seen = []
        if number == 0:  # what does not depend on the width, once
            if found["bodyLength"] == 0:
                general.append("the page is empty")
            general += [f"traceback in a cell: {exception_line(text)!r}" for text in found["tracebacks"]]
            for text in found["stderr"]:
                match = STDERR_ERROR.search(text)
                if match:
                    line = next(ln for ln in text.splitlines() if match.group(0) in ln)
                    general.append(f"error or warning on stderr in a cell: {line.strip()[:200]!r}")
                else:
                    print(f"  note {page}: stderr output, not an error: {last_line(text)!r}", flush=True)
            general += check_images(server.url, found["images"])
            general += check_links(html_dir, server.url, found["links"])
            if config is not None:
                general += check_launch_links(page, found["links"], config, book_root)
        seen += [f"formula not typeset (raw TeX on the page): {text!r}" for text in found["rawTex"]]
        seen += [f"role not rendered (raw MyST on the page): {text!r}" for text in found["rawRoles"]]
        overflow = driver.execute_script(_PAGE_OVERFLOW)
        if overflow:
            seen.append(f"the page is {overflow['width']} px wide, wider than the window: it scrolls sideways "
                        f"(what sticks out: {'; '.join(overflow['elements']) or 'unknown'})")
        driver.execute_script(_OPEN_FOLDED)
        seen += check_layout(driver.execute_script(_LAYOUT_SCRIPT, PHONE_MAX_WIDTH), html_dir, f"{page}.html")
        if width <= PHONE_MAX_WIDTH:
            seen += check_menus(driver)
        seen += console_errors(driver)
        seen_at[width] = list(dict.fromkeys(seen))
        if shots is not None:
            driver.execute_script("window.scrollTo(0, 0);")
            time.sleep(SETTLE_SECONDS)  # the theme slides its sidebar in after loading
            screenshot(driver, shots / (f"{page}.png" if number == 0 else f"{page}-{width}.png"))
    # a problem seen at several widths is reported once, with the widths it was seen at
    problems = list(general)
    for number, width in enumerate(widths):
        for problem in seen_at[width]:
            where = [w for w in widths if problem in seen_at[w]]
            if where[0] != width:
                continue
            if len(where) == len(widths) and number == 0:
                problems.append(problem)
            else:
                problems.append(f"at {' and '.join(str(w) for w in where)} px: {problem}")
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
