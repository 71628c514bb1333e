"""The operator's settings checked at the door (issue 12): a short dashboard token, a dashboard beyond
loopback without one and an alert URL Apprise cannot use are one line naming the setting, exit 2,
nothing written, and neither the token nor the URL's secret in it; `config show` masks both."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from cli_user import assert_refused as refused
from cli_user import run

TOKEN = "owner-token-kept-secret-0123456789"


@pytest.mark.parametrize(
    ("args", "env", "named"),
    [
        (["dashboard"], {"COURTSIDE_DASHBOARD_TOKEN": "short"}, ["COURTSIDE_DASHBOARD_TOKEN", "16"]),
        (["dashboard", "--host", "0.0.0.0"], {}, ["--dashboard-host 0.0.0.0", "COURTSIDE_DASHBOARD_TOKEN"]),
        (["trade", "--once"], {"COURTSIDE_DASHBOARD_HOST": "0.0.0.0"}, ["COURTSIDE_DASHBOARD_HOST", "TOKEN"]),
        (["dashboard", "--port", "70000"], {}, ["--dashboard-port", "65535"]),
    ],
)
def test_dashboard_settings_refused_at_the_door(
    tmp_path: Path, args: list[str], env: dict[str, str], named: list[str]
) -> None:
    refused(tmp_path, run(tmp_path, *args, env=env), *named)


def test_an_alert_url_apprise_cannot_use_is_named_not_shown(tmp_path: Path) -> None:
    urls = "json://127.0.0.1:9/hook nosuchscheme://user:hunter2@example.com/x"
    line = refused(
        tmp_path, run(tmp_path, "trade", "--once", env={"COURTSIDE_ALERTS": urls}), "COURTSIDE_ALERTS"
    )
    assert "entry 2" in line
    assert "hunter2" not in line


def test_config_show_masks_the_token_and_the_alert_urls(tmp_path: Path) -> None:
    env = {"COURTSIDE_DASHBOARD_TOKEN": TOKEN, "COURTSIDE_ALERTS": "json://user:hunter2@127.0.0.1:9/hook"}
    done = run(tmp_path, "config", "show", env=env)
    assert done.returncode == 0, done.stderr
    assert TOKEN not in done.stdout + done.stderr
    assert "hunter2" not in done.stdout + done.stderr


def test_a_port_in_use_is_one_line(tmp_path: Path) -> None:
    """Another process listens on the dashboard's port: exit 2, one line naming it, nothing written."""
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = str(busy.getsockname()[1])
        line = refused(tmp_path, run(tmp_path, "dashboard", "--port", port), f"127.0.0.1:{port}", "in use")
    assert "could not listen" in line
