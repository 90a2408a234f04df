"""What counts as a database port or a database image, for IL401 (exposed-db-port).

The lists themselves live in `Settings` (users extend them in config); this module only answers
questions against them, the same way for compose and Kubernetes.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from infralint.model.common import ImageRef, PortMapping

# Names for messages only ("PostgreSQL port 5432" reads better than "port 5432"). A port missing
# here is still a DB port when the settings list it; it is then just called "database port".
ENGINES: dict[int, str] = {
    5432: "PostgreSQL", 5433: "PostgreSQL", 6432: "PgBouncer", 3306: "MySQL", 33060: "MySQL X",
    27017: "MongoDB", 27018: "MongoDB", 27019: "MongoDB", 6379: "Redis", 6380: "Redis",
    9200: "Elasticsearch", 9300: "Elasticsearch transport", 5984: "CouchDB", 1433: "SQL Server",
    1521: "Oracle", 11211: "Memcached", 9042: "Cassandra", 7000: "Cassandra", 7001: "Cassandra",
    7687: "Neo4j Bolt", 7474: "Neo4j", 8086: "InfluxDB", 5672: "RabbitMQ", 15672: "RabbitMQ management",
    4369: "Erlang epmd", 25672: "RabbitMQ", 2379: "etcd", 2380: "etcd", 26257: "CockroachDB",
    8529: "ArangoDB", 28015: "RethinkDB", 29015: "RethinkDB", 9000: "ClickHouse", 8123: "ClickHouse",
    61616: "ActiveMQ", 9092: "Kafka", 2181: "ZooKeeper", 8091: "Couchbase", 50000: "Db2",
    3050: "Firebird",
}

# Host addresses that mean "every interface": what Docker binds when no host IP is written.
ALL_INTERFACES = frozenset({"0.0.0.0", "::", "0:0:0:0:0:0:0:0", "::ffff:0.0.0.0", "*"})

# A Kubernetes `targetPort` may name the container port instead of numbering it; these names are
# what database charts conventionally use, so a named target still reveals a database.
DB_PORT_NAMES = frozenset({
    "postgres", "postgresql", "pg", "mysql", "mariadb", "mongo", "mongodb", "redis", "memcached",
    "memcache", "cql", "amqp", "epmd", "elasticsearch", "es-http", "es-transport", "couchdb",
    "mssql", "neo4j", "bolt", "influxdb", "etcd-client", "etcd", "cockroach", "kafka", "zookeeper",
})

_RANGE = re.compile(r"^\s*(\d{1,5})(?:\s*-\s*(\d{1,5}))?\s*$")


def port_numbers(text: str | int | None) -> range | None:
    """`"5432"` -> range(5432, 5433); `"7000-7001"` -> both; anything else (a name, a variable) -> None."""
    if text is None:
        return None
    m = _RANGE.match(str(text))
    if m is None:
        return None
    low = int(m.group(1))
    high = int(m.group(2)) if m.group(2) else low
    if not 0 < low <= high <= 65535:
        return None
    return range(low, high + 1)


def db_port(text: str | int | None, db_ports: Iterable[int]) -> int | None:
    """The first database port that `text` (a port or a range) covers, or None."""
    numbers = port_numbers(text)
    if numbers is None:
        return None
    ports = frozenset(db_ports)
    if len(numbers) == 1:
        return numbers[0] if numbers[0] in ports else None
    hits = sorted(p for p in ports if p in numbers)
    return hits[0] if hits else None


def is_db_image(image: ImageRef | None, db_images: Iterable[str]) -> bool:
    """Whether the image runs a database, matched on the repository's trailing path components.

    `postgres`, `library/postgres`, `docker.io/library/postgres:16` and `bitnami/postgresql`
    (listed with its namespace) match; `prometheuscommunity/postgres-exporter` does not, since
    an exporter is not the database.
    """
    if image is None or image.unresolved or image.is_stage or image.is_scratch:
        return False
    repo = image.repository.strip().lower()
    if not repo:
        return False
    names = _lowered(db_images if isinstance(db_images, frozenset) else frozenset(db_images))
    parts = repo.split("/")
    return any("/".join(parts[i:]) in names for i in range(len(parts)))


@lru_cache(maxsize=8)
def _lowered(names: frozenset[str]) -> frozenset[str]:
    return frozenset(n.lower() for n in names)


def on_all_interfaces(port: PortMapping) -> bool:
    """Published on every host interface: no host IP (Docker's default) or a wildcard address."""
    if not port.published:
        return False
    if port.host_ip is None:
        return True
    ip = port.host_ip.strip().strip("[]").lower()
    return ip == "" or ip in ALL_INTERFACES


def describe(port: int | None) -> str:
    """`PostgreSQL port 5432`, or `database port 12345` for a port only the settings know."""
    if port is None:
        return "database port"
    engine = ENGINES.get(port)
    return f"{engine} port {port}" if engine else f"database port {port}"
