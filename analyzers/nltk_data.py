"""Make NLTK find its data offline, in the project's own data folder.

There is no network at run time, so NLTK's downloader is never used. WordNet comes from
Debian's ``wordnet-base`` and ``wordnet-sense-index`` packages and is copied (NLTK refuses
symlinks that leave its data folder) by ``scripts/install_nltk_data.sh`` into
``<repo>/.local/nltk_data/corpora/wordnet/``, with the ``lexnames`` file kept in
``analyzers/data/``. Only the opt-in ``lemmatized`` profile needs it; Snowball needs no data.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

REPO_ROOT: Final = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR: Final = REPO_ROOT / ".local" / "nltk_data"
INSTALL_SCRIPT: Final = "scripts/install_nltk_data.sh"


class NltkDataMissing(RuntimeError):
    """An NLTK resource the chosen profile needs is not installed."""


def data_dirs() -> list[Path]:
    """The project's NLTK data folders: ``$NLTK_DATA`` (a path list) if set, else the default."""
    configured = [Path(p) for p in os.environ.get("NLTK_DATA", "").split(os.pathsep) if p]
    return configured or [DEFAULT_DATA_DIR]


def ensure_nltk_data_path() -> list[Path]:
    """Put the project's data folders first in ``nltk.data.path``; idempotent."""
    import nltk.data

    dirs = data_dirs()
    for folder in reversed(dirs):
        entry = str(folder)
        while entry in nltk.data.path:
            nltk.data.path.remove(entry)
        nltk.data.path.insert(0, entry)
    return dirs


def wordnet_available() -> bool:
    """Whether NLTK can load WordNet from its data path (after :func:`ensure_nltk_data_path`)."""
    import nltk.data

    ensure_nltk_data_path()
    try:
        nltk.data.find("corpora/wordnet/lexnames")
        nltk.data.find("corpora/wordnet/data.noun")
    except LookupError:
        return False
    return True


def require_wordnet() -> None:
    """Raise :class:`NltkDataMissing`, naming the install script, when WordNet is missing."""
    if not wordnet_available():
        folders = ", ".join(str(d) for d in data_dirs())
        raise NltkDataMissing(
            f"WordNet is not installed in the NLTK data folder ({folders}); "
            f"run `bash {INSTALL_SCRIPT}` (copies Debian's WordNet there, no download)"
        )
