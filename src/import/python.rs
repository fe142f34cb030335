//! `hub.extraConfig` snippets, read with a real Python parser (Ruff's).
//!
//! A snippet can be lifted into configuration data only when *every*
//! statement is in a small, known subset: imports of OAuthenticator classes
//! (and `import os`), and assignments of a literal, an imported class or an
//! environment read to `c.Section.trait`. Anything else — a function, a
//! class, a condition, a call, a variable — keeps the snippet as it is; the
//! [`Raw`] reason says which statement kept it.

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::Ranged;
use serde_json::{Map, Value};

/// What an assignment sets a trait to.
#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    /// A literal: text, number, boolean, `None`, list, tuple, set, dict.
    Data(Value),
    /// An environment variable read when the hub starts (`os.environ["X"]`,
    /// `os.environ.get("X")`, `os.getenv("X")`).
    Env(String),
    /// A class imported in the snippet, by its import path
    /// (`oauthenticator.github.GitHubOAuthenticator`).
    Class(String),
}

/// `c.Section.trait = value`.
#[derive(Debug, Clone, PartialEq)]
pub struct Assign {
    pub section: String,
    pub name: String,
    pub value: Lit,
    /// Byte range of the statement in the snippet.
    pub range: std::ops::Range<usize>,
}

/// A snippet that cannot be lifted: why, and where in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Raw {
    pub reason: String,
    pub range: std::ops::Range<usize>,
}

/// A snippet that does not parse.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub message: String,
    pub range: std::ops::Range<usize>,
}

/// What a snippet is.
#[derive(Debug, Clone, PartialEq)]
pub enum Snippet {
    Liftable(Vec<Assign>),
    Raw(Raw),
}

/// Reads a snippet.
pub fn analyse(code: &str) -> Result<Snippet, SyntaxError> {
    let parsed = ruff_python_parser::parse_module(code).map_err(|e| SyntaxError {
        message: e.error.to_string(),
        range: e.location.start().to_usize()..e.location.end().to_usize(),
    })?;
    let module = parsed.into_syntax();
    let mut imported: Vec<(String, String)> = Vec::new();
    let mut out = Vec::new();
    for stmt in &module.body {
        let range = stmt.range().start().to_usize()..stmt.range().end().to_usize();
        let raw = |reason: String| {
            Ok(Snippet::Raw(Raw {
                reason,
                range: range.clone(),
            }))
        };
        match stmt {
            Stmt::Pass(_) => {}
            // a docstring or a bare string
            Stmt::Expr(e) if matches!(*e.value, Expr::StringLiteral(_)) => {}
            Stmt::Import(i) => {
                for a in &i.names {
                    if a.name.as_str() != "os" || a.asname.is_some() {
                        return raw(format!("imports `{}`", a.name.as_str()));
                    }
                }
            }
            Stmt::ImportFrom(i) => {
                let module = i.module.as_ref().map(|m| m.as_str()).unwrap_or("");
                if i.level != 0
                    || !(module == "oauthenticator" || module.starts_with("oauthenticator."))
                {
                    return raw(format!("imports from `{module}`"));
                }
                for a in &i.names {
                    let name = a.name.as_str();
                    if name == "*" {
                        return raw(format!("imports `*` from `{module}`"));
                    }
                    let local = a.asname.as_ref().map(|n| n.as_str()).unwrap_or(name);
                    imported.push((local.to_string(), format!("{module}.{name}")));
                }
            }
            Stmt::Assign(a) => {
                if a.targets.len() != 1 {
                    return raw("assigns several targets at once".into());
                }
                let Some((section, name)) = config_target(&a.targets[0]) else {
                    return raw(format!(
                        "assigns `{}`, not a `c.Section.trait`",
                        &code[a.targets[0].range().start().to_usize()
                            ..a.targets[0].range().end().to_usize()]
                    ));
                };
                let value = match value_of(&a.value, &imported) {
                    Ok(v) => v,
                    Err(why) => return raw(format!("sets `c.{section}.{name}` to {why}")),
                };
                out.push(Assign {
                    section,
                    name,
                    value,
                    range,
                });
            }
            other => return raw(describe(other, code)),
        }
    }
    Ok(Snippet::Liftable(out))
}

fn describe(stmt: &Stmt, code: &str) -> String {
    let text = |r: ruff_text_size::TextRange| {
        code[r.start().to_usize()..r.end().to_usize()]
            .lines()
            .next()
            .unwrap_or("")
            .trim()
            .to_string()
    };
    match stmt {
        Stmt::FunctionDef(f) => format!("defines a function (`def {}`)", f.name.as_str()),
        Stmt::ClassDef(c) => format!("defines a class (`class {}`)", c.name.as_str()),
        Stmt::If(_) => "has a condition (`if`)".into(),
        Stmt::For(_) | Stmt::While(_) => "has a loop".into(),
        Stmt::Try(_) => "has a `try`".into(),
        Stmt::With(_) => "has a `with`".into(),
        Stmt::AugAssign(_) => "changes a value in place (`+=`)".into(),
        Stmt::Expr(e) => match &*e.value {
            Expr::Call(_) => format!("calls `{}`", text(e.value.range())),
            _ => format!("evaluates `{}`", text(e.value.range())),
        },
        other => format!("has the statement `{}`", text(other.range())),
    }
}

/// `c.Section.trait` → (Section, trait).
fn config_target(e: &Expr) -> Option<(String, String)> {
    let Expr::Attribute(outer) = e else {
        return None;
    };
    let Expr::Attribute(inner) = &*outer.value else {
        return None;
    };
    let Expr::Name(c) = &*inner.value else {
        return None;
    };
    (c.id.as_str() == "c").then(|| {
        (
            inner.attr.as_str().to_string(),
            outer.attr.as_str().to_string(),
        )
    })
}

fn value_of(e: &Expr, imported: &[(String, String)]) -> Result<Lit, String> {
    if let Some(var) = env_read(e)? {
        return Ok(Lit::Env(var));
    }
    if let Expr::Name(n) = e {
        if let Some((_, path)) = imported.iter().rev().find(|(l, _)| l == n.id.as_str()) {
            return Ok(Lit::Class(path.clone()));
        }
        return Err(format!("the variable `{}`", n.id.as_str()));
    }
    literal(e).map(Lit::Data)
}

/// `os.environ["X"]`, `os.environ.get("X")`, `os.getenv("X")` (without a default).
fn env_read(e: &Expr) -> Result<Option<String>, String> {
    let is_environ = |e: &Expr| {
        matches!(e, Expr::Attribute(a) if a.attr.as_str() == "environ"
            && matches!(&*a.value, Expr::Name(n) if n.id.as_str() == "os"))
    };
    match e {
        Expr::Subscript(s) if is_environ(&s.value) => match &*s.slice {
            Expr::StringLiteral(k) => Ok(Some(k.value.to_str().to_string())),
            _ => Err("an environment variable whose name is computed".into()),
        },
        Expr::Call(call) => {
            let getter = match &*call.func {
                Expr::Attribute(a) if a.attr.as_str() == "get" && is_environ(&a.value) => true,
                Expr::Attribute(a)
                    if a.attr.as_str() == "getenv"
                        && matches!(&*a.value, Expr::Name(n) if n.id.as_str() == "os") =>
                {
                    true
                }
                _ => false,
            };
            if !getter {
                return Ok(None); // another call: `literal` names it
            }
            if call.arguments.args.len() != 1 || !call.arguments.keywords.is_empty() {
                return Err("an environment read with a default".into());
            }
            match &call.arguments.args[0] {
                Expr::StringLiteral(k) => Ok(Some(k.value.to_str().to_string())),
                _ => Err("an environment variable whose name is computed".into()),
            }
        }
        _ => Ok(None),
    }
}

fn literal(e: &Expr) -> Result<Value, String> {
    Ok(match e {
        Expr::StringLiteral(s) => Value::String(s.value.to_str().to_string()),
        Expr::BooleanLiteral(b) => Value::Bool(b.value),
        Expr::NoneLiteral(_) => Value::Null,
        Expr::NumberLiteral(n) => number(&n.value, false)?,
        Expr::UnaryOp(u) if u.op == ast::UnaryOp::USub => match &*u.operand {
            Expr::NumberLiteral(n) => number(&n.value, true)?,
            _ => return Err("an expression".into()),
        },
        Expr::List(l) => Value::Array(l.elts.iter().map(literal).collect::<Result<_, _>>()?),
        Expr::Tuple(t) => Value::Array(t.elts.iter().map(literal).collect::<Result<_, _>>()?),
        Expr::Set(s) => Value::Array(s.elts.iter().map(literal).collect::<Result<_, _>>()?),
        Expr::Dict(d) => {
            let mut m = Map::new();
            for item in &d.items {
                let Some(Expr::StringLiteral(k)) = &item.key else {
                    return Err("a dict with a key that is not text".into());
                };
                m.insert(k.value.to_str().to_string(), literal(&item.value)?);
            }
            Value::Object(m)
        }
        Expr::FString(_) => return Err("an f-string".into()),
        Expr::Call(c) => {
            return Err(format!(
                "a call of `{}`",
                match &*c.func {
                    Expr::Name(n) => n.id.as_str().to_string(),
                    Expr::Attribute(a) => a.attr.as_str().to_string(),
                    _ => "a function".into(),
                }
            ));
        }
        Expr::Attribute(_) => return Err("another attribute (`x.y`)".into()),
        Expr::BinOp(_) => return Err("an expression".into()),
        _ => return Err("an expression".into()),
    })
}

fn number(n: &ast::Number, neg: bool) -> Result<Value, String> {
    match n {
        ast::Number::Int(i) => i
            .as_i64()
            .map(|i| Value::from(if neg { -i } else { i }))
            .ok_or_else(|| "an integer too large".into()),
        ast::Number::Float(f) => serde_json::Number::from_f64(if neg { -*f } else { *f })
            .map(Value::Number)
            .ok_or_else(|| "a float that JSON cannot hold".into()),
        ast::Number::Complex { .. } => Err("a complex number".into()),
    }
}

/// The names a snippet imports (`from oauthenticator.github import
/// GitHubOAuthenticator as GH` → `GH`): the chart runs every snippet in one
/// namespace, so a later snippet may use them.
pub fn imported_names(code: &str) -> Vec<String> {
    let Ok(parsed) = ruff_python_parser::parse_module(code) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for stmt in &parsed.syntax().body {
        let names = match stmt {
            Stmt::Import(i) => &i.names,
            Stmt::ImportFrom(i) => &i.names,
            _ => continue,
        };
        for a in names {
            let name = a.asname.as_ref().unwrap_or(&a.name).as_str();
            out.push(name.split('.').next().unwrap_or(name).to_string());
        }
    }
    out
}

/// Whether `code` uses the identifier `name` (a whole word).
pub fn uses_name(code: &str, name: &str) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    code.match_indices(name).any(|(i, _)| {
        !code[..i].chars().next_back().is_some_and(word)
            && !code[i + name.len()..].chars().next().is_some_and(word)
    })
}

/// Every `c.Section.trait` (and bare `c.Section`) a piece of code mentions,
/// found in its text: whether a snippet that stays may read what another
/// snippet sets.
pub fn mentions(code: &str) -> Vec<(String, Option<String>)> {
    let bytes = code.as_bytes();
    let ident = |i: usize| -> (String, usize) {
        let mut j = i;
        while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
            j += 1;
        }
        (code[i..j].to_string(), j)
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i + 2 < bytes.len() {
        let boundary = i == 0
            || !(bytes[i - 1].is_ascii_alphanumeric()
                || bytes[i - 1] == b'_'
                || bytes[i - 1] == b'.');
        if boundary && bytes[i] == b'c' && bytes[i + 1] == b'.' {
            let (section, j) = ident(i + 2);
            if !section.is_empty() {
                let name = if j < bytes.len() && bytes[j] == b'.' {
                    let (n, _) = ident(j + 1);
                    (!n.is_empty()).then_some(n)
                } else {
                    None
                };
                out.push((section, name));
            }
            i = j.max(i + 1);
            continue;
        }
        if boundary && bytes[i] == b'c' && bytes[i + 1] == b'[' {
            // c["Section"]: treat as the whole section
            if let Some(end) = code[i + 2..].find(']') {
                let s = code[i + 2..i + 2 + end].trim_matches(|c| c == '"' || c == '\'');
                out.push((s.to_string(), None));
            }
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seeds_lab_snippet_lifts() {
        let code = "from oauthenticator.github import GitHubOAuthenticator\nc.JupyterHub.authenticator_class = GitHubOAuthenticator\nc.GitHubOAuthenticator.client_id = \"YOUR_GITHUB_CLIENT_ID\"\nc.Authenticator.admin_users = {\"you\"}\nc.X.n = -3\nc.X.d = {'a': [1, 2.5, None, True]}\nc.X.e = os.environ['E']\n";
        let Snippet::Liftable(a) = analyse(code).unwrap() else {
            panic!()
        };
        assert_eq!(a.len(), 6);
        assert_eq!(
            a[0].value,
            Lit::Class("oauthenticator.github.GitHubOAuthenticator".into())
        );
        assert_eq!(a[2].value, Lit::Data(serde_json::json!(["you"])));
        assert_eq!(a[3].value, Lit::Data(serde_json::json!(-3)));
        assert_eq!(
            a[4].value,
            Lit::Data(serde_json::json!({"a": [1, 2.5, null, true]}))
        );
        assert_eq!(a[5].value, Lit::Env("E".into()));
    }

    #[test]
    fn what_stays_raw_says_why() {
        let reason = |code: &str| match analyse(code).unwrap() {
            Snippet::Raw(r) => r.reason,
            Snippet::Liftable(_) => panic!("lifted {code}"),
        };
        assert_eq!(
            reason("def hook(s):\n    pass\nc.KubeSpawner.pre_spawn_hook = hook\n"),
            "defines a function (`def hook`)"
        );
        assert_eq!(
            reason("class A(GitHubOAuthenticator):\n    pass\n"),
            "defines a class (`class A`)"
        );
        assert_eq!(
            reason("if True:\n    c.A.b = 1\n"),
            "has a condition (`if`)"
        );
        assert_eq!(reason("c.A.b.append(1)\n"), "calls `c.A.b.append(1)`");
        assert_eq!(
            reason("c.A.b = get_config('custom.x')\n"),
            "sets `c.A.b` to a call of `get_config`"
        );
        assert_eq!(reason("c.A.b = x\n"), "sets `c.A.b` to the variable `x`");
        assert_eq!(reason("import json\n"), "imports `json`");
    }

    #[test]
    fn syntax_errors_have_a_range() {
        let e = analyse("c.A.b = 1\nc.A.c = (\n").unwrap_err();
        assert!(e.range.start >= 10, "{e:?}");
    }

    #[test]
    fn mentions_of_config() {
        let m = mentions(
            "if c.KubeSpawner.x:\n  c.Authenticator.admin_users.add('a')\nabc.D.e = 1\nc['Foo']",
        );
        assert_eq!(
            m,
            vec![
                ("KubeSpawner".into(), Some("x".into())),
                ("Authenticator".into(), Some("admin_users".into())),
                ("Foo".into(), None)
            ]
        );
    }
}
