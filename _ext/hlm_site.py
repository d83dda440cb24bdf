"""The course's small Sphinx extension: what configuration alone cannot do for the rendered site.

- **One copy of each script.** sphinx-thebe and sphinx-togglebutton add their inline configuration
  scripts once for each time their ``env-before-read-docs`` handler runs, and under Jupyter Book 1 that
  is twice: every page then declared ``const THEBE_JS_URL`` twice and the browser logged "Identifier
  'THEBE_JS_URL' has already been declared". The page context keeps one copy of each script.
- **A chapter's figure on another page** (the landing page's chapter cards)::

      ```{chapter-figure} chapters/radon fig-radon-log
      ```

  shows the figure that the chapter's cell named ``fig-radon-log`` (``mystnb: figure: name:``) drew
  when the book executed it, with the alt text of that cell (``mystnb: image: alt:``) unless the
  directive gives a shorter one (``:alt:``, for a preview). The picture
  comes from the chapter's execution in Jupyter Book's cache (``_build/.jupyter_cache``), so it is
  always the chapter's current figure; a name the chapter does not have is a build warning (an error under
  ``-W``).
- **Launch buttons open the participant notebook.** Binder and Colab open a chapter page's own
  source notebook, whose prose is MyST (glued numbers as ``{glue:text}`` roles, exercises as
  directives) that Jupyter shows raw. A chapter's buttons open ``participant/<chapter>.ipynb``
  instead (``tools/participant_notebooks.py``: the numbers written in, the exercises as headings,
  the solutions in a notebook of their own), where that notebook exists.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

LOGGER = logging.getLogger(__name__)


# --- one copy of each script -------------------------------------------------------------------


def _script_key(script) -> tuple:
    # the same inline script may come once with filename None and once with "" (two ways of adding it)
    filename = getattr(script, "filename", str(script)) or ""
    attributes = tuple(sorted((getattr(script, "attributes", {}) or {}).items()))
    return (filename, attributes)


def keep_one_of_each_script(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = _script_key(script)
        if key in seen:
            continue
        seen.add(key)
        unique.append(script)
    context["script_files"] = unique


# --- a chapter's figure on another page --------------------------------------------------------


class pending_chapter_figure(nodes.General, nodes.Element):
    """Replaced, once every notebook is executed, by the image of a chapter's named figure."""


class ChapterFigure(SphinxDirective):
    required_arguments = 2  # the chapter (a document name) and the figure's name
    has_content = False
    option_spec = {"class": lambda argument: argument.split(), "alt": lambda argument: argument.strip()}

    def run(self):
        chapter, name = self.arguments
        # a document name relative to this page ("chapters/radon"), or absolute from the book's root ("/chapters/radon")
        refdoc = self.env.relfn2path(chapter, self.env.docname)[0]
        refdoc = refdoc.removesuffix(".ipynb").removesuffix(".md")
        if refdoc not in self.env.found_docs:
            LOGGER.warning(f"chapter-figure: no document {chapter!r}", location=(self.env.docname, self.lineno))
            return []
        node = pending_chapter_figure(refdoc=refdoc, name=name, classes=self.options.get("class", []),
                                      alt=self.options.get("alt", ""))
        self.set_source_info(node)
        return [node]


def figure_output(notebook: dict, name: str) -> tuple[bytes, str] | None:
    """The PNG and the alt text of the cell whose figure is named ``name``, or None."""
    for cell in notebook.get("cells", []):
        mystnb = cell.get("metadata", {}).get("mystnb", {})
        if mystnb.get("figure", {}).get("name") != name:
            continue
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            if png:
                return base64.b64decode(png), mystnb.get("image", {}).get("alt", "")
    return None


def executed_notebook(env, docname: str) -> dict:
    """A chapter as the build executed it: its outputs from Jupyter Book's execution cache, or the
    notebook itself when it carries its outputs (a book built with execution off)."""
    import nbformat

    source = Path(env.doc2path(docname))
    notebook = nbformat.read(source, as_version=4)
    if any(cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"):
        return notebook
    cache_path = getattr(env.mystnb_config, "execution_cache_path", "")
    if cache_path and (Path(cache_path) / "global.db").exists():
        from jupyter_cache import get_cache

        try:
            _, notebook = get_cache(cache_path).merge_match_into_notebook(notebook)
        except KeyError:  # not in the cache: the chapter's code changed since it was executed
            pass
    return notebook


class ReplaceChapterFigures(SphinxPostTransform):
    default_priority = 5

    def run(self, **kwargs):
        builder = self.app.builder
        for node in list(self.document.findall(pending_chapter_figure)):
            found = figure_output(executed_notebook(self.env, node["refdoc"]), node["name"])
            if found is None:
                LOGGER.warning(f"chapter-figure: {node['refdoc']} has no executed figure named {node['name']!r}",
                               location=node)
                node.parent.remove(node)
                continue
            data, alt = found
            alt = node.get("alt") or alt  # a short alt of the card's own, else the figure's
            if not alt.strip():
                LOGGER.warning(f"chapter-figure: {node['name']!r} in {node['refdoc']} has no alt text",
                               location=node)
            images = Path(builder.outdir) / builder.imagedir
            images.mkdir(parents=True, exist_ok=True)
            target = images / f"{hashlib.sha256(data).hexdigest()}.png"
            if not target.exists():
                target.write_bytes(data)
            page_dir = (Path(builder.outdir) / self.env.docname).parent
            uri = os.path.relpath(target, page_dir)
            image = nodes.image(uri=uri, alt=alt, classes=["hlm-chapter-figure", *node["classes"]])
            image["candidates"] = {"*": uri}
            node.replace_self(image)


# --- launch buttons open the participant notebook ----------------------------------------------

PARTICIPANT_FOLDER = "participant"


def participant_notebook(pagename: str, srcdir) -> str | None:
    """The participant notebook of a chapter page ("chapters/radon" -> "participant/radon.ipynb"), if it exists."""
    if not pagename.startswith("chapters/"):
        return None
    path = f"{PARTICIPANT_FOLDER}/{pagename.removeprefix('chapters/')}.ipynb"
    return path if (Path(srcdir) / path).is_file() else None


def launch_participant_notebooks(app, pagename, templatename, context, doctree):
    """Point a chapter page's Binder and Colab buttons (sphinx-book-theme's, made at priority 501) at
    its participant notebook."""
    target = participant_notebook(pagename, app.srcdir)
    if target is None:
        return
    for group in context.get("header_buttons", []):
        if group.get("label") != "launch-buttons":
            continue
        for button in group.get("buttons", []):
            url = button.get("url", "")
            if url.endswith(f"/{pagename}.ipynb"):
                button["url"] = url.removesuffix(f"{pagename}.ipynb") + target


def setup(app):
    app.connect("html-page-context", launch_participant_notebooks, priority=600)
    # last of the page-context handlers, after every extension has added its scripts
    app.connect("html-page-context", keep_one_of_each_script, priority=999)
    app.add_node(pending_chapter_figure)
    app.add_directive("chapter-figure", ChapterFigure)
    app.add_post_transform(ReplaceChapterFigures)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
