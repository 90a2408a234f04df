"""Run the CLI in-process and capture what a user would see."""
from __future__ import annotations

import json
from dataclasses import dataclass

from click.testing import CliRunner

from infralint.cli import cli


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    def json(self) -> dict:
        return json.loads(self.stdout)


def run(*args: str) -> Run:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return Run(result.exit_code, result.stdout, result.stderr)
