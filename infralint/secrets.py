"""Is this a secret? Name, value-pattern and placeholder tests: IL601 and IL602 use them, and
so does the text output, which masks every secret-looking value on a line it prints, whatever
rules ran.

Two independent signals, as RULES.md ("IL601 names and values") decides:

- the *name* says the value is a secret (`DB_PASSWORD`, `JWT_SECRET`, `STRIPE_API_KEY`), matched
  on whole `_`-separated words so that `GOPRIVATE`, `TRAVIS_OS_NAME` or `SECRETS_DIR` stay quiet;
- the *value* has the shape of a credential (`AKIA…`, `ghp_…`, a PEM private key,
  `postgres://user:pass@host`), whatever the variable is called.

Placeholders and guessable defaults are told apart from real-looking values (see
`placeholder_kind`): IL601 still reports them (they get deployed unchanged), IL602 does not (a
committed template is not a leak).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Iterator

# Words that make a name secret wherever they stand (`DB_PASSWORD`, `SECRET_KEY_BASE`).
SECRET_WORDS = frozenset({
    "PASSWORD", "PASSWORDS", "PASSWD", "PASSPHRASE", "SECRET", "SECRETS", "TOKEN", "TOKENS",
    "APIKEY", "APIKEYS", "CREDENTIAL", "CREDENTIALS", "CREDS", "PRIVATEKEY", "SECRETKEY",
    "ACCESSKEY", "AUTHTOKEN", "CLIENTSECRET",
})
# Short words that are secret only as the last word after some prefix (`DB_PASS`, `SMTP_PWD`,
# `REDIS_AUTH`): alone, `PWD` is the working directory. A leading one names a setting about the
# secret instead (`AUTH_PROVIDER`, `AUTH_MODE`), which the qualifier words already rule out.
SECRET_TAIL_WORDS = frozenset({"PASS", "PWD", "PW", "PSW", "AUTH"})
# Secret even alone: RULES.md lists AUTH among the secret words (`AUTH: <credential>`).
SECRET_ALONE_WORDS = frozenset({"AUTH"})
# What a bare `AUTH` holds when it selects a mechanism rather than carrying a credential.
AUTH_MODES = frozenset({
    "none", "basic", "bearer", "digest", "oauth", "oauth2", "oidc", "jwt", "ldap", "saml", "kerberos",
    "token", "apikey", "api_key", "password", "local", "internal", "external", "session", "cookie",
    "header", "ntlm", "negotiate", "mtls", "tls", "cert", "anonymous", "enabled", "disabled",
})
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
    # `Authorization: Bearer …` in a header directive or a RUN's curl; a digit is required so
    # that prose ("Basic authentication") is not taken for a credential.
    ("an Authorization header credential",
     re.compile(r"\b(?:Bearer|Basic)\s+(?P<s>(?=[^\s'\"]*[0-9])[A-Za-z0-9._~+/-]{8,}=*)")),
)
_PEM_END = re.compile(r"-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")
# A literal every pattern above (and a `?name=value` parameter) needs: most text has none, and
# one search is cheaper than fourteen. Keep in step with VALUE_PATTERNS.
_HINT = re.compile(r"://|=|-----BEGIN|A[KS]IA|k_live_|gh[pousr]_|github_pat_|glpat-|xox|sk-|AIza|npm_|SG\.|eyJ|Bearer|Basic")

# Words placeholders are made of: `your-secret-key`, `change_me`, `put-your-token-here`,
# `supersecretkey`, `<32+ character string>`. A real secret is never all dictionary words
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
# `$(NAME)`, which Kubernetes expands and shells substitute: not a literal either.
_COMMAND_REF = re.compile(r"\$\([^()]{0,256}\)")
# `?api_key=…`, `&token=…` in a URL.
_QUERY_PARAM = re.compile(r"[?&;](?P<name>[A-Za-z_][A-Za-z0-9_.-]{0,64})=(?P<s>[^&#;\s'\"`<>]{1,512})")
_VALUE_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])")
# Last words of a name that holds who or what, not a secret (`MYSQL_USER`, `POSTGRES_DB`).
IDENTITY_WORDS = frozenset({"USER", "USERNAME", "LOGIN", "DB", "DATABASE", "DBNAME", "SCHEMA"})
_PLAIN_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{1,63}$")
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
    if len(ws) == 1 and ws[0] in SECRET_ALONE_WORDS:
        return True
    return len(ws) > 1 and ws[-1] in SECRET_TAIL_WORDS


def value_pattern(text: str) -> tuple[str, str] | None:
    """(label, the secret text) when the value has the shape of a known credential."""
    return next(value_patterns(text), None)


def value_patterns(text: str) -> Iterator[tuple[str, str]]:
    """Every credential-shaped piece of `text`, as (label, the secret text), pattern by pattern."""
    for label, start, end in _pattern_spans(text):
        yield label, text[start:end]


def credential_spans(text: str) -> Iterator[tuple[int, int]]:
    """Where secrets sit inside free text such as a message quoting a URL: credential-shaped
    values, and query parameters whose name is a secret (`?api_key=…`, `&access_token=…`)."""
    if not _HINT.search(text):
        return
    for _, start, end in _pattern_spans(text):
        yield start, end
    for m in _QUERY_PARAM.finditer(text):
        value = m.group("s")
        if is_secret_name(m.group("name")) and not is_trivial(value) and not is_reference(value):
            yield m.span("s")


def _pattern_spans(text: str) -> Iterator[tuple[str, int, int]]:
    if not _HINT.search(text):
        return
    for label, pattern in VALUE_PATTERNS:
        for m in pattern.finditer(text):
            if "s" in pattern.groupindex:
                # `user:${DB_PASSWORD}@db` (in RUN text, where nothing was interpolated away).
                if not _REFERENCE.fullmatch(m.group("s")):
                    yield (label, *m.span("s"))
            elif label == "a private key":
                end = _PEM_END.search(text, m.end())
                yield label, m.start(), end.end() if end else len(text)
            else:
                yield (label, *m.span())


def is_trivial(value: str) -> bool:
    """Empty, purely numeric or boolean values are never secrets (`BCRYPT_ROUNDS=12`, `AUTH=true`)."""
    v = value.strip().strip("'\"").strip()
    return not v or v.lower() in _TRUE_FALSE or bool(_NUMBER.match(v))


def is_switch(name: str, value: str) -> bool:
    """The value makes the variable a switch, not a credential: a number or boolean
    (`REDIS_AUTH=false`), or a mechanism for a bare `AUTH` (`AUTH=basic`)."""
    if is_trivial(value):
        return True
    return words(name) == ["AUTH"] and value.strip().strip("'\"").strip().lower() in AUTH_MODES


def is_reference(value: str) -> bool:
    """The whole value is a variable reference or template expression (`${DB_PASSWORD}`)."""
    rest = _REFERENCE.sub("", value).strip().strip("'\"").strip()
    return rest == "" and value.strip() != ""


def placeholder_kind(value: str, name: str = "", names: Iterable[str] = ()) -> str | None:
    """How far from a real secret a value is, as IL601's message and IL602 judge it.

    `"placeholder"`: the value stands for a secret still to be chosen. It is empty, a template
    (`<your key>`, `{{ token }}`, `__TOKEN__`), filler (`xxx`, `***`), holds a marker
    (`changeme`, `example`, `replace_me`, `your`, `todo`) or, with no digit in it, is spelled
    only from placeholder words (`password`, `secret`, `change-me`, `your-secret-key`,
    `supersecretkey`), possibly mixed with the variable's own name (`GOOGLE_API_KEY_VAL`).

    `"default"`: a guessable value rather than a chosen one: a well-known default (`postgres`,
    `guest`), or a value that repeats a word of the variable's name or one of `names`, the names
    around it (`WORDPRESS_DB_PASSWORD: wordpress`, `MYSQL_PASSWORD: wordpress` beside
    `MYSQL_USER: wordpress`), or one of these or a placeholder word with a number stuck on
    (`admin123`, `secret1`).

    None: a real-looking value. Containing a placeholder word is not enough (`realSecret123`).
    """
    v = value.strip().strip("'\"").strip()
    low = v.lower()
    if not v or _TEMPLATE.match(v) or _FILLER.match(v):
        return "placeholder"
    parts = _value_words(v)
    if any(m in low for m in PLACEHOLDER_INFIXES) or any(w in PLACEHOLDER_MARKERS for w in parts):
        return "placeholder"
    # A digit is a choice someone made: `secret123` is a weak password, not a stand-in for one.
    wordy = bool(parts) and not any(c.isdigit() for c in v)
    if wordy and all(_segments(w) for w in parts):
        return "placeholder"
    own = {w.lower() for w in words(name)}
    guessable = DEFAULT_VALUES | own | {n.lower() for n in names}
    # With a number stuck on, still the same guess (`admin123`, `minio123`, `secret1`).
    base = low.rstrip("0123456789").rstrip("-_.!@#")
    if low in guessable or base != low and (base in guessable or base in PLACEHOLDER_WORDS):
        return "default"
    # Spelled from the variable's own name: `INSERT_ETCD_INITIAL_CLUSTER_TOKEN`.
    if wordy and len(parts) > 1 and all(w in own or w in ("val", "var") or _segments(w) for w in parts):
        return "placeholder"
    return None


def context_names(entries: Iterable[tuple[str, str | None]], *labels: str) -> frozenset[str]:
    """Names a guessable password repeats: the words of `labels` (a service, its image) and the
    values of sibling user and database names (`MYSQL_USER: wordpress`), from (name, value) pairs."""
    out = {w.lower() for label in labels for w in words(label)}
    for name, value in entries:
        ws = words(name)
        if value and ws and ws[-1] in IDENTITY_WORDS and _PLAIN_NAME.match(value.strip()):
            out.add(value.strip().lower())
    return frozenset(out)


def find_secret(name: str, literal: str | None, extra_words: Iterable[str] = (),
                names: Iterable[str] = ()) -> SecretMatch | None:
    """Whether `name=literal` holds a secret. `literal` is the value with interpolations removed
    (EnvVar.literal), so `${PG_PASSWORD}` never counts and `${PW:-hunter2}` counts as `hunter2`.
    A command substitution left in it (`$(DB_PASSWORD)`) is an interpolation too. `names`: see
    `placeholder_kind`."""
    if literal is None:
        return None
    literal = _COMMAND_REF.sub("", literal)
    if not literal.strip():
        return None
    found = value_pattern(literal)
    if found is not None:
        label, secret = found
        return SecretMatch(label, secret, placeholder_kind(secret, name, names))
    if is_switch(name, literal) or not is_secret_name(name, extra_words):
        return None
    value = literal.strip()
    # A path or a plain URL says where a secret is, not what it is
    # (`GOOGLE_APPLICATION_CREDENTIALS=/secrets/gcp.json`).
    if _PATH.match(value) or _URL.match(value):
        return None
    return SecretMatch("name", value, placeholder_kind(value, name, names))


def _value_words(value: str) -> list[str]:
    """`your-secret-key` -> [your, secret, key]; `realSecret123` -> [real, secret123]."""
    return [w.lower() for w in _VALUE_SPLIT.split(value) if w]


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
