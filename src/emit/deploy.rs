//! `scripts/deploy.sh`: the one deploy logic. It reads an environment's
//! `config.env` and does what every deploy does — the manifests applied
//! before the chart, `helm upgrade` at the pinned chart version, the
//! manifests applied after it, in the artifact registry's order — so the
//! GitHub and GitLab deploy jobs, and a person at a terminal, run the same
//! steps. `--dry-run` renders instead (`kubectl apply --dry-run=client`,
//! `helm template`) and changes nothing.
//!
//! It is the same text for every project (everything it knows comes from
//! the environment file), so a generated header is all that varies.

/// The path of the script, from the project's root.
pub const PATH: &str = "scripts/deploy.sh";

const BODY: &str = r#"# Deploys one environment from its environment file (environments/<env>/config.env):
# the manifests applied before the chart, the chart at the pinned version,
# the manifests applied after it. Needs helm and kubectl, and a kubeconfig.
#
#   bash scripts/deploy.sh environments/<env>/config.env [--dry-run]
#
# JHUBGEN_IMAGE_TAG, when set, deploys that notebook image tag instead of the
# file's (the pipelines deploy the image they built for the commit).
set -euo pipefail

usage() {
  echo "usage: $0 ENV_FILE [--dry-run]" >&2
  exit 2
}

[ "$#" -ge 1 ] || usage
env_file=$1
shift
dry_run=false
for arg in "$@"; do
  case "$arg" in
    --dry-run) dry_run=true ;;
    *) usage ;;
  esac
done
if [ ! -f "$env_file" ]; then
  echo "$0: no environment file $env_file" >&2
  exit 2
fi

# shellcheck source=/dev/null
. "$env_file"
for name in RELEASE_NAME JHUB_NAMESPACE CHART_REPO CHART_VERSION VALUES_FILE HELM_TIMEOUT IMAGE_TAG; do
  if [ -z "${!name:-}" ]; then
    echo "$0: $env_file does not set $name" >&2
    exit 2
  fi
done
tag=${JHUBGEN_IMAGE_TAG:-$IMAGE_TAG}
read -r -a before <<< "${APPLY_BEFORE:-}"
read -r -a after <<< "${APPLY_AFTER:-}"
chart=(jupyterhub/jupyterhub --namespace "$JHUB_NAMESPACE" --version "$CHART_VERSION"
  --values "$VALUES_FILE" --set-string "singleuser.image.tag=$tag")

if [ "$dry_run" = true ]; then
  for file in "${before[@]}"; do
    kubectl apply --dry-run=client --filename "$file"
  done
  helm repo add jupyterhub "$CHART_REPO" --force-update
  helm template "$RELEASE_NAME" "${chart[@]}" > /dev/null
  for file in "${after[@]}"; do
    kubectl apply --dry-run=client --namespace "$JHUB_NAMESPACE" --filename "$file"
  done
  echo "$0: dry run of $RELEASE_NAME in $JHUB_NAMESPACE: nothing changed"
  exit 0
fi

for file in "${before[@]}"; do
  kubectl apply --filename "$file"
done
helm repo add jupyterhub "$CHART_REPO" --force-update
helm upgrade --cleanup-on-fail --install "$RELEASE_NAME" "${chart[@]}" \
  --create-namespace --timeout "$HELM_TIMEOUT" --wait
for file in "${after[@]}"; do
  kubectl apply --namespace "$JHUB_NAMESPACE" --filename "$file"
done
"#;

/// The script's text.
pub fn script() -> String {
    format!(
        "#!/usr/bin/env bash\n{} for every environment. Do not edit.\n{BODY}",
        super::HEADER_MARK
    )
}
