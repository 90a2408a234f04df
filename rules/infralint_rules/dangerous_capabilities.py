from __future__ import annotations

from typing import Iterator

from infralint.model.common import Container, Document
from infralint.model.span import Span
from infralint.rule import Context, Finding, rule

# Capabilities that hand a container the host (or its kernel), with why, for the message.
# Names are canonical: upper case, without the `CAP_` prefix. Deliberately left out: the ones
# Docker grants by default anyway (NET_RAW, DAC_OVERRIDE, SETUID, CHOWN...: adding them changes
# nothing) and ones that are no way out of the container (NET_BIND_SERVICE, SYS_NICE,
# SYS_RESOURCE, IPC_LOCK, SYSLOG...).
DANGEROUS_CAPABILITIES: dict[str, str] = {
    "ALL": "every capability: as good as privileged",
    "SYS_ADMIN": "mount, namespaces and most admin operations: the usual container escape",
    "SYS_MODULE": "loads kernel modules",
    "SYS_PTRACE": "traces and injects code into other processes",
    "SYS_RAWIO": "raw access to devices, I/O ports and /dev/mem",
    "SYS_BOOT": "loads a new kernel (kexec_load) and reboots",
    "SYS_TIME": "sets the clock of the whole host, which no namespace isolates",
    "NET_ADMIN": "reconfigures interfaces, routes and firewall rules",
    "DAC_READ_SEARCH": "opens host files by handle, past the container's mounts (the 'shocker' escape)",
    "BPF": "loads eBPF programs into the kernel",
    "PERFMON": "opens perf events on the kernel, leaking kernel memory layout",
    "MAC_ADMIN": "changes AppArmor/SELinux policy",
    "MAC_OVERRIDE": "bypasses AppArmor/SELinux policy",
}


@rule(id="IL204", name="dangerous-capabilities", severity="high", formats=("compose", "kubernetes"))
def dangerous_capabilities(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Container is granted a dangerous Linux capability

    ## What it does
    Reports a compose `cap_add` or Kubernetes `securityContext.capabilities.add` item that
    grants one of: `ALL`, `SYS_ADMIN`, `SYS_MODULE`, `SYS_PTRACE`, `SYS_RAWIO`, `SYS_BOOT`,
    `SYS_TIME`, `NET_ADMIN`, `DAC_READ_SEARCH`, `BPF`, `PERFMON`, `MAC_ADMIN`, `MAC_OVERRIDE`.
    Names match case-insensitively, with or without the `CAP_` prefix. The finding points at
    the list item.

    Not reported: capabilities Docker already grants by default (`NET_RAW`, `CHOWN`,
    `DAC_OVERRIDE`, `SETUID`...), since adding them changes nothing, and narrow ones such as
    `NET_BIND_SERVICE` or `SYS_NICE`.

    ## Why is this bad?
    Capabilities split root's power into pieces; these pieces are each enough to leave the
    container or to damage the host. `SYS_ADMIN` allows mounting filesystems and is behind
    most published container escapes, `SYS_MODULE` loads code into the host kernel,
    `SYS_PTRACE` injects into other processes, `DAC_READ_SEARCH` reads any host file by
    handle, `NET_ADMIN` rewrites the firewall, and `ALL` is `privileged` without the name.

    ## Example
    ```yaml
    services:
      vpn:
        image: ghcr.io/acme/vpn:3.1.0
        cap_add:
          - SYS_ADMIN
    ```

    ## Use instead
    ```yaml
    services:
      vpn:
        image: ghcr.io/acme/vpn:3.1.0
        cap_drop: [ALL]
        cap_add:
          - NET_BIND_SERVICE
        devices: ["/dev/net/tun:/dev/net/tun"]
    ```
    Grant the narrowest capability that works, or move the privileged step (mounting,
    firewall setup) out of the container into the host or an init container.
    """
    # An item merged from a shared anchor is one line to fix: group the containers by it.
    by_span: dict[Span, tuple[str, list[Container]]] = {}
    for container in doc.containers:
        for item in container.cap_add:
            name = canonical(item.value)
            if name in DANGEROUS_CAPABILITIES:
                by_span.setdefault(item.span, (name, []))[1].append(container)
    for span, (name, containers) in by_span.items():
        who = ", ".join(c.object for c in containers)
        field = "cap_add" if containers[0].format == "compose" else "capabilities.add"
        yield ctx.report(span, f"{who} adds {name} in {field}: {DANGEROUS_CAPABILITIES[name]}",
                         object=who, key=f"cap {name}")


def canonical(capability: str) -> str:
    """`cap_sys_admin`, `CAP_SYS_ADMIN`, `sys_admin` -> `SYS_ADMIN`."""
    name = capability.strip().upper()
    return name[4:] if name.startswith("CAP_") else name
