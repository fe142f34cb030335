"""The Kubernetes Pod Security Standards, as checks over a Pod manifest.

Written from the published standard,
https://kubernetes.io/docs/concepts/security/pod-security-standards/ (the
controls of the Baseline and Restricted levels, their restricted fields and
allowed values, as of Kubernetes 1.30). A manifest is the API's JSON form
(camelCase keys). `violations(pod, level)` returns one line per control a
container or the pod breaks; an empty list means the pod is admitted.

Every control looks at containers, init containers and ephemeral containers.
"""

from __future__ import annotations

LEVELS = ("privileged", "baseline", "restricted")

# Capabilities a Baseline container may add (the container runtime's default set).
BASELINE_CAPABILITIES = {
    "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
    "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
}
SAFE_SYSCTLS = {
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
}
SELINUX_TYPES = {"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"}
# Restricted: the only volume sources allowed.
RESTRICTED_VOLUMES = {
    "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
    "persistentVolumeClaim", "projected", "secret",
}
APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/"


def _containers(spec: dict):
    for kind, field in (("container", "containers"), ("init container", "initContainers"),
                        ("ephemeral container", "ephemeralContainers")):
        for c in spec.get(field) or []:
            yield f"{kind} {c.get('name', '?')!r}", c


def _baseline(pod: dict) -> list[str]:
    meta = pod.get("metadata") or {}
    spec = pod.get("spec") or {}
    psc = spec.get("securityContext") or {}
    out = []

    # HostProcess
    if (psc.get("windowsOptions") or {}).get("hostProcess"):
        out.append("HostProcess: spec.securityContext.windowsOptions.hostProcess is true")
    # Host namespaces
    for field in ("hostNetwork", "hostPID", "hostIPC"):
        if spec.get(field):
            out.append(f"Host Namespaces: spec.{field} is true")
    # HostPath volumes
    for v in spec.get("volumes") or []:
        if v.get("hostPath") is not None:
            out.append(f"HostPath Volumes: volume {v.get('name')!r} is a hostPath")
    # AppArmor (pod level, and the annotations)
    def apparmor_ok(profile):
        return not profile or profile.get("type") in (None, "RuntimeDefault", "Localhost")
    if not apparmor_ok(psc.get("appArmorProfile")):
        out.append(f"AppArmor: spec.securityContext.appArmorProfile.type is "
                   f"{psc['appArmorProfile'].get('type')!r}")
    for key, value in (meta.get("annotations") or {}).items():
        if key.startswith(APPARMOR_ANNOTATION) and not (
                value in ("runtime/default",) or str(value).startswith("localhost/")):
            out.append(f"AppArmor: annotation {key} is {value!r}")
    # SELinux
    def selinux_problems(opts, where):
        if not opts:
            return []
        found = []
        if opts.get("type") not in (None, *SELINUX_TYPES):
            found.append(f"SELinux: {where}.seLinuxOptions.type is {opts.get('type')!r}")
        for field in ("user", "role"):
            if opts.get(field) not in (None, ""):
                found.append(f"SELinux: {where}.seLinuxOptions.{field} is set ({opts[field]!r})")
        return found
    out += selinux_problems(psc.get("seLinuxOptions"), "spec.securityContext")
    # Seccomp (pod level)
    if (psc.get("seccompProfile") or {}).get("type") == "Unconfined":
        out.append("Seccomp: spec.securityContext.seccompProfile.type is Unconfined")
    # Sysctls
    for s in psc.get("sysctls") or []:
        if s.get("name") not in SAFE_SYSCTLS:
            out.append(f"Sysctls: {s.get('name')!r} is not in the safe set")

    for who, c in _containers(spec):
        sc = c.get("securityContext") or {}
        if (sc.get("windowsOptions") or {}).get("hostProcess"):
            out.append(f"HostProcess: {who} sets windowsOptions.hostProcess")
        if sc.get("privileged"):
            out.append(f"Privileged Containers: {who} is privileged")
        added = set((sc.get("capabilities") or {}).get("add") or [])
        beyond = sorted(added - BASELINE_CAPABILITIES)
        if beyond:
            out.append(f"Capabilities: {who} adds {', '.join(beyond)} (beyond the baseline set)")
        for p in c.get("ports") or []:
            if p.get("hostPort"):
                out.append(f"Host Ports: {who} uses hostPort {p['hostPort']}")
        if not apparmor_ok(sc.get("appArmorProfile")):
            out.append(f"AppArmor: {who} appArmorProfile.type is {sc['appArmorProfile'].get('type')!r}")
        out += selinux_problems(sc.get("seLinuxOptions"), who)
        if sc.get("procMount") not in (None, "Default"):
            out.append(f"/proc Mount Type: {who} procMount is {sc['procMount']!r}")
        if (sc.get("seccompProfile") or {}).get("type") == "Unconfined":
            out.append(f"Seccomp: {who} seccompProfile.type is Unconfined")
    return out


def _restricted(pod: dict) -> list[str]:
    spec = pod.get("spec") or {}
    psc = spec.get("securityContext") or {}
    out = []

    for v in spec.get("volumes") or []:
        sources = [k for k in v if k != "name"]
        bad = [k for k in sources if k not in RESTRICTED_VOLUMES]
        if bad:
            out.append(f"Volume Types: volume {v.get('name')!r} is {', '.join(bad)}")

    pod_non_root = psc.get("runAsNonRoot")
    if pod_non_root is False:
        out.append("Running as Non-root: spec.securityContext.runAsNonRoot is false")
    if psc.get("runAsUser") == 0:
        out.append("Running as Non-root user: spec.securityContext.runAsUser is 0")
    pod_seccomp = (psc.get("seccompProfile") or {}).get("type")
    if pod_seccomp not in (None, "RuntimeDefault", "Localhost"):
        out.append(f"Seccomp: spec.securityContext.seccompProfile.type is {pod_seccomp!r}")

    for who, c in _containers(spec):
        sc = c.get("securityContext") or {}
        if sc.get("allowPrivilegeEscalation") is not False:
            out.append(f"Privilege Escalation: {who} does not set allowPrivilegeEscalation: false")
        non_root = sc.get("runAsNonRoot")
        if non_root is False or (non_root is None and pod_non_root is not True):
            out.append(f"Running as Non-root: {who} has no runAsNonRoot: true (nor has the pod)")
        if sc.get("runAsUser") == 0:
            out.append(f"Running as Non-root user: {who} runs as user 0")
        seccomp = (sc.get("seccompProfile") or {}).get("type")
        if seccomp is None:
            if pod_seccomp not in ("RuntimeDefault", "Localhost"):
                out.append(f"Seccomp: {who} has no RuntimeDefault or Localhost seccomp profile (nor has the pod)")
        elif seccomp not in ("RuntimeDefault", "Localhost"):
            out.append(f"Seccomp: {who} seccompProfile.type is {seccomp!r}")
        caps = sc.get("capabilities") or {}
        if "ALL" not in (caps.get("drop") or []):
            out.append(f"Capabilities: {who} does not drop ALL")
        extra = sorted(set(caps.get("add") or []) - {"NET_BIND_SERVICE"})
        if extra:
            out.append(f"Capabilities: {who} adds {', '.join(extra)} (only NET_BIND_SERVICE is allowed)")
    return out


def violations(pod: dict, level: str) -> list[str]:
    """What keeps POD out of a namespace that enforces LEVEL."""
    if level not in LEVELS:
        raise ValueError(f"unknown Pod Security Standard level {level!r} (one of {', '.join(LEVELS)})")
    if level == "privileged":
        return []
    out = _baseline(pod)
    if level == "restricted":
        out += _restricted(pod)
    return out
