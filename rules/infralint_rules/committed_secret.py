from __future__ import annotations

import base64
import binascii
from typing import Iterator

from infralint.model.common import Document
from infralint.model.files import EnvFile
from infralint.model.k8s import KSecret, KubeFile, SecretEntry
from infralint.rule import Context, Finding, rule
from infralint.secrets import (context_names, find_secret, is_reference, is_secret_name, placeholder_kind,
                               value_pattern, words)

# Secret keys that name where or who, not the secret itself (`username`, `host`): a Secret's
# password is the leak, its user name beside it is not worth a second finding.
IDENTIFIER_WORDS = frozenset({
    "USER", "USERNAME", "LOGIN", "HOST", "HOSTNAME", "PORT", "DATABASE", "DB", "DBNAME", "NAME",
    "NAMESPACE", "REGION", "ENDPOINT", "URL", "URI", "ID", "EMAIL", "SCHEMA", "BUCKET", "ACCOUNT",
    "ADDRESS", "SERVER",
})
# Public halves: a certificate or public key is not a secret even inside a Secret object.
_PUBLIC_SUFFIXES = (".crt", ".cert", ".pub", ".cer")
_PUBLIC_MARKERS = ("-----BEGIN CERTIFICATE-----", "-----BEGIN PUBLIC KEY-----", "ssh-rsa ", "ssh-ed25519 ")


@rule(id="IL602", name="committed-secret", severity="high", formats=("kubernetes", "env"))
def committed_secret(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Secret values committed to the repository

    ## What it does
    Reports secret values stored in files that are meant to be committed:

    - a Kubernetes `Secret` (kind `Secret` exactly, so not a SealedSecret or an ExternalSecret)
      with values under `data` or `stringData`, one finding per entry. Empty values, values that
      are only a variable for `envsubst` (`${DB_PASSWORD}`), user names and hosts, and public
      certificates (`tls.crt`, `ca.crt`) are not reported.
    - a `.env` or `.env.*` file holding real-looking secrets: a variable whose name is a secret
      (`JWT_SECRET`, `DB_PASSWORD`) with a real value, or any value with the shape of a
      credential (`AKIA…`, `postgres://user:pass@host`, `sk_live_…`). Empty values,
      interpolations (`${X}`, `$(X)`), placeholders (`changeme`, `<your key>`, `xxx`) and
      guessable defaults (`postgres`, `guest`, a password repeating the user or database name)
      make a template, not a leak (IL601 describes both); a real-looking value is reported even
      when it contains a placeholder word (`realSecret123`). `.env.example`, `.sample`,
      `.template` and `.dist` files are never reported.

    Files ignored by `.gitignore` are not scanned, so a git-ignored local `.env` is fine.

    ## Why is this bad?
    Base64 in a Secret's `data` is an encoding, not encryption: anyone who can read the
    repository can read the secret, forever, through git history. The same holds for a
    committed `.env`. Leaked keys are harvested from public repositories within minutes.

    ## Example
    ```yaml
    apiVersion: v1
    kind: Secret
    metadata:
      name: api-credentials
    type: Opaque
    stringData:
      jwt-secret: 4f9d2c7b1e8a6f3d0c5b
    ```

    ## Use instead
    ```yaml
    # Commit an encrypted SealedSecret (or use External Secrets / SOPS) instead.
    apiVersion: bitnami.com/v1alpha1
    kind: SealedSecret
    metadata:
      name: api-credentials
    spec:
      encryptedData:
        jwt-secret: AgBy8hCi0ZQxq3...
    ```
    """
    if isinstance(doc, KubeFile):
        for secret in doc.secrets:
            yield from _kube_secret(secret, ctx)
    elif isinstance(doc, EnvFile):
        yield from _env_file(doc, ctx)


def _kube_secret(secret: KSecret, ctx: Context) -> Iterator[Finding]:
    if secret.obj.kind != "Secret":
        return
    for entry in secret.entries:
        value = entry.value
        if value is None or not value.strip() or is_reference(value):
            continue
        plain = _plain_text(entry)
        if _is_public(entry.key, plain) or _is_identifier(entry.key, plain):
            continue
        notes = []
        if entry.section == "data":
            notes.append("base64 is an encoding, not encryption")
        # Placeholders are reported all the same: the Secret is applied with them as they are.
        if placeholder_kind(plain if plain is not None else value, entry.key) == "placeholder":
            notes.append("a placeholder, but one that gets applied as it is")
        shown = f" ({'; '.join(notes)})" if notes else ""
        yield ctx.report(
            entry.span,
            f"Secret {secret.obj.name}: {entry.section}.{entry.key} is committed in plain text{shown}; "
            "commit a SealedSecret or SOPS-encrypted file, or use External Secrets",
            object=secret.obj.label,
            key=f"{secret.obj.label}:{entry.section}.{entry.key}",
            secret=value,
        )


def _env_file(doc: EnvFile, ctx: Context) -> Iterator[Finding]:
    # `.env.example` and friends document variables; their values are meant to be read.
    if doc.template:
        return
    names = context_names((e.name, e.literal) for e in doc.entries)
    for env in doc.entries:
        match = find_secret(env.name, env.literal, ctx.settings.secret_words, names)
        # Empty values, placeholders and guessable defaults make a template, not a leak.
        if match is None or not match.real:
            continue
        holds = "a real-looking secret" if match.reason == "name" else match.reason
        yield ctx.report(
            env.span,
            f"{env.name} holds {holds} in a committed env file; keep real values out of git "
            "(.gitignore) and commit a .env.example with empty values",
            object=doc.path,
            key=f"dotenv:{env.name}",
            secret=match.secret,
        )


def _plain_text(entry: SecretEntry) -> str | None:
    """The entry's value as the application sees it: `data` is base64, `stringData` plain text."""
    if entry.value is None:
        return None
    if entry.section != "data":
        return entry.value
    try:
        raw = base64.b64decode("".join(entry.value.split()), validate=True)
        return raw.decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None  # not base64 (kubectl would refuse it) or binary: judge the raw text


def _is_public(key: str, plain: str | None) -> bool:
    if key.lower().endswith(_PUBLIC_SUFFIXES):
        return True
    if plain is None or "PRIVATE KEY" in plain:
        return False
    return plain.lstrip().startswith(_PUBLIC_MARKERS)


def _is_identifier(key: str, plain: str | None) -> bool:
    """`username`, `db-host`: identifies, does not authenticate (unless it embeds a credential)."""
    ws = words(key)
    # iSCSI CHAP spells direction after the word: `auth.username_in`.
    if len(ws) > 1 and ws[-1] in ("IN", "OUT"):
        ws = ws[:-1]
    if not ws or ws[-1] not in IDENTIFIER_WORDS or is_secret_name(key):
        return False
    return plain is None or value_pattern(plain) is None
