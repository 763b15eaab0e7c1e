#!/usr/bin/env python3
"""Consistency checks for deploy/, run by deploy/validate.sh.

Schema validation (kubernetes-validate, hadolint, systemd-analyze) answers "is
this a well-formed object?". These checks answer "does it hang together, and
does it say what the suite needs?": selectors that select, ports that exist,
probes on the right health service names, the security settings every pod and
unit must keep, mTLS wired everywhere, no --insecure.

Usage: validate_checks.py CHECK [ARGS...]; prints one line per problem and
exits 1 if there was any.
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from pathlib import Path

import yaml

DEPLOY = Path(__file__).resolve().parent
ROLES = {"reader", "writer", "subscriber", "admin"}
SERVICES = {
    # name: (binary, grpc port, health service name, has data dir)
    "registry": ("judicial-registry", 50051, "judicial.v1.RegistryService", True),
    "router": ("judicial-router", 50052, "judicial.v1.RouterService", False),
    "notifier": ("judicial-notifier", 50053, "judicial.v1.NotifierService", True),
}
TLS_ENV = ("JUDICIAL_TLS_CERT", "JUDICIAL_TLS_KEY", "JUDICIAL_TLS_CLIENT_CA")

problems: list[str] = []


def problem(where: str, what: str) -> None:
    problems.append(f"{where}: {what}")


def seconds(text: str) -> float:
    """Parses 20s, 500ms, 2m (the services' --shutdown-grace syntax)."""
    m = re.fullmatch(r"\s*([0-9.]+)\s*(ms|s|m|h)?\s*", str(text))
    if not m:
        raise ValueError(f"not a duration: {text!r}")
    n = float(m.group(1))
    return n * {"ms": 0.001, "s": 1, "m": 60, "h": 3600, None: 1}[m.group(2)]


def load_docs(path: Path) -> list[dict]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


# ---------------------------------------------------------------------------
# every YAML file parses
# ---------------------------------------------------------------------------
def check_yaml() -> None:
    files = sorted(p for p in DEPLOY.rglob("*") if p.suffix in {".yaml", ".yml"} and "certs" not in p.parts)
    for path in files:
        try:
            docs = load_docs(path)
        except yaml.YAMLError as e:
            problem(str(path.relative_to(DEPLOY)), f"invalid YAML: {e}")
            continue
        if not docs:
            problem(str(path.relative_to(DEPLOY)), "no YAML documents")
    print(f"  {len(files)} YAML files parsed")


# ---------------------------------------------------------------------------
# the policy example and the ConfigMap carry the same, valid policy
# ---------------------------------------------------------------------------
def parse_policy(where: str, text: str) -> dict:
    try:
        policy = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        problem(where, f"invalid TOML: {e}")
        return {}
    principals = policy.get("principals")
    if not isinstance(principals, dict) or not principals:
        problem(where, "needs a non-empty [principals] table")
        return {}
    for identity, roles in principals.items():
        if not isinstance(roles, list) or not roles:
            problem(where, f"{identity}: roles must be a non-empty list")
        elif set(roles) - ROLES:
            problem(where, f"{identity}: unknown roles {sorted(set(roles) - ROLES)}")
    for needed in ("router.judicial.internal", "notifier.judicial.internal"):
        if "reader" not in principals.get(needed, []):
            problem(where, f"{needed} needs the reader role to Watch the registry")
    return principals


def check_policy() -> None:
    example = parse_policy("policy.example.toml", (DEPLOY / "policy.example.toml").read_text())
    cm_path = DEPLOY / "k8s/base/policy-configmap.yaml"
    (cm,) = load_docs(cm_path)
    configmap = parse_policy("k8s/base/policy-configmap.yaml", cm["data"]["policy.toml"])
    if example != configmap:
        problem("k8s/base/policy-configmap.yaml", "policy differs from policy.example.toml")
    print(f"  policy: {len(example)} principals, roles within {sorted(ROLES)}")


# ---------------------------------------------------------------------------
# Kubernetes: rendered (or file-by-file) manifests hang together
# ---------------------------------------------------------------------------
def check_k8s(profile: str, paths: list[str]) -> None:
    objects: list[dict] = []
    for p in paths:
        objects.extend(load_docs(Path(p)))
    where = f"k8s[{profile}]"
    by_kind: dict[str, dict[str, dict]] = {}
    for o in objects:
        by_kind.setdefault(o["kind"], {})[o["metadata"]["name"]] = o
        if o["kind"] != "Namespace" and o["metadata"].get("namespace") != "judicial":
            problem(where, f"{o['kind']}/{o['metadata']['name']} is not in namespace judicial")

    def need(kind: str, name: str) -> dict | None:
        obj = by_kind.get(kind, {}).get(name)
        if obj is None:
            problem(where, f"missing {kind}/{name}")
        return obj

    need("Namespace", "judicial")
    need("ConfigMap", "judicial-policy")
    need("ServiceAccount", "judicial")
    workloads = {
        "registry": need("StatefulSet", "judicial-registry"),
        "router": need("Deployment", "judicial-router"),
        "notifier": need("StatefulSet", "judicial-notifier"),
    }
    secrets = by_kind.get("Secret", {})
    if profile == "production" and secrets:
        problem(where, f"renders placeholder secrets {sorted(secrets)}: production must not overwrite real keys")
    if profile == "base":
        for svc in SERVICES:
            need("Secret", f"judicial-{svc}-tls")

    pod_labels: dict[str, dict] = {}
    container_ports: dict[str, dict[str, int]] = {}
    for svc, wl in workloads.items():
        if wl is None:
            continue
        binary, grpc_port, health_name, has_data = SERVICES[svc]
        name = f"{wl['kind']}/{wl['metadata']['name']}"
        spec = wl["spec"]
        tpl = spec["template"]
        pod = tpl["spec"]
        labels = tpl["metadata"].get("labels", {})
        pod_labels[svc] = labels
        if any(labels.get(k) != v for k, v in spec["selector"]["matchLabels"].items()):
            problem(where, f"{name}: selector does not match its pod labels")
        if svc in ("registry", "notifier"):
            if spec.get("replicas") != 1:
                problem(where, f"{name}: must run exactly one replica (single sled writer)")
            headless = by_kind.get("Service", {}).get(spec.get("serviceName", ""))
            if headless is None or headless["spec"].get("clusterIP") != "None":
                problem(where, f"{name}: serviceName must be a headless Service")
            claims = {c["metadata"]["name"] for c in spec.get("volumeClaimTemplates", [])}
            if "data" not in claims:
                problem(where, f"{name}: needs a volumeClaimTemplate named data")
        else:
            if spec.get("replicas", 0) < 3:
                problem(where, f"{name}: at least 3 replicas")
        psc = pod.get("securityContext", {})
        if psc.get("runAsNonRoot") is not True or psc.get("runAsUser") != 10001:
            problem(where, f"{name}: pod must run as non-root uid 10001")
        if psc.get("seccompProfile", {}).get("type") != "RuntimeDefault":
            problem(where, f"{name}: seccompProfile RuntimeDefault")
        if pod.get("automountServiceAccountToken") is not False:
            problem(where, f"{name}: automountServiceAccountToken must be false")
        volumes = {v["name"]: v for v in pod.get("volumes", [])}
        volumes.update({c["metadata"]["name"]: {"pvc": True} for c in spec.get("volumeClaimTemplates", [])})
        for v in volumes.values():
            if "secret" in v and profile == "base" and v["secret"]["secretName"] not in secrets:
                problem(where, f"{name}: secret {v['secret']['secretName']} is not in the base")
            if "configMap" in v and v["configMap"]["name"] not in by_kind.get("ConfigMap", {}):
                problem(where, f"{name}: configMap {v['configMap']['name']} does not exist")
        (c,) = pod["containers"]
        if c.get("command") != [binary]:
            problem(where, f"{name}: command must be [{binary}]")
        csc = c.get("securityContext", {})
        if not (csc.get("readOnlyRootFilesystem") is True and csc.get("allowPrivilegeEscalation") is False
                and csc.get("capabilities", {}).get("drop") == ["ALL"]):
            problem(where, f"{name}: container needs readOnlyRootFilesystem, no privilege escalation, drop ALL")
        res = c.get("resources", {})
        for kind in ("requests", "limits"):
            if not {"cpu", "memory"} <= set(res.get(kind, {})):
                problem(where, f"{name}: resources.{kind} needs cpu and memory")
        ports = {p["name"]: p["containerPort"] for p in c.get("ports", [])}
        container_ports[svc] = ports
        if ports.get("grpc") != grpc_port or ports.get("metrics") != 9090 or "health" not in ports:
            problem(where, f"{name}: ports grpc={grpc_port}, metrics=9090 and health expected, got {ports}")
        env = {e["name"]: e.get("value") for e in c.get("env", [])}
        if env.get("JUDICIAL_LISTEN") != f"0.0.0.0:{grpc_port}":
            problem(where, f"{name}: JUDICIAL_LISTEN must be 0.0.0.0:{grpc_port}")
        if env.get("JUDICIAL_HEALTH_LISTEN", "").rsplit(":", 1)[-1] != str(ports.get("health")):
            problem(where, f"{name}: JUDICIAL_HEALTH_LISTEN does not match the health port")
        if any(k.startswith("JUDICIAL_INSECURE") for k in env):
            problem(where, f"{name}: must not set JUDICIAL_INSECURE")
        if str(env.get("JUDICIAL_CONSOLE", "false")).lower() not in ("", "false", "0") or "--console" in json.dumps(c):
            problem(where, f"{name}: the console stays off in production (no JUDICIAL_CONSOLE / --console)")
        mounts = {m["mountPath"]: m["name"] for m in c.get("volumeMounts", [])}
        for m in c.get("volumeMounts", []):
            if m["name"] not in volumes:
                problem(where, f"{name}: volumeMount {m['name']} has no volume")
        for key in TLS_ENV + ("JUDICIAL_POLICY",):
            path = env.get(key)
            if not path or not any(path.startswith(mp.rstrip("/") + "/") for mp in mounts):
                problem(where, f"{name}: {key}={path!r} is not on a mounted volume")
        if has_data:
            data = env.get("JUDICIAL_DATA_DIR", "")
            if not any(data.startswith(mp.rstrip("/") + "/") and mounts[mp] == "data" for mp in mounts):
                problem(where, f"{name}: JUDICIAL_DATA_DIR {data!r} must be inside the data volume")
        if svc != "registry" and not str(env.get("JUDICIAL_REGISTRY", "")).startswith("https://judicial-registry:"):
            problem(where, f"{name}: JUDICIAL_REGISTRY must be https://judicial-registry:50051")
        grace = seconds(env.get("JUDICIAL_SHUTDOWN_GRACE", "10s"))
        if pod.get("terminationGracePeriodSeconds", 30) <= grace:
            problem(where, f"{name}: terminationGracePeriodSeconds must exceed JUDICIAL_SHUTDOWN_GRACE")
        for probe, service in (("livenessProbe", ""), ("readinessProbe", health_name), ("startupProbe", "")):
            grpc = c.get(probe, {}).get("grpc")
            if grpc is None:
                problem(where, f"{name}: {probe} must be a native grpc probe")
                continue
            if grpc.get("port") != ports.get("health"):
                problem(where, f"{name}: {probe} must probe the health port")
            if grpc.get("service", "") != service:
                problem(where, f"{name}: {probe} must ask for service {service!r}")

    # Services select pods and name ports that exist.
    for sname, s in by_kind.get("Service", {}).items():
        sel = s["spec"].get("selector", {})
        matched = [svc for svc, labels in pod_labels.items() if all(labels.get(k) == v for k, v in sel.items())]
        if len(matched) != 1:
            problem(where, f"Service/{sname}: selector matches {matched}, expected one workload")
            continue
        for p in s["spec"]["ports"]:
            if p.get("targetPort") not in container_ports.get(matched[0], {}):
                problem(where, f"Service/{sname}: targetPort {p.get('targetPort')} is not a container port")

    hpa = need("HorizontalPodAutoscaler", "judicial-router")
    pdb = need("PodDisruptionBudget", "judicial-router")
    router = workloads["router"]
    if hpa and router:
        ref = hpa["spec"]["scaleTargetRef"]
        if (ref["kind"], ref["name"]) != ("Deployment", "judicial-router"):
            problem(where, "HPA must scale Deployment/judicial-router")
        lo, hi = hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]
        if profile == "base" and (lo, hi) != (3, 20):
            problem(where, f"HPA range must be 3-20 in the base, is {lo}-{hi}")
        if router["spec"]["replicas"] != lo:
            problem(where, "router replicas should equal the HPA's minReplicas")
        cpu = [m for m in hpa["spec"]["metrics"] if m["type"] == "Resource" and m["resource"]["name"] == "cpu"]
        if not cpu or cpu[0]["resource"]["target"].get("averageUtilization") != 70:
            problem(where, "HPA must target 70% CPU")
        if pdb:
            if pdb["spec"]["selector"]["matchLabels"] != router["spec"]["selector"]["matchLabels"]:
                problem(where, "router PDB selector differs from the Deployment's")
            if not isinstance(pdb["spec"].get("minAvailable"), int) or pdb["spec"]["minAvailable"] >= lo:
                problem(where, "router PDB minAvailable must be below the minimum replica count")
            if profile == "base" and pdb["spec"].get("minAvailable") != 2:
                problem(where, "router PDB minAvailable must be 2 in the base")

    # NetworkPolicies: the allowed flows, on the ports that exist.
    nps = by_kind.get("NetworkPolicy", {})
    deny = nps.get("judicial-default-deny")
    if not deny or deny["spec"]["podSelector"] != {} or set(deny["spec"]["policyTypes"]) != {"Ingress", "Egress"}:
        problem(where, "judicial-default-deny must select every pod and deny ingress and egress")
    flows = set()
    for np in nps.values():
        sel = np["spec"]["podSelector"].get("matchLabels", {})
        targets = [svc for svc, labels in pod_labels.items() if all(labels.get(k) == v for k, v in sel.items())]
        for rule in np["spec"].get("ingress", []):
            for peer in rule.get("from", []):
                ns = peer.get("namespaceSelector", {}).get("matchLabels")
                pods = peer.get("podSelector", {})
                src = f"ns:{json.dumps(ns, sort_keys=True)}" if ns is not None else f"pods:{json.dumps(pods, sort_keys=True)}"
                for port in rule.get("ports", []):
                    for t in targets:
                        flows.add((src, t, port["port"]))
    followers = 'pods:{"matchExpressions": [{"key": "app.kubernetes.io/name", "operator": "In", "values": ["judicial-router", "judicial-notifier"]}]}'
    client = 'ns:{"judicial-channels/client": "true"}'
    monitoring = 'ns:{"kubernetes.io/metadata.name": "monitoring"}'
    for flow in [(followers, "registry", 50051), (client, "router", 50052), (client, "notifier", 50053)] + [
        (monitoring, svc, 9090) for svc in SERVICES
    ]:
        if flow not in flows:
            problem(where, f"NetworkPolicy does not allow {flow[0]} -> {flow[1]}:{flow[2]}")
    for src, target, port in flows:
        if port not in container_ports.get(target, {}).values():
            problem(where, f"NetworkPolicy opens {target}:{port}, which no container listens on")
    print(f"  {profile}: {len(objects)} objects, {len(flows)} allowed ingress flows")


# ---------------------------------------------------------------------------
# compose.yaml
# ---------------------------------------------------------------------------
def check_compose(schema_path: str | None) -> None:
    path = DEPLOY / "compose.yaml"
    doc = yaml.safe_load(path.read_text())
    where = "compose.yaml"
    services = doc.get("services", {})
    if set(services) != set(SERVICES):
        problem(where, f"services must be {sorted(SERVICES)}, are {sorted(services)}")
    volumes = set(doc.get("volumes") or {})
    for svc, (binary, grpc_port, health_name, has_data) in SERVICES.items():
        s = services.get(svc)
        if s is None:
            continue
        w = f"{where}: {svc}"
        if s.get("command") != [binary]:
            problem(w, f"command must be [{binary}]")
        if "image" not in s or "build" not in s:
            problem(w, "needs image and build")
        if s.get("user") != "10001:10001" or s.get("read_only") is not True or s.get("cap_drop") != ["ALL"]:
            problem(w, "must run as 10001:10001, read_only, cap_drop ALL")
        env = {k: str(v) for k, v in (s.get("environment") or {}).items()}
        if env.get("JUDICIAL_LISTEN") != f"0.0.0.0:{grpc_port}":
            problem(w, f"JUDICIAL_LISTEN must be 0.0.0.0:{grpc_port}")
        if any(k.startswith("JUDICIAL_INSECURE") for k in env) or "--insecure" in json.dumps(s):
            problem(w, "must not use --insecure")
        if str(env.get("JUDICIAL_CONSOLE", "false")).lower() not in ("", "false", "0") or "--console" in json.dumps(s):
            problem(w, "the console stays off in production (no JUDICIAL_CONSOLE / --console)")
        mounts = {}
        for v in s.get("volumes", []):
            src, dst = v.split(":")[:2]
            mounts[dst] = src
            if src.startswith("."):
                if not (DEPLOY / src).exists() and src != "./certs":
                    problem(w, f"bind mount source {src} does not exist")
            elif src not in volumes:
                problem(w, f"named volume {src} is not declared")
        for key in TLS_ENV + ("JUDICIAL_POLICY",):
            p = env.get(key, "")
            if not any(p == dst or p.startswith(dst.rstrip("/") + "/") for dst in mounts):
                problem(w, f"{key}={p!r} is not on a mounted volume")
        cert = env.get("JUDICIAL_TLS_CERT", "")
        if not cert.endswith(f"/{svc}.pem") or env.get("JUDICIAL_TLS_KEY", "") != cert[:-4] + "-key.pem":
            problem(w, f"must use {svc}.pem and {svc}-key.pem from judicial certs init")
        if has_data and not any(env.get("JUDICIAL_DATA_DIR", "").startswith(d) for d, src in mounts.items() if src in volumes):
            problem(w, "JUDICIAL_DATA_DIR must be inside a named volume")
        if svc != "registry":
            if env.get("JUDICIAL_REGISTRY") != "https://registry:50051":
                problem(w, "JUDICIAL_REGISTRY must be https://registry:50051")
            if (s.get("depends_on") or {}).get("registry", {}).get("condition") != "service_healthy":
                problem(w, "must depend on registry with condition service_healthy")
        test = (s.get("healthcheck") or {}).get("test", [])
        if test[:3] != ["CMD", "judicial", "health"] or health_name not in test:
            problem(w, f"healthcheck must run `judicial health ... --service {health_name}`")
        health_listen = env.get("JUDICIAL_HEALTH_LISTEN", "")
        if health_listen and f"http://{health_listen}" not in test:
            problem(w, "healthcheck endpoint must be the JUDICIAL_HEALTH_LISTEN address")
        grace = seconds(env.get("JUDICIAL_SHUTDOWN_GRACE", "10s"))
        if seconds(s.get("stop_grace_period", "10s")) <= grace:
            problem(w, "stop_grace_period must exceed JUDICIAL_SHUTDOWN_GRACE")
    if schema_path:
        import jsonschema

        schema = json.loads(Path(schema_path).read_text())
        # The schema snapshot predates the top-level `name` key (compose v2.3+).
        doc.pop("name", None)
        # Its $schema URL ends in "#", which jsonschema does not look up.
        validator = jsonschema.Draft201909Validator(schema)
        for err in sorted(validator.iter_errors(doc), key=lambda e: list(e.path)):
            problem(where, f"compose-spec schema: {'/'.join(map(str, err.path))}: {err.message}")
        print("  compose.yaml validated against the compose-spec JSON schema")
    print(f"  compose: services {sorted(services)}, volumes {sorted(volumes)}")


# ---------------------------------------------------------------------------
# systemd units: the settings that matter are there
# ---------------------------------------------------------------------------
HARDENING = {
    "NoNewPrivileges": "yes",
    "CapabilityBoundingSet": "",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "PrivateTmp": "yes",
    "PrivateDevices": "yes",
    "RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX",
    "SystemCallFilter": "@system-service",
    "MemoryDenyWriteExecute": "yes",
    "LockPersonality": "yes",
    "RestrictNamespaces": "yes",
    "RestrictSUIDSGID": "yes",
    "ProtectKernelTunables": "yes",
    "ProtectKernelModules": "yes",
    "ProtectControlGroups": "yes",
    "DynamicUser": "yes",
    "KillSignal": "SIGTERM",
    "Restart": "on-failure",
    "EnvironmentFile": "-/etc/judicial/%N.env",
}


def unit_settings(path: Path) -> dict[str, list[str]]:
    settings: dict[str, list[str]] = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";", "[")):
            continue
        key, _, value = line.partition("=")
        settings.setdefault(key, []).append(value)
    return settings


def check_systemd() -> None:
    for svc, (binary, grpc_port, _, has_data) in SERVICES.items():
        path = DEPLOY / "systemd" / f"{binary}.service"
        w = f"systemd/{path.name}"
        s = unit_settings(path)
        for key, value in HARDENING.items():
            if value not in s.get(key, []):
                problem(w, f"needs {key}={value}")
        if s.get("ExecStart") != [f"/usr/local/bin/{binary}"]:
            problem(w, f"ExecStart must be /usr/local/bin/{binary}")
        env = dict(e.split("=", 1) for e in s.get("Environment", []))
        if env.get("JUDICIAL_LISTEN", "").rsplit(":", 1)[-1] != str(grpc_port):
            problem(w, f"JUDICIAL_LISTEN must use port {grpc_port}")
        for key in TLS_ENV:
            if not env.get(key, "").startswith("%d/"):
                problem(w, f"{key} must point into the credentials directory (%d)")
        creds = {c.split(":", 1)[0] for c in s.get("LoadCredential", [])}
        for key in TLS_ENV:
            if env.get(key, "%d/").split("/", 1)[1] not in creds:
                problem(w, f"{key} names a credential that LoadCredential= does not load")
        grace = seconds(env.get("JUDICIAL_SHUTDOWN_GRACE", "10s"))
        stop = s.get("TimeoutStopSec", ["90s"])[-1]
        if seconds(stop) <= grace:
            problem(w, "TimeoutStopSec must exceed JUDICIAL_SHUTDOWN_GRACE")
        if has_data:
            if s.get("StateDirectory") != [binary] or env.get("JUDICIAL_DATA_DIR") != f"%S/{binary}":
                problem(w, f"StateDirectory={binary} and JUDICIAL_DATA_DIR=%S/{binary} expected")
        if svc != "registry":
            for key in ("After", "Wants"):
                if not any("judicial-registry.service" in v.split() for v in s.get(key, [])):
                    problem(w, f"{key}= must name judicial-registry.service")
        if any("INSECURE" in e for e in s.get("Environment", [])):
            problem(w, "must not set JUDICIAL_INSECURE")
        example = DEPLOY / "systemd" / f"{binary}.env.example"
        if not example.exists():
            problem(w, f"missing {example.name}")
        else:
            for line in example.read_text().splitlines():
                line = line.lstrip("#").strip()
                if re.match(r"^[A-Z_]+=", line) and not line.startswith("JUDICIAL_"):
                    problem(example.name, f"unexpected variable: {line}")
    print("  systemd: hardening, credentials, ordering and stop timeouts of 3 units")


# ---------------------------------------------------------------------------
# Dockerfile: the structure operators and compose rely on
# ---------------------------------------------------------------------------
def check_dockerfile() -> None:
    path = DEPLOY / "Dockerfile"
    w = "Dockerfile"
    text = path.read_text()
    # Join continuation lines, drop comments.
    logical = re.sub(r"\\\n", " ", "\n".join(l for l in text.splitlines() if not l.lstrip().startswith("#")))
    instrs = [(l.split(None, 1)[0].upper(), l.split(None, 1)[1] if " " in l.strip() else "")
              for l in logical.splitlines() if l.strip()]
    froms = [a for i, a in instrs if i == "FROM"]
    if len(froms) < 2:
        problem(w, "must be multi-stage (builder and runtime)")
    stages = {m.group(1) for a in froms if (m := re.search(r"\bAS\s+(\S+)", a, re.I))}
    if not froms or not froms[0].startswith("rust:") or "builder" not in stages:
        problem(w, "first stage must be the rust builder")
    if not froms or not froms[-1].startswith("debian:") or "slim" not in froms[-1]:
        problem(w, "final stage must be debian slim")
    for i, a in instrs:
        if i == "ADD" and re.search(r"https?://", a):
            problem(w, f"ADD of a URL: {a}")
        if i == "ENTRYPOINT":
            problem(w, "no ENTRYPOINT: the command picks the service")
        if i == "COPY" and (m := re.search(r"--from=(\S+)", a)) and m.group(1) not in stages:
            problem(w, f"COPY --from={m.group(1)}: no such stage")
    users = [a for i, a in instrs if i == "USER"]
    if not users or not users[-1].startswith("10001"):
        problem(w, "must end as USER 10001")
    build = " ".join(a for i, a in instrs if i == "RUN" and "cargo build" in a)
    if "--release" not in build or "--locked" not in build:
        problem(w, "cargo build --release --locked")
    for binary in ("judicial-registry", "judicial-router", "judicial-notifier", "judicial"):
        if f"target/release/{binary} " not in build + " ":
            problem(w, f"does not install {binary}")
    for pkg in ("judicial-registry", "judicial-router", "judicial-notifier", "judicial-cli"):
        if f"-p {pkg}" not in build:
            problem(w, f"does not build -p {pkg}")
    exposed = " ".join(a for i, a in instrs if i == "EXPOSE").split()
    for port in ("50051", "50052", "50053", "9090"):
        if port not in exposed:
            problem(w, f"does not EXPOSE {port}")
    if '"/var/lib/judicial"' not in " ".join(a for i, a in instrs if i == "VOLUME"):
        problem(w, "VOLUME /var/lib/judicial")
    if "ca-certificates" not in logical:
        problem(w, "runtime needs ca-certificates")
    ignore = DEPLOY / "Dockerfile.dockerignore"
    if not ignore.exists() or not {"target", ".git", "deploy/certs"} <= set(ignore.read_text().split()):
        problem("Dockerfile.dockerignore", "must exclude target, .git and deploy/certs")
    print(f"  Dockerfile: {len(froms)} stages, {len(instrs)} instructions")


# ---------------------------------------------------------------------------
# overlay patches name objects that exist in the base (when kustomize is
# missing this is all that can be said about the overlay)
# ---------------------------------------------------------------------------
def check_overlay() -> None:
    overlay = DEPLOY / "k8s/overlays/production"
    base = {}
    for p in (DEPLOY / "k8s/base").glob("*.yaml"):
        if p.name != "kustomization.yaml":
            for o in load_docs(p):
                base[(o["kind"], o["metadata"]["name"])] = o
    kust = yaml.safe_load((overlay / "kustomization.yaml").read_text())
    if kust.get("resources") != ["../../base"]:
        problem("overlays/production", "must build on ../../base")
    n = 0
    for patch in kust.get("patches", []):
        if "path" in patch:
            for o in load_docs(overlay / patch["path"]):
                n += 1
                if (o.get("kind"), o.get("metadata", {}).get("name")) not in base:
                    problem(f"overlays/production/{patch['path']}", f"patches {o.get('kind')}/{o.get('metadata', {}).get('name')}, which the base does not have")
        else:
            t = patch.get("target", {})
            n += 1
            if (t.get("kind"), t.get("name")) not in base:
                problem("overlays/production/kustomization.yaml", f"patch target {t} is not in the base")
    print(f"  overlay: {n} patches, all aimed at base objects")


CHECKS = {
    "overlay": lambda args: check_overlay(),
    "yaml": lambda args: check_yaml(),
    "policy": lambda args: check_policy(),
    "k8s": lambda args: check_k8s(args[0], args[1:]),
    "compose": lambda args: check_compose(args[0] if args else None),
    "systemd": lambda args: check_systemd(),
    "dockerfile": lambda args: check_dockerfile(),
}


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in CHECKS:
        print(f"usage: {sys.argv[0]} {{{','.join(CHECKS)}}} [ARGS...]", file=sys.stderr)
        return 2
    try:
        CHECKS[sys.argv[1]](sys.argv[2:])
    except Exception as e:  # a malformed file: report it as a problem, not a traceback
        problem(sys.argv[1], f"{type(e).__name__}: {e}")
    for p in problems:
        print(f"  problem: {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
