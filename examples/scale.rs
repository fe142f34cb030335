//! Writes a project with N environments derived from the reference lab
//! overlay — distinct hosts, namespaces and releases, and a profile tweak in
//! every third one — for the scale benchmarks.
//!
//! `cargo run --release --example scale -- N DIR [--error]`: the reference
//! `base/` and N overlays `env-0001.toml` … in DIR; with `--error`, the middle
//! environment carries one mistake (a 30-second culling timeout).

use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(n), Some(dir)) = (
        args.first().and_then(|n| n.parse::<usize>().ok()),
        args.get(1),
    ) else {
        eprintln!("usage: scale N DIR [--error]");
        std::process::exit(2);
    };
    let with_error = args.iter().any(|a| a == "--error");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    if let Err(e) = jhubgen_scale::write(repo, Path::new(dir), n, with_error) {
        eprintln!("error: {e}");
        std::process::exit(2);
    }
}

mod jhubgen_scale {
    use std::path::Path;

    /// The overlay of environment `i` (1-based), derived from the lab overlay.
    pub fn overlay(lab: &str, i: usize, n: usize, with_error: bool) -> String {
        let id = format!("{i:04}");
        let mut t = lab
            .replace(
                "jupyterhub.yourcompany.com",
                &format!("hub-{id}.example.org"),
            )
            .replace(
                "namespace = \"jupyterhub-test\"",
                &format!("namespace = \"jupyterhub-{id}\""),
            )
            .replace(
                "release = \"jhub-lab\"",
                &format!("release = \"jhub-{id}\""),
            )
            .replace(
                "name = \"jupyterhub-lab\"",
                &format!("name = \"jupyterhub-{id}\""),
            );
        if i.is_multiple_of(3) {
            t.push_str(&format!(
                "\n[[profiles]]\nslug = \"gpu-large\"\nmemory = {{ limit = \"{}G\" }}\n",
                64 + i % 64
            ));
        }
        if with_error && i == n.div_ceil(2) {
            t.push_str("\n[culling]\ntimeout = 30\n");
        }
        t
    }

    pub fn write(repo: &Path, dir: &Path, n: usize, with_error: bool) -> std::io::Result<()> {
        let lab = std::fs::read_to_string(repo.join("overlays/lab.toml"))?;
        std::fs::create_dir_all(dir.join("base"))?;
        std::fs::create_dir_all(dir.join("overlays"))?;
        for e in std::fs::read_dir(repo.join("base"))? {
            let e = e?;
            std::fs::copy(e.path(), dir.join("base").join(e.file_name()))?;
        }
        for i in 1..=n {
            std::fs::write(
                dir.join(format!("overlays/env-{i:04}.toml")),
                overlay(&lab, i, n, with_error),
            )?;
        }
        Ok(())
    }
}
