"""Write docs/rules/<ID>.md (and the index) from the registered rules. Run after editing a rule;
tests/test_docs.py fails while the committed pages are stale."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def generate() -> dict[Path, str]:
    from infralint.output.catalogue import render_explain, render_index
    from infralint.registry import load

    reg = load()
    pages = {ROOT / "docs" / "rules" / f"{r.id}.md": render_explain(r) for r in reg.sorted()}
    pages[ROOT / "docs" / "rules" / "README.md"] = render_index(reg)
    return pages


def main() -> int:
    out = ROOT / "docs" / "rules"
    out.mkdir(parents=True, exist_ok=True)
    pages = generate()
    for stale in set(out.glob("*.md")) - set(pages):
        stale.unlink()
    for path, text in pages.items():
        path.write_text(text, encoding="utf-8")
    print(f"wrote {len(pages)} pages to {out.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
