"""Settings: rule selection, thresholds and the policy lists rules read (DB ports, headers, ...)."""
from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_DB_PORTS = frozenset({
    5432, 3306, 27017, 27018, 27019, 6379, 6380, 9200, 9300, 5984, 1433, 1521, 11211, 9042, 7000,
    7001, 7687, 7474, 8086, 5672, 15672, 2379, 2380, 26257, 8529, 28015, 29015, 9000, 8123, 5433,
    33060, 4369, 25672, 61616, 9092, 2181, 8091, 50000, 3050, 6432,
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
    severity_overrides: dict[str, str] = field(default_factory=dict)
