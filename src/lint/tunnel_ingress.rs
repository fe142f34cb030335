//! cloudflared's own ingress rules, as `cloudflared tunnel ingress validate` checks them.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};
use crate::emit::tunnel::rules;

pub const RULE: Rule = Rule {
    code: "tunnel/ingress",
    severity: Severity::Error,
    stage: Stage::Spec,
    summary: "a cloudflared ingress rule that cloudflared refuses",
    docs: r#"## What it does
Checks the tunnel's ingress rules (the `routes`, the hub's route from
`origin`, and `catch_all`) the way `cloudflared tunnel ingress validate`
does (cloudflared's `ingress/ingress.go`):

- only the last rule is a catch-all (no `hostname`, or `*`, and no `path`);
- a `hostname` has no port and no scheme, and `*` only as its first character;
- a `service` is `http_status:N` (N from 100 to 999), `hello_world`,
  `bastion`, `socks-proxy`, `unix:PATH`, `unix+tls:PATH`, or a URL with a
  scheme and a host and **no path** (`http://x:80`, not `http://x:80/`);
- a `path` is a valid regular expression (RE2).

## Why is this bad?
cloudflared refuses the whole configuration and does not start: the lab is
unreachable. A catch-all before the end silently swallows every later rule.

## Fix
Follow the message: drop the port, the path or the trailing `/`, move the
catch-all last, fix the regular expression.
"#,
    check,
};

/// Why a service string is refused, if it is.
pub fn service_problem(service: &str) -> Option<String> {
    if let Some(code) = service.strip_prefix("http_status:") {
        return match code.parse::<u32>() {
            Ok(n) if (100..=999).contains(&n) => None,
            _ => Some(format!("`{code}` is not an HTTP status from 100 to 999")),
        };
    }
    if matches!(service, "hello_world" | "bastion" | "socks-proxy") {
        return None;
    }
    for unix in ["unix:", "unix+tls:"] {
        if let Some(path) = service.strip_prefix(unix) {
            return path
                .is_empty()
                .then(|| format!("`{unix}` needs the socket's path"));
        }
    }
    let Some((scheme, rest)) = service.split_once("://") else {
        return Some("a service is a URL with a scheme (`http://host:port`) or one of `http_status:N`, `hello_world`, `bastion`, `socks-proxy`, `unix:PATH`".into());
    };
    if scheme.is_empty()
        || !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    {
        return Some(format!("`{scheme}` is not a URL scheme"));
    }
    let (host, path) = match rest.find(['/', '?', '#']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    if host.is_empty() || host.starts_with(':') {
        return Some("the URL has no host".into());
    }
    if !path.is_empty() {
        return Some(format!(
            "the URL has a path (`{path}`): cloudflared forwards to an origin, not a path of it — write `{scheme}://{host}`"
        ));
    }
    None
}

fn hostname_problem(hostname: &str) -> Option<String> {
    if let Some((scheme, _)) = hostname.split_once("://") {
        return Some(format!("a hostname has no scheme: drop `{scheme}://`"));
    }
    if let Some((host, port)) = hostname.rsplit_once(':') {
        return Some(format!(
            "a hostname has no port: drop `:{port}` (write `{host}`)"
        ));
    }
    if hostname.chars().skip(1).any(|c| c == '*') {
        return Some("`*` may only be the hostname's first character (`*.example.com`)".into());
    }
    None
}

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let all = rules(cx.r);
    let last = all.len().saturating_sub(1);
    for (i, rule) in all.iter().enumerate() {
        let catch_all = rule.hostname.as_deref().is_none_or(|h| h == "*") && rule.path.is_none();
        if catch_all && i < last {
            out.push(
                cx.diag(&RULE, "a catch-all rule before the last one: every rule after it is never used")
                    .at(cx.at(&rule.pointer), "matches every request")
                    .key("tunnel.routes")
                    .help("give this route a `hostname` (or a `path`), or drop it: the tunnel's `catch_all` is always last"),
            );
        }
        if let Some(h) = &rule.hostname
            && let Some(problem) = hostname_problem(h)
        {
            let at = if rule.pointer.starts_with("/tunnel/routes/") {
                format!("{}/hostname", rule.pointer)
            } else {
                "/ingress/host".into()
            };
            out.push(
                cx.diag(&RULE, format!("cloudflared refuses the hostname `{h}`"))
                    .at(cx.at(&at), "hostname")
                    .key("tunnel.routes")
                    .help(problem),
            );
        }
        if let Some(problem) = service_problem(&rule.service) {
            let at = if rule.pointer.starts_with("/tunnel/routes/") {
                format!("{}/service", rule.pointer)
            } else {
                rule.pointer.clone()
            };
            out.push(
                cx.diag(
                    &RULE,
                    format!("cloudflared refuses the service `{}`", rule.service),
                )
                .at(cx.at(&at), "service")
                .key(at.trim_start_matches('/').replace('/', "."))
                .help(problem),
            );
        }
        if let Some(p) = &rule.path
            && let Err(e) = regex_syntax::Parser::new().parse(p)
        {
            let kind = e.to_string();
            let reason = kind.lines().last().unwrap_or("invalid").trim().to_string();
            out.push(
                cx.diag(
                    &RULE,
                    format!("the path `{p}` is not a valid regular expression"),
                )
                .at(cx.at(&format!("{}/path", rule.pointer)), "path")
                .key("tunnel.routes")
                .help(format!(
                    "{reason}; a path is an RE2 regular expression such as `^/api/`"
                )),
            );
        }
    }
}
