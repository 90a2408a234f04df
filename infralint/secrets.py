"""Is this a secret? Name, value-pattern and placeholder tests: IL601 and IL602 use them, and
so does the text output, which masks every secret-looking value on a line it prints, whatever
rules ran.

Two independent signals, as RULES.md ("IL601 names and values") decides:

- the *name* says the value is a secret (`DB_PASSWORD`, `JWT_SECRET`, `STRIPE_API_KEY`), matched
  on whole `_`-separated words so that `GOPRIVATE`, `TRAVIS_OS_NAME` or `SECRETS_DIR` stay quiet;
- the *value* has the shape of a credential (`AKIA…`, `ghp_…`, a PEM private key,
  `postgres://user:pass@host`), whatever the variable is called.

Placeholders (`changeme`, `<your key>`, `your-secret-key`) and well-known defaults (`postgres`,
`guest`) are told apart from real-looking values: IL601 still reports them (they get deployed
unchanged), IL602 does not (a committed template is not a leak).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

# Words that make a name secret wherever they stand (`DB_PASSWORD`, `SECRET_KEY_BASE`).
SECRET_WORDS = frozenset({
    "PASSWORD", "PASSWORDS", "PASSWD", "PASSPHRASE", "SECRET", "SECRETS", "TOKEN", "TOKENS",
    "APIKEY", "APIKEYS", "CREDENTIAL", "CREDENTIALS", "CREDS", "PRIVATEKEY", "SECRETKEY",
    "ACCESSKEY", "AUTHTOKEN", "CLIENTSECRET",
})
# Short words that are secret only as the last word after some prefix (`DB_PASS`, `SMTP_PWD`,
# `REDIS_AUTH`): alone, `PWD` is the working directory and `AUTH` a mode switch.
SECRET_TAIL_WORDS = frozenset({"PASS", "PWD", "PW", "PSW", "AUTH"})
# `<word>_KEY` pairs that name a key rather than a lookup key (`CACHE_KEY`, `SORT_KEY` are not).
KEY_QUALIFIERS = frozenset({
    "API", "PRIVATE", "ACCESS", "SECRET", "ENCRYPTION", "SIGNING", "MASTER", "APP", "AUTH",
    "CLIENT", "SESSION", "HMAC", "CRYPT", "CRYPTO", "LICENSE", "SERVICE", "WEBHOOK", "ADMIN",
})
# Words that, as a name's last word, make it a setting *about* a secret, not the secret itself:
# `POSTGRES_PASSWORD_FILE`, `JWT_SECRET_ALGORITHM`, `BCRYPT_ROUNDS`, `AWS_ACCESS_KEY_ID`.
QUALIFIER_WORDS = frozenset({
    "FILE", "FILES", "PATH", "PATHS", "DIR", "DIRS", "DIRECTORY", "FOLDER", "LOCATION", "MOUNT",
    "TTL", "LENGTH", "LEN", "SIZE", "BITS", "ROUNDS", "ITERATIONS", "COST", "ENABLED", "ENABLE",
    "DISABLED", "DISABLE", "REQUIRED", "ALGORITHM", "ALGORITHMS", "ALG", "HEADER", "NAME", "NAMES",
    "URL", "URI", "ENDPOINT", "HOST", "PORT", "ID", "TYPE", "KIND", "ISSUER", "AUDIENCE",
    "TIMEOUT", "LIFETIME", "EXPIRY", "EXPIRATION", "EXPIRES", "EXPIRE", "EXP", "AGE", "MINUTES",
    "SECONDS", "HOURS", "DAYS", "MINS", "SECS", "MODE", "PROVIDER", "VERSION", "COUNT", "MIN", "MAX",
    "POLICY", "PREFIX", "SUFFIX", "FIELD", "PARAM", "REF", "ARN", "FORMAT", "USER", "USERNAME",
    "ROTATION", "REGION", "SCOPE", "SCOPES", "STRENGTH", "COMPLEXITY", "METHOD", "STORE", "BACKEND",
    "KEYRING", "ENV", "VAR", "VARIABLE",
})
QUALIFIER_TAILS = frozenset({("EXPIRES", "IN"), ("EXPIRE", "IN"), ("VALID", "FOR")})
# Words of switches about a secret (`DISABLE_AUTH`, `MYSQL_ALLOW_EMPTY_PASSWORD`, `SKIP_TOKEN`):
# their values are flags, and a bare `ARG DISABLE_AUTH` is no secret either.
FLAG_WORDS = frozenset({"ENABLE", "DISABLE", "USE", "SKIP", "NO", "ALLOW", "REQUIRE", "FORCE",
                        "WITHOUT", "INSECURE"})

_WORD_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")

# Value patterns: (label for messages, regex). The regex's `s` group, when present, is the part
# to mask (a URL's password), otherwise the whole match is.
VALUE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("a private key", re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")),
    ("an AWS access key", re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Z0-9])")),
    # Bounded repeats: an unbounded scheme would rescan `a.a.a.a…` from every dot (quadratic).
    ("credentials in a URL",
     re.compile(r"\b[A-Za-z][A-Za-z0-9+.-]{0,31}://[^\s:/?#@'\"]{0,256}"
                r":(?P<s>[^\s@/?#'\"]{1,256})@[^\s/?#@'\"]")),
    ("a password in a connection string",
     re.compile(r"(?i)(?:^|[?&;\s])(?:password|passwd|pwd)=(?P<s>[^&;\s'\"]+)")),
    ("a Stripe live key", re.compile(r"\b[rs]k_live_[0-9A-Za-z]{10,}")),
    ("a GitHub token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})")),
    ("a GitLab token", re.compile(r"\bglpat-[0-9A-Za-z_-]{20,}")),
    ("a Slack token", re.compile(r"\bxox[abposr]-[0-9A-Za-z-]{10,}")),
    ("an OpenAI key", re.compile(r"\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{32,}")),
    ("a Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}")),
    ("an npm token", re.compile(r"\bnpm_[A-Za-z0-9]{36}\b")),
    ("a SendGrid key", re.compile(r"\bSG\.[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}")),
    ("a JWT", re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")),
)
_PEM_END = re.compile(r"-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")

# Words placeholders are made of: `your-secret-key`, `change_me`, `put-your-token-here`,
# `supersecret123`, `<32+ character string>`. A real secret is never all dictionary words
# from this list (a passphrase of ordinary words is: it has words outside it).
PLACEHOLDER_WORDS = frozenset({
    "your", "my", "our", "the", "an", "some", "put", "insert", "enter", "add", "set", "replace",
    "with", "change", "changeme", "changeit", "me", "this", "it", "here", "value", "secret",
    "secrets", "password", "passwd", "pass", "pwd", "key", "keys", "token", "tokens", "api", "apikey",
    "jwt", "access", "private", "public", "auth", "example", "examples", "sample", "placeholder",
    "dummy", "fake", "test", "testing", "dev", "development", "local", "demo", "foo", "bar", "baz",
    "xxx", "xxxx", "redacted", "todo", "tbd", "fixme", "none", "null", "nil", "undefined", "empty",
    "string", "generate", "generated", "random", "long", "strong", "secure", "super", "top", "very",
    "really", "min", "chars", "characters", "character", "at", "least", "of", "for", "to", "in",
    "and", "or", "app", "db", "database", "session", "signing", "encryption", "refresh", "unique",
    "real", "actual", "goes", "provided", "service", "client", "user", "production", "prod",
    "staging", "default", "new", "hidden", "masked", "omitted", "removed", "sk", "pk", "live",
})
# Words that mark a whole value as a placeholder even among other text (`sk_test_your_key_here`).
PLACEHOLDER_MARKERS = frozenset({"your", "todo", "fixme", "tbd", "changeit"})
# Long enough to never occur by chance inside a random secret, so they count anywhere in it
# (AWS's documented keys `AKIAIOSFODNN7EXAMPLE`, `wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`).
PLACEHOLDER_INFIXES = ("changeme", "placeholder", "example", "replace", "dummy", "redacted", "xxxx")
# Well-known default credentials: weak, but a committed copy of them leaks nothing.
DEFAULT_VALUES = frozenset({
    "postgres", "root", "admin", "administrator", "guest", "user", "mysql", "mariadb", "redis",
    "mongo", "mongodb", "rabbitmq", "elastic", "sa", "letmein", "qwerty", "minioadmin", "keycloak",
    "grafana", "airflow", "superset", "sonar",
})
_TRUE_FALSE = frozenset({"true", "false", "yes", "no", "on", "off", "y", "n"})
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
_TEMPLATE = re.compile(r"^(?:<[^<>]*>|\[[^\[\]]*\]|\{\{.*\}\}|%[A-Za-z0-9_]+%|@[A-Za-z0-9_]+@|__[A-Z0-9_]+__)$")
_FILLER = re.compile(r"^[xX*.\-_#?]+$")
# `${X}`, `${X:-d}`, `$X`, `$(X)`: a reference, not a value (IL602 Secrets rendered by envsubst).
_REFERENCE = re.compile(r"\$\{[^}]{0,256}\}|\$\([^)]{0,256}\)|\$[A-Za-z_][A-Za-z0-9_]*|\{\{[^}]{0,256}\}\}")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$")
_PATH = re.compile(r"^(?:/|\./|\.\./|~/|[A-Za-z]:\\)[^\s]*$")


@dataclass(frozen=True, slots=True)
class SecretMatch:
    """Why a value counts as a secret, and which text outputs must mask."""

    reason: str  # "name", or a value-pattern label such as "an AWS access key"
    secret: str  # the text to mask wherever the source line is shown
    placeholder: str | None = None  # None, "placeholder" or "default"

    @property
    def real(self) -> bool:
        return self.placeholder is None


def words(name: str) -> list[str]:
    """`dbPassword` -> [DB, PASSWORD]; `AWS_SECRET_ACCESS_KEY` -> [AWS, SECRET, ACCESS, KEY]."""
    return [w.upper() for w in _WORD_SPLIT.split(name) if w]


def is_secret_name(name: str, extra_words: Iterable[str] = ()) -> bool:
    """A name counts as secret when one of its words is a secret word, unless its last word makes
    it a setting about a secret (`_FILE`, `_EXPIRES_IN`, `_ROUNDS`...)."""
    ws = words(name)
    if not ws:
        return False
    if ws[-1] in QUALIFIER_WORDS or tuple(ws[-2:]) in QUALIFIER_TAILS or FLAG_WORDS.intersection(ws):
        return False
    extra = {w.upper() for w in extra_words}
    for i, w in enumerate(ws):
        if w in SECRET_WORDS or w in extra:
            return True
        # Glued forms: `DBPASSWORD`, `OAUTHTOKEN`, `CLIENTSECRET`.
        if len(w) > 6 and w.endswith(("PASSWORD", "PASSWD", "SECRET", "TOKEN", "APIKEY")):
            return True
        if w == "KEY" and i > 0 and ws[i - 1] in KEY_QUALIFIERS:
            return True
    return len(ws) > 1 and ws[-1] in SECRET_TAIL_WORDS


def value_pattern(text: str) -> tuple[str, str] | None:
    """(label, the secret text) when the value has the shape of a known credential."""
    for label, pattern in VALUE_PATTERNS:
        for m in pattern.finditer(text):
            if "s" in pattern.groupindex:
                secret = m.group("s")
                # `user:${DB_PASSWORD}@db` (in RUN text, where nothing was interpolated away).
                if _REFERENCE.fullmatch(secret):
                    continue
                return label, secret
            if label == "a private key":
                end = _PEM_END.search(text, m.end())
                return label, text[m.start():end.end() if end else len(text)]
            return label, m.group(0)
    return None


def is_trivial(value: str) -> bool:
    """Empty, purely numeric or boolean values are never secrets (`BCRYPT_ROUNDS=12`, `AUTH=true`)."""
    v = value.strip().strip("'\"").strip()
    return not v or v.lower() in _TRUE_FALSE or bool(_NUMBER.match(v))


def is_reference(value: str) -> bool:
    """The whole value is a variable reference or template expression (`${DB_PASSWORD}`)."""
    rest = _REFERENCE.sub("", value).strip().strip("'\"").strip()
    return rest == "" and value.strip() != ""


def placeholder_kind(value: str, name: str = "") -> str | None:
    """`"placeholder"` (`changeme`, `<your key>`, `your-secret-key`, `GOOGLE_API_KEY_VAL` for
    GOOGLE_API_KEY), `"default"` (`postgres`, `guest`) or None for a value that looks real."""
    v = value.strip().strip("'\"").strip()
    low = v.lower()
    if not v or _TEMPLATE.match(v) or _FILLER.match(v):
        return "placeholder"
    alpha = re.findall(r"[a-z]+", low)
    if any(m in low for m in PLACEHOLDER_INFIXES) or any(w in PLACEHOLDER_MARKERS for w in alpha):
        return "placeholder"
    if low in DEFAULT_VALUES:
        return "default"
    if alpha and all(_segments(w) for w in alpha):
        return "placeholder"
    # A value spelled from the variable's own name: `INSERT_ETCD_INITIAL_CLUSTER_TOKEN`.
    own = {w.lower() for w in words(name)}
    if own and alpha and all(w in own or w in ("val", "var") or _segments(w) for w in alpha):
        return "placeholder"
    return None


def find_secret(name: str, literal: str | None, extra_words: Iterable[str] = ()) -> SecretMatch | None:
    """Whether `name=literal` holds a secret. `literal` is the value with interpolations removed
    (EnvVar.literal), so `${PG_PASSWORD}` never counts and `${PW:-hunter2}` counts as `hunter2`."""
    if literal is None or not literal.strip():
        return None
    found = value_pattern(literal)
    if found is not None:
        label, secret = found
        return SecretMatch(label, secret, placeholder_kind(secret, name))
    if is_trivial(literal) or not is_secret_name(name, extra_words):
        return None
    value = literal.strip()
    # A path or a plain URL says where a secret is, not what it is
    # (`GOOGLE_APPLICATION_CREDENTIALS=/secrets/gcp.json`).
    if _PATH.match(value) or _URL.match(value):
        return None
    return SecretMatch("name", value, placeholder_kind(value, name))


def _segments(word: str) -> bool:
    """`supersecretkey` -> super+secret+key: the word is made only of placeholder words."""
    if word in PLACEHOLDER_WORDS:
        return True
    n = len(word)
    ok = [True] + [False] * n
    for end in range(1, n + 1):
        for start in range(max(0, end - 13), end - 1):
            if ok[start] and word[start:end] in PLACEHOLDER_WORDS:
                ok[end] = True
                break
    return ok[n]
