"""Where things live in the repository."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
DATA = DOCS / "data"
SNIPPETS = ROOT / "snippets"
CACHE = ROOT / ".cache"  # everything downloaded, built or derived; git-ignored, always safe to delete
IN_RELEASE = ROOT / "atlas" / "in_release"  # scripts run by an old release's own interpreter


def relative(path) -> str:
    """A path as contributors see it: relative to the repository root when possible."""
    path = Path(path).resolve()
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)
