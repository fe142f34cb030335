//! Lint: the domain rules, each in a file of its own.
//!
//! A [`Rule`] has a stable code (`area/name`), a severity, a one-line
//! summary, user documentation (shown by `jhubgen rule CODE`) and a check.
//! Rules run at one of two stages: [`Stage::Spec`] rules judge the typed,
//! merged spec before anything is emitted; [`Stage::Values`] rules judge the
//! spec's raw `[values]` escape hatch and the generated Helm values, before the
//! chart's schema is applied (so they can explain what the schema would only
//! reject). Every diagnostic points at the span that set the offending value.
//!
//! Adding a rule: write `src/lint/<name>.rs` with a `pub const RULE`, list it
//! in [`RULES`], and add `tests/fixtures/bad/<code with / as ->/` (and a
//! `…-base` variant where the base can carry the mistake).

use crate::diag::{Diag, Severity};
use crate::resolve::Resolved;
use crate::source::Origin;
use crate::tree::lookup;
use serde_json::Value;

mod admin_username_case;
mod alert_settings;
mod allow_all;
mod annotation_controller;
mod azuread_group_ids;
mod azuread_username_claim;
mod callback_url;
mod chart_ingress;
pub mod chart_secret;
mod chart_version;
mod ci_branch_pattern;
mod ci_unsafe_value;
mod client_in_config;
mod cloud_metadata_conflict;
mod delete_pvc;
mod deploy_unreachable;
mod deployment_strategy;
mod dummy_outside_test;
mod envfile_value;
mod every_exceeds_timeout;
mod exporter_prerequisite;
mod extra_config;
mod extra_env_type;
mod github_org_scope;
mod gpu_fit;
mod gpu_inherited_selector;
mod gpu_node_labels;
mod gpu_panels;
mod groups_without_manage_groups;
mod guarantee_exceeds_limit;
mod http_port_disabled;
mod https_behind_ingress;
mod image_latest;
mod list_replaced;
mod load_balancer;
mod local_path_access_mode;
mod max_age_below_timeout;
mod memory_unit;
mod monitoring_without_prometheus;
mod moving_tag;
mod name_override;
mod no_default_profile;
mod nobody_allowed;
mod oauth_client;
mod overrides_spec;
mod pdb;
pub mod placeholder;
mod pod_security;
mod private_egress;
mod profile_image;
mod provider_table;
mod public_metrics;
mod rbd_read_write_many;
mod replicas;
mod secret_key_conflict;
pub mod secret_literal;
mod selector_labels;
mod several_defaults;
mod timeout_too_short;
mod tls_edge_extra;
mod tls_issuer_missing;
mod tls_secret_missing;
mod tunnel_ingress;
mod tunnel_tls;
mod unreachable_hub;
mod volume_stats;

/// When a rule runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// On the merged, typed spec, before emitting.
    Spec,
    /// On the spec's `[values]` and the generated Helm values, before the chart's schema.
    Values,
}

/// A lint rule.
pub struct Rule {
    /// Stable code, `area/name`; never reused for another meaning.
    pub code: &'static str,
    /// The severity of its diagnostics (a rule may emit a milder one for a milder case).
    pub severity: Severity,
    pub stage: Stage,
    /// One line, lowercase, no final period.
    pub summary: &'static str,
    /// Markdown: what it does, why it matters (with the source of the fact), an example, the fix.
    pub docs: &'static str,
    pub check: fn(&Ctx<'_>, &mut Vec<Diag>),
}

/// Every rule, in code order.
pub const RULES: &[&Rule] = &[
    &admin_username_case::RULE,
    &allow_all::RULE,
    &azuread_group_ids::RULE,
    &azuread_username_claim::RULE,
    &github_org_scope::RULE,
    &callback_url::RULE,
    &client_in_config::RULE,
    &dummy_outside_test::RULE,
    &groups_without_manage_groups::RULE,
    &nobody_allowed::RULE,
    &oauth_client::RULE,
    &provider_table::RULE,
    &replicas::RULE,
    &deployment_strategy::RULE,
    &pdb::RULE,
    &chart_version::RULE,
    &ci_branch_pattern::RULE,
    &ci_unsafe_value::RULE,
    &deploy_unreachable::RULE,
    &timeout_too_short::RULE,
    &every_exceeds_timeout::RULE,
    &alert_settings::RULE,
    &monitoring_without_prometheus::RULE,
    &gpu_panels::RULE,
    &exporter_prerequisite::RULE,
    &volume_stats::RULE,
    &tunnel_tls::RULE,
    &tunnel_ingress::RULE,
    &envfile_value::RULE,
    &secret_key_conflict::RULE,
    &max_age_below_timeout::RULE,
    &gpu_inherited_selector::RULE,
    &image_latest::RULE,
    &moving_tag::RULE,
    &annotation_controller::RULE,
    &chart_ingress::RULE,
    &http_port_disabled::RULE,
    &https_behind_ingress::RULE,
    &load_balancer::RULE,
    &public_metrics::RULE,
    &unreachable_hub::RULE,
    &private_egress::RULE,
    &selector_labels::RULE,
    &guarantee_exceeds_limit::RULE,
    &memory_unit::RULE,
    &no_default_profile::RULE,
    &profile_image::RULE,
    &gpu_fit::RULE,
    &gpu_node_labels::RULE,
    &several_defaults::RULE,
    &chart_secret::RULE,
    &placeholder::RULE,
    &secret_literal::RULE,
    &local_path_access_mode::RULE,
    &rbd_read_write_many::RULE,
    &delete_pvc::RULE,
    &pod_security::RULE,
    &tls_edge_extra::RULE,
    &tls_issuer_missing::RULE,
    &tls_secret_missing::RULE,
    &cloud_metadata_conflict::RULE,
    &extra_config::RULE,
    &extra_env_type::RULE,
    &name_override::RULE,
    &list_replaced::RULE,
    &overrides_spec::RULE,
];

/// The rule with this code.
pub fn rule(code: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.code == code)
}

/// What a rule sees.
pub struct Ctx<'a> {
    pub r: &'a Resolved,
    /// The generated Helm values (at [`Stage::Values`] only).
    pub values: Option<&'a Value>,
}

impl<'a> Ctx<'a> {
    /// A diagnostic of `rule`'s code and severity.
    pub fn diag(&self, rule: &Rule, message: impl Into<String>) -> Diag {
        Diag::new(rule.code, rule.severity, message)
    }

    /// The span that set the value at a spec JSON pointer (or its nearest ancestor).
    pub fn at(&self, pointer: &str) -> Origin {
        self.r.origin(pointer)
    }

    /// The span of the key at a spec JSON pointer (or of its value).
    pub fn key_at(&self, pointer: &str) -> Origin {
        self.r.key_origin(pointer)
    }

    /// Was this spec pointer set by some file (rather than defaulted)?
    pub fn is_set(&self, pointer: &str) -> bool {
        self.r.provs.contains_key(pointer)
    }

    /// The spec's raw `[values]` value at a chart path (`/hub/pdb/enabled`), with its span.
    pub fn raw_value(&self, chart_pointer: &str) -> Option<(&'a Value, Origin)> {
        let spec_pointer = format!("/values{chart_pointer}");
        let v = self.r.doc.pointer(&spec_pointer)?;
        let (_, prov) = lookup(&self.r.provs, &spec_pointer)?;
        Some((v, prov.origin().clone()))
    }

    /// The generated Helm values at a chart path.
    pub fn value(&self, chart_pointer: &str) -> Option<&'a Value> {
        self.values?.pointer(chart_pointer)
    }

    /// The span that decided the generated value at a chart path: its
    /// `[values]` line if the escape hatch set it (or an ancestor of it).
    pub fn value_origin(&self, chart_pointer: &str) -> Option<Origin> {
        let spec_pointer = format!("/values{chart_pointer}");
        lookup(&self.r.provs, &spec_pointer)
            .filter(|(p, _)| p.starts_with("/values"))
            .map(|(_, prov)| prov.origin().clone())
    }
}

/// Runs every rule of `stage`.
pub fn run(stage: Stage, cx: &Ctx<'_>) -> Vec<Diag> {
    let mut out = Vec::new();
    for rule in RULES.iter().filter(|r| r.stage == stage) {
        (rule.check)(cx, &mut out);
    }
    set_layers(&cx.r.provs, &mut out);
    out
}

/// Each diagnostic's [`Diag::layers`]: the layers that set the value it
/// points at, highest first, when that value replaced inherited ones.
pub fn set_layers(provs: &crate::tree::ProvMap, diags: &mut [Diag]) {
    if diags.is_empty() {
        return;
    }
    // only values that replaced others have a chain (few, whatever the file's size)
    let replacing: Vec<&crate::tree::Prov> =
        provs.values().filter(|p| p.replaced.is_some()).collect();
    for d in diags {
        let Some(p) = &d.primary else {
            continue;
        };
        let Some(prov) = replacing
            .iter()
            .find(|v| v.value == p.origin || v.key.as_ref() == Some(&p.origin))
        else {
            continue;
        };
        let mut files = vec![prov.value.file];
        let mut next = prov.replaced.as_deref();
        while let Some(rep) = next {
            if files.last() != Some(&rep.prov.value.file) {
                files.push(rep.prov.value.file);
            }
            next = rep.prov.replaced.as_deref();
        }
        if files.len() > 1 {
            d.layers = files;
        }
    }
}

/// `secrets/literal` on a merged spec that did not validate.
pub fn secrets(doc: &Value, provs: &crate::tree::ProvMap) -> Vec<Diag> {
    secret_literal::scan(doc, &|p| {
        crate::tree::lookup(provs, p)
            .map(|(_, prov)| prov.origin().clone())
            .expect("the root of a merged tree always has a provenance")
    })
}

/// Does a string look like a credential (a token prefix, a private key, a
/// high-entropy string)? What `secrets/literal` reports, and what output masks.
pub fn looks_secret(s: &str) -> bool {
    secret_literal::token_kind(s).is_some()
}

/// Every string in a JSON value with its JSON pointer (below `pointer`).
pub fn strings<'v>(v: &'v Value, pointer: String, out: &mut Vec<(String, &'v str)>) {
    match v {
        Value::String(s) => out.push((pointer, s)),
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                strings(x, format!("{pointer}/{i}"), out);
            }
        }
        Value::Object(m) => {
            for (k, x) in m {
                strings(
                    x,
                    format!("{pointer}/{}", crate::tree::escape_pointer(k)),
                    out,
                );
            }
        }
        _ => {}
    }
}
