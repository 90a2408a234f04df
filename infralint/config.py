"""Settings: rule selection, thresholds and the policy lists rules read (DB ports, headers, ...)."""
from __future__ import annotations

from dataclasses import dataclass, field

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
