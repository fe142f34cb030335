//! Resolve: from a schema-valid merged tree to the typed spec, with the
//! derived values (callback URL, base path) the emitters and rules share.
//! Checks that need several fields at once are lint rules (`crate::lint`).

use crate::diag::Diag;
use crate::model::Spec;
use crate::source::Origin;
use crate::tree::{ProvMap, lookup};
use serde_json::Value;

/// A merged, checked environment, ready to emit.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// Environment name (the overlay's file stem).
    pub env: String,
    /// The input files, relative to the root, in merge order.
    pub inputs: Vec<String>,
    pub spec: Spec,
    /// The merged tree as JSON, and where each value in it came from.
    pub doc: Value,
    pub provs: ProvMap,
    /// What the chain's `delete`s removed, lowest layer first.
    pub tombstones: Vec<crate::merge::Tombstone>,
}

impl Resolved {
    /// The span that set the value at a JSON pointer (or its nearest ancestor).
    pub fn origin(&self, pointer: &str) -> Origin {
        lookup(&self.provs, pointer)
            .map(|(_, p)| p.origin().clone())
            .expect("the root of a merged tree always has a provenance")
    }

    /// The span of the key at a JSON pointer, else of its value.
    pub fn key_origin(&self, pointer: &str) -> Origin {
        lookup(&self.provs, pointer)
            .map(|(_, p)| p.key_or_value().clone())
            .expect("the root of a merged tree always has a provenance")
    }

    /// `https://<host><base_url>hub/oauth_callback`.
    pub fn callback_url(&self) -> String {
        format!(
            "https://{}{}hub/oauth_callback",
            self.spec.ingress.host, self.spec.hub.base_url
        )
    }

    /// Does KubeSpawner delete a user's volume with the user (`delete_pvc`)?
    pub fn delete_pvc(&self) -> bool {
        use crate::model::Purpose;
        self.spec.storage.delete_with_user.unwrap_or(!matches!(
            self.spec.environment.purpose,
            Purpose::Production | Purpose::Staging
        ))
    }

    /// The hub's base URL without its trailing slash (`""` for `/`).
    pub fn base_path(&self) -> &str {
        self.spec.hub.base_url.trim_end_matches('/')
    }
}

/// Deserializes the merged tree and checks cross-field requirements.
pub fn resolve(
    env: &str,
    inputs: Vec<String>,
    doc: Value,
    provs: ProvMap,
    tombstones: Vec<crate::merge::Tombstone>,
) -> Result<Resolved, Vec<Diag>> {
    let spec: Spec = match serde_json::from_value(doc.clone()) {
        Ok(s) => s,
        Err(e) => {
            // The schema is derived from the same types, so this is a jhubgen bug.
            let origin = lookup(&provs, "").map(|(_, p)| p.origin().clone());
            let mut d = Diag::error(
                "internal/model",
                format!("jhubgen bug: the spec passed its schema but not its model: {e}"),
            )
            .help("please report this with the spec that caused it");
            if let Some(o) = origin {
                d = d.at(o, "");
            }
            return Err(vec![d]);
        }
    };
    Ok(Resolved {
        env: env.to_string(),
        inputs,
        spec,
        doc,
        provs,
        tombstones,
    })
}
