"""NLTK data offline: the data path, the install script and the lemmatizer's error. Pure
logic plus a copy into a temporary folder; no servers and no network needed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nltk.data
import pytest

from analyzers import Analyzer, NltkDataMissing
from analyzers.nltk_data import DEFAULT_DATA_DIR, REPO_ROOT, data_dirs, ensure_nltk_data_path

SCRIPT = REPO_ROOT / "scripts" / "install_nltk_data.sh"
DEBIAN_WORDNET = Path("/usr/share/wordnet/data.noun")


def test_lexnames_is_wordnets_list() -> None:
    lines = (REPO_ROOT / "analyzers" / "data" / "lexnames").read_text().splitlines()
    assert len(lines) == 45
    assert lines[0] == "00\tadj.all\t3"
    assert lines[6] == "06\tnoun.artifact\t1"
    assert lines[44] == "44\tadj.ppl\t3"


def test_data_path_puts_the_project_folder_first(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(nltk.data, "path", ["/elsewhere", str(DEFAULT_DATA_DIR)])
    monkeypatch.delenv("NLTK_DATA", raising=False)
    assert data_dirs() == [DEFAULT_DATA_DIR]
    ensure_nltk_data_path()
    ensure_nltk_data_path()
    assert nltk.data.path == [str(DEFAULT_DATA_DIR), "/elsewhere"]
    monkeypatch.setenv("NLTK_DATA", f"{tmp_path / 'a'}{os.pathsep}{tmp_path / 'b'}")
    ensure_nltk_data_path()
    assert nltk.data.path[:2] == [str(tmp_path / "a"), str(tmp_path / "b")]


def test_lemmatizer_without_data_names_the_install_script(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(nltk.data, "path", [])
    monkeypatch.setenv("NLTK_DATA", str(tmp_path))
    with pytest.raises(NltkDataMissing, match=r"scripts/install_nltk_data\.sh"):
        Analyzer().analyze("running shoes", "lemmatized")
    assert Analyzer().analyze("running shoes", "stemmed") == ["run", "shoe"]  # needs no data


@pytest.mark.skipif(not DEBIAN_WORDNET.exists(), reason="Debian's wordnet-base is not installed")
def test_install_script_copies_wordnet_that_nltk_loads_offline(tmp_path: Path) -> None:
    env = {**os.environ, "NLTK_DATA": str(tmp_path)}
    for _ in range(2):  # idempotent
        subprocess.run(["bash", str(SCRIPT)], env=env, check=True, capture_output=True)
    folder = tmp_path / "corpora" / "wordnet"
    assert not any(p.is_symlink() for p in folder.iterdir())
    check = (
        "from analyzers import analyze; from nltk.corpus import wordnet as wn;"
        "print(analyze('running shoes geese', 'lemmatized'), wn.synsets('sofa')[0].lemma_names())"
    )
    result = subprocess.run(
        [sys.executable, "-c", check], env=env, cwd=REPO_ROOT, check=True, capture_output=True
    )
    assert result.stdout.decode().strip() == (
        "['running', 'shoe', 'goose'] ['sofa', 'couch', 'lounge']"
    )
