"""The Python code blocks of docs/python.md and docs/pytorch.md, run as printed, in a folder where
`out.qr` is a real qr checkpoint and `in.h5` the bundled table."""

import os
import re
import shutil

import pytest

from qr_rule import BINARY, REAL, ROOT, run


def blocks(page):
    return re.findall(r"```python\n(.*?)```", (ROOT / "docs" / page).read_text(), flags=re.S)


@pytest.mark.parametrize("page", ["python.md", "pytorch.md"])
def test_documented_code_runs(page, tmp_path, monkeypatch):
    if page == "pytorch.md":
        pytest.importorskip("torch")
    shutil.copy(REAL, tmp_path / "in.h5")
    result = run(tmp_path / "in.h5", tmp_path / "out.qr", "--precision", "bf16", "--quiet")
    assert result.returncode == 0, result.stderr
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("EMBCOMPRESS", str(BINARY))
    namespace = {}
    code = blocks(page)
    assert code
    for block in code:
        exec(compile(block, f"docs/{page}", "exec"), namespace)
    if page == "python.md":
        assert namespace["rows"].shape == (3, 384) and namespace["dense"].shape == (512, 384)
    else:
        assert namespace["pooled"].shape == (3, 384) and sorted(namespace["state"]) == ["weight_q", "weight_r"]
