from __future__ import annotations

import posixpath
import re
from typing import Iterator

from infralint.model.common import Container, Document, Mount
from infralint.model.span import Span
from infralint.rule import Context, Finding, rule

# Socket files whose API starts containers as root on the host: Docker's, and the other
# runtimes' that give the same power (matched on the file name, so rootless and Docker Desktop
# paths such as `$XDG_RUNTIME_DIR/docker.sock` or `~/.docker/run/docker.sock` count too).
RUNTIME_SOCKETS: dict[str, str] = {
    "docker.sock": "the Docker socket",
    "docker.sock.raw": "the Docker socket",
    "containerd.sock": "the containerd socket",
    "crio.sock": "the CRI-O socket",
    "podman.sock": "the Podman socket",
}
# Host directories that hold those sockets: mounting the directory mounts the socket.
RUNTIME_DIRS = frozenset({"/run", "/var/run", "/run/containerd", "/var/run/containerd",
                          "/run/crio", "/var/run/crio", "/run/podman", "/var/run/podman"})
# Docker's API on Windows is a named pipe (compose long syntax `type: npipe`).
WINDOWS_PIPE = "//./pipe/docker_engine"
# Mount types whose source is a host path.
_HOST_TYPES = frozenset({"bind", "hostPath", "npipe"})


@rule(id="IL205", name="docker-socket-mount", severity="critical", formats=("compose", "kubernetes"))
def docker_socket_mount(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Container mounts the Docker socket

    ## What it does
    Reports a container that gets the host's container runtime socket mounted:

    - **Compose**: a bind mount in `volumes:`, short (`/var/run/docker.sock:/var/run/docker.sock`)
      or long syntax (`source:`), or the Windows pipe `\\\\.\\pipe\\docker_engine`. The finding
      points at the volume item.
    - **Kubernetes**: a `hostPath` volume that a container mounts. The finding points at the
      volume's `hostPath.path` line.

    The socket is recognised by its file name in any directory (`docker.sock`, so rootless and
    Docker Desktop paths count; also `containerd.sock`, `crio.sock`, `podman.sock`, which give
    the same power), and a mount of a whole directory that holds it (`/var/run`, `/run`,
    `/run/containerd`...) counts as mounting it. `:ro` does not help and is not an exemption:
    a read-only mount still lets the container connect to the socket. A named volume that
    happens to be called `docker-sock` is not the socket.

    ## Why is this bad?
    Whoever can talk to the Docker API can start a container with `--privileged` and the
    host's `/` mounted, so the socket is root on the host without a password. Any code
    execution bug in the container, or a compromised dependency, becomes a host takeover,
    and in Kubernetes a takeover of the node and the credentials on it.

    ## Example
    ```yaml
    services:
      proxy:
        image: traefik:v3.0
        volumes:
          - /var/run/docker.sock:/var/run/docker.sock:ro
    ```

    ## Use instead
    ```yaml
    services:
      proxy:
        image: traefik:v3.0
        # Routes from files instead of from the Docker API.
        command: --providers.file.directory=/etc/traefik/dynamic
        volumes:
          - ./traefik/dynamic:/etc/traefik/dynamic:ro
    ```
    When a tool truly needs the API, give it a filtering proxy (such as
    `tecnativa/docker-socket-proxy`, allowing only the calls it makes) and ignore the finding
    on that one mount, with the reason.
    """
    # A mount merged from a shared anchor, or a hostPath volume that several containers mount,
    # is one line to fix: group the containers by it.
    by_span: dict[Span, tuple[str, list[Container]]] = {}
    for container in doc.containers:
        for mount in container.mounts:
            what = exposed_socket(mount)
            if what is not None:
                by_span.setdefault(mount.span, (what, []))[1].append(container)
    for span, (what, containers) in by_span.items():
        who = ", ".join(c.object for c in containers)
        yield ctx.report(span, f"{who} mounts {what}: control of the container runtime is root on the host",
                         object=who, key=f"socket {what}")


def exposed_socket(mount: Mount) -> str | None:
    """What runtime socket a host mount exposes (`the Docker socket /var/run/docker.sock`), or None."""
    if mount.type not in _HOST_TYPES or not mount.source:
        return None
    path = _normalise(mount.source)
    if path == WINDOWS_PIPE:
        return f"the Docker engine pipe {mount.source}"
    name = posixpath.basename(path)
    if name in RUNTIME_SOCKETS:
        return f"{RUNTIME_SOCKETS[name]} {mount.source}"
    if path in RUNTIME_DIRS:
        return f"the host's {path}, which holds the container runtime socket"
    return None


def _normalise(source: str) -> str:
    """`/var/run/` -> `/var/run`, `//var//run/docker.sock` -> `/var/run/docker.sock`,
    `\\\\.\\pipe\\docker_engine` -> `//./pipe/docker_engine`."""
    text = source.strip().replace("\\", "/")
    if text.startswith("//./"):
        return "//./" + re.sub(r"/+", "/", text[4:]).lower()
    return posixpath.normpath(re.sub(r"/+", "/", text))
