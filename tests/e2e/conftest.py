"""The model the acceptance runs trade with: trained once per session, as a user would."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.e2e.trained import train_model


@pytest.fixture(scope="session")
def model_dir(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return train_model(data_dir, tmp_path_factory.mktemp("trained"))
