from __future__ import annotations

from typing import Iterator

from infralint.model.common import Document
from infralint.model.compose import ComposeFile
from infralint.rule import Context, Finding, rule
from infralint_rules._dbports import db_port, is_db_image, on_all_interfaces


@rule(id="IL402", name="port-on-all-interfaces", severity="info", formats=("compose",), enabled=False)
def port_on_all_interfaces(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Port published on all host interfaces

    ## What it does
    Reports a compose `ports:` entry (short or long syntax) published on every host interface:
    no host IP, `0.0.0.0`, `::` or `[::]`. `expose:` publishes nothing and `127.0.0.1:8080:80`
    stays on the host, so neither is reported.

    Database ports, and every port of a database image, are IL401's (exposed-db-port): this
    rule skips them, with the same configurable lists, so one port is never reported twice.
    Off by default: a reverse proxy publishing 80 and 443 is exactly what it should do.

    ## Why is this bad?
    Docker publishes a port on all interfaces unless told otherwise, and inserts its own
    iptables rules ahead of the host firewall: ufw or firewalld rules do not stop it. An admin
    UI, a metrics endpoint or a development server published "for testing" is then reachable
    from the whole network, or the internet on a cloud VM. Binding to `127.0.0.1` keeps it
    reachable from the host (and an SSH tunnel) only.

    ## Example
    ```yaml
    services:
      grafana:
        image: grafana/grafana:11.0.0
        ports:
          - "3000:3000"
    ```

    ## Use instead
    ```yaml
    services:
      grafana:
        image: grafana/grafana:11.0.0
        ports:
          - "127.0.0.1:3000:3000"
    ```
    """
    if not isinstance(doc, ComposeFile):
        return
    for service in doc.services:
        c = service.container
        # IL401 reports every published port of a database image and every database port:
        # the exact complement is ours.
        if is_db_image(c.image, ctx.settings.db_images):
            continue
        for port in c.ports:
            if not on_all_interfaces(port) or db_port(port.container_port, ctx.settings.db_ports) is not None:
                continue
            shown = port.raw or port.container_port
            yield ctx.report(
                port.span,
                f"service {service.name} publishes port {port.container_port} on all host interfaces ({shown}); "
                "bind it to 127.0.0.1 unless it must be reachable from other machines",
                object=c.object,
                key=f"{service.name}:{port.container_port}",
            )
