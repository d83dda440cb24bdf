"""Clear the outputs and execution counts of notebooks, for committing them.

Usage (from the project root)::

    python tools/clear_outputs.py chapters/*.ipynb

tests/test_repository.py fails while a chapter has outputs.
"""

import sys

import nbformat


def clear(path: str) -> bool:
    nb = nbformat.read(path, as_version=4)
    changed = False
    for cell in nb.cells:
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None):
            cell.outputs, cell.execution_count, changed = [], None, True
        if cell.metadata.pop("execution", None) is not None:
            changed = True
    if changed:
        nbformat.write(nb, path)
    return changed


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for path in sys.argv[1:]:
        print(("cleared " if clear(path) else "clean   ") + path)
