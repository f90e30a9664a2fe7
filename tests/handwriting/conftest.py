"""The handwriting tests run on real strokes (Make Me a Hanzi medians, npm hanzi-writer-data) that
scripts/setup.sh installs; without them the tests fail and say so (a skip would hide a broken set-up)."""

import json

import pytest

from tests.handwriting import strokedata


@pytest.fixture(scope="session")
def hanzi_data():
    meta = strokedata.data_dir() / "package.json"
    if not meta.exists():
        pytest.fail(f"hanzi-writer-data missing at {strokedata.data_dir()}: run `bash scripts/setup.sh`")
    version = json.loads(meta.read_text(encoding="utf-8"))["version"]
    assert version == strokedata.DATA_VERSION, f"hanzi-writer-data {version}, tests are pinned to " \
        f"{strokedata.DATA_VERSION}: run `bash scripts/setup.sh`"
    return strokedata
