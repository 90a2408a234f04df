"""Settings: rule selection, thresholds and the policy lists rules read (DB ports, headers, ...).

Read from `--config FILE`, else the nearest `.infralint.toml`, `.infralint.yaml` or
`pyproject.toml` with a `[tool.infralint]` table, from the scanned path up to the repository
root (the nearest folder holding `.git`) or the filesystem root. Unknown keys and bad values are
errors that name the file and the key.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infralint.rule import SEVERITIES

# Ports many non-database programs also use (9000: MinIO, Portainer, php-fpm; 8123: Home
# Assistant; 7000: AirPlay; 50000: Jenkins agents) are left out: their number proves nothing,
# and a database image on them is still caught by its image name.
DEFAULT_DB_PORTS = frozenset({
    5432, 5433, 6432, 3306, 33060, 27017, 27018, 27019, 6379, 6380, 9200, 9300, 5984, 1433, 1521,
    11211, 9042, 7687, 7474, 8086, 5672, 15672, 4369, 25672, 61616, 2379, 2380, 26257, 8529,
    28015, 29015, 9092, 2181, 3050,
})
# Images whose service is a database, cache, search engine or broker (matched on the last path part).
DEFAULT_DB_IMAGES = frozenset({
    "postgres", "postgis", "mysql", "mariadb", "mongo", "mongodb", "redis", "redis-stack", "valkey",
    "keydb", "dragonfly", "elasticsearch", "opensearch", "memcached", "cassandra", "scylla",
    "neo4j", "rabbitmq", "influxdb", "couchdb", "couchbase", "mssql-server", "oracle-database",
    "cockroach", "arangodb", "rethinkdb", "clickhouse-server", "timescaledb", "kafka", "zookeeper",
    "etcd", "nats", "db2", "percona", "percona-server", "bitnami/postgresql", "bitnami/mysql",
    "bitnami/redis", "bitnami/mongodb", "supabase/postgres", "pgvector", "questdb",
})
DEFAULT_REQUIRED_HEADERS = ("X-Content-Type-Options", "X-Frame-Options")
CONFIG_NAMES = (".infralint.toml", ".infralint.yaml", ".infralint.yml", "pyproject.toml")


class ConfigError(Exception):
    """A config file that cannot be used; the message names the file and the key."""


@dataclass
class Settings:
    select: list[str] = field(default_factory=list)  # empty: every rule that is on by default
    ignore: list[str] = field(default_factory=list)
    fail_on: str = "low"
    db_ports: frozenset[int] = DEFAULT_DB_PORTS
    db_images: frozenset[str] = DEFAULT_DB_IMAGES
    required_headers: tuple[str, ...] = DEFAULT_REQUIRED_HEADERS
    secret_words: tuple[str, ...] = ()  # extra words for IL601 names
    inline_ignores: bool = True
    severity_overrides: dict[str, str] = field(default_factory=dict)  # rule ref -> severity
    per_path_ignores: dict[str, list[str]] = field(default_factory=dict)  # glob -> rule refs
    extend_select: list[str] = field(default_factory=list)  # added to select (or to the defaults)
    source: str | None = None  # the config file these came from


def find_config(start: Path) -> Path | None:
    """The nearest config file from `start` upwards, stopping at the repository root."""
    folder = start if start.is_dir() else start.parent
    folder = folder.resolve()
    while True:
        for name in CONFIG_NAMES:
            p = folder / name
            if p.is_file() and (name != "pyproject.toml" or _has_tool_table(p)):
                return p
        if (folder / ".git").exists() or folder.parent == folder:
            return None
        folder = folder.parent


def load_config(path: Path, settings: Settings | None = None) -> Settings:
    settings = settings or Settings()
    table = _read_table(path)
    settings.source = str(path)
    _apply(table, settings, str(path))
    return settings


def _has_tool_table(path: Path) -> bool:
    try:
        return "infralint" in _toml(path).get("tool", {})
    except ConfigError:
        return True  # a broken pyproject that mentions us is reported, not skipped


def _toml(path: Path) -> dict:
    try:
        import tomllib  # type: ignore[import-not-found]
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: cannot read config: {exc}") from None


def _read_table(path: Path) -> dict:
    name = path.name
    if name.endswith((".yaml", ".yml")):
        from ruamel.yaml import YAML
        from ruamel.yaml.error import YAMLError

        from infralint.parsers.yamlload import too_deep

        try:
            text = path.read_text("utf-8")
            if too_deep(text) is not None:
                raise ConfigError(f"{path}: cannot read config: YAML nests too deeply")
            data = YAML(typ="safe", pure=False).load(text)
        except (OSError, YAMLError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read config: {' '.join(str(exc).split())}") from None
        if data is None:
            return {}
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: the config must be a mapping of keys to values")
        return data
    data = _toml(path)
    if name == "pyproject.toml":
        table = data.get("tool", {}).get("infralint", {})
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.infralint] must be a table")
        return table
    return data


def _apply(table: dict, s: Settings, where: str) -> None:
    for key, value in table.items():
        norm = str(key).replace("_", "-")
        handler = _KEYS.get(norm)
        if handler is None:
            known = ", ".join(sorted(_KEYS))
            raise ConfigError(f"{where}: unknown key '{key}' (known keys: {known})")
        handler(s, value, f"{where}: key '{key}'")


def _strings(value: Any, where: str) -> list[str]:
    if isinstance(value, str):
        value = [v for v in value.split(",")]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of strings")
    return [v.strip() for v in value if v.strip()]


def _severity(value: Any, where: str) -> str:
    if not isinstance(value, str) or value.lower() not in SEVERITIES:
        raise ConfigError(f"{where} must be one of {', '.join(SEVERITIES)}")
    return value.lower()


def _set_ports(s: Settings, value: Any, where: str) -> None:
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) and 0 < v < 65536 for v in value):
        raise ConfigError(f"{where} must be a list of port numbers (1-65535)")
    s.db_ports = frozenset(value)


def _set_bool(attr: str):
    def setter(s: Settings, value: Any, where: str) -> None:
        if not isinstance(value, bool):
            raise ConfigError(f"{where} must be true or false")
        setattr(s, attr, value)

    return setter


def _set_overrides(s: Settings, value: Any, where: str) -> None:
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must map rule IDs or names to severities")
    s.severity_overrides = {str(k): _severity(v, f"{where} ({k})") for k, v in value.items()}


def _set_per_path(s: Settings, value: Any, where: str) -> None:
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must map path globs to lists of rules")
    s.per_path_ignores = {str(k): _strings(v, f"{where} ({k})") for k, v in value.items()}


_KEYS = {
    "select": lambda s, v, w: setattr(s, "select", _strings(v, w)),
    "ignore": lambda s, v, w: setattr(s, "ignore", _strings(v, w)),
    "fail-on": lambda s, v, w: setattr(s, "fail_on", _severity(v, w)),
    "db-ports": _set_ports,
    "db-images": lambda s, v, w: setattr(s, "db_images", frozenset(x.lower() for x in _strings(v, w))),
    "required-headers": lambda s, v, w: setattr(s, "required_headers", tuple(_strings(v, w))),
    "secret-words": lambda s, v, w: setattr(s, "secret_words", tuple(x.upper() for x in _strings(v, w))),
    "inline-ignores": _set_bool("inline_ignores"),
    "severity": _set_overrides,
    "per-path-ignores": _set_per_path,
    "extend-select": lambda s, v, w: s.extend_select.extend(_strings(v, w)),
    "extend-ignore": lambda s, v, w: s.ignore.extend(_strings(v, w)),
}
# The spellings users of ruff, hadolint and checkov reach for first.
_KEYS.update({
    "per-file-ignores": _KEYS["per-path-ignores"],
    "severity-overrides": _KEYS["severity"],
    "secret-name-words": _KEYS["secret-words"],
    "failure-threshold": _KEYS["fail-on"],
    "skip-check": _KEYS["ignore"],
})
