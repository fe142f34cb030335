//! Criterion benchmarks of each pipeline stage on the reference environments,
//! and of whole builds of 10 and 100 generated environments (in memory).
//! Run with `cargo bench --bench pipeline`; whole-process timings, with the
//! comparison to `kubectl kustomize`, are `benches/whole-process.sh`.

use criterion::{Criterion, criterion_group, criterion_main};
use jhubgen::lint::{self, Ctx, Stage};
use jhubgen::project::{self, Content, Project};
use std::hint::black_box;
use std::path::Path;

fn reference() -> Project {
    project::open(Path::new(env!("CARGO_MANIFEST_DIR"))).expect("the reference project")
}

/// A project of `n` environments derived from the lab overlay, built in memory.
fn generated(n: usize) -> Project {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let base = std::fs::read(root.join("base/platform.toml")).unwrap();
    let lab = std::fs::read_to_string(root.join("overlays/lab.toml")).unwrap();
    let mut files = vec![("base/platform.toml".to_string(), Content::Bytes(base))];
    for i in 1..=n {
        let t = lab
            .replace(
                "jupyterhub.yourcompany.com",
                &format!("hub-{i:04}.example.org"),
            )
            .replace("jupyterhub-test", &format!("jupyterhub-{i:04}"))
            .replace(
                "release = \"jhub-lab\"",
                &format!("release = \"jhub-{i:04}\""),
            );
        files.push((
            format!("overlays/env-{i:04}.toml"),
            Content::Bytes(t.into_bytes()),
        ));
    }
    project::from_files(root, files)
}

fn stages(c: &mut Criterion) {
    let p = reference();
    let base_id = p.base[0];
    let (env, overlay_id) = p
        .overlays
        .iter()
        .find(|(n, _)| n == "lab")
        .cloned()
        .expect("the reference has a lab");
    let load = |id| jhubgen::load::load(&p.sources, id).unwrap();
    let inputs = vec![
        "base/platform.toml".to_string(),
        "overlays/lab.toml".to_string(),
    ];

    c.bench_function("load (base + lab overlay)", |b| {
        b.iter(|| (black_box(load(base_id)), black_box(load(overlay_id))))
    });
    let layers = vec![load(base_id), load(overlay_id)];
    c.bench_function("merge", |b| {
        b.iter(|| jhubgen::merge::merge(black_box(layers.clone())).unwrap())
    });
    let merged = jhubgen::merge::merge(layers.clone()).unwrap();
    let (doc, provs) = merged.to_json();
    c.bench_function("validate (spec schema)", |b| {
        b.iter(|| jhubgen::validate::check(black_box(&doc), black_box(&provs)))
    });
    let r = jhubgen::resolve::resolve(&env, inputs.clone(), doc.clone(), provs.clone(), Vec::new())
        .unwrap();
    c.bench_function("lint (spec rules)", |b| {
        b.iter(|| {
            lint::run(
                Stage::Spec,
                &Ctx {
                    r: black_box(&r),
                    values: None,
                },
            )
        })
    });
    let values = jhubgen::emit::values::values(&r);
    c.bench_function("lint (values rules)", |b| {
        b.iter(|| {
            lint::run(
                Stage::Values,
                &Ctx {
                    r: black_box(&r),
                    values: Some(&values),
                },
            )
        })
    });
    c.bench_function("emit (values + files as YAML)", |b| {
        b.iter(|| {
            let v = jhubgen::emit::values::values(black_box(&r));
            jhubgen::emit::emit_all(&r, &v)
        })
    });
    c.bench_function("chart schema check", |b| {
        b.iter(|| jhubgen::emit::chart::check(black_box(&values), &r))
    });
    c.bench_function("build both reference environments", |b| {
        b.iter(|| jhubgen::build(black_box(&p), &[]).unwrap())
    });
}

fn scale(c: &mut Criterion) {
    let mut g = c.benchmark_group("build generated environments");
    g.sample_size(10);
    for n in [10, 100] {
        let p = generated(n);
        g.bench_function(format!("{n} environments"), |b| {
            b.iter(|| jhubgen::build(black_box(&p), &[]).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, stages, scale);
criterion_main!(benches);
