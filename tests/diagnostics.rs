//! The corpus of bad inputs: `tests/fixtures/bad/<case>/` holds files laid
//! over the reference specs (and a README saying what is wrong); its report —
//! the human rendering and the JSON — is the snapshot `report.snap` beside
//! them. Over the whole corpus: the build fails with exit code 1, does not
//! panic, and writes nothing.

mod common;

use common::{jhubgen, project_with, repo, snapshot_tree};
use jhubgen::diag;

fn report(root: &std::path::Path) -> String {
    let project = jhubgen::project::open(root).expect("the fixture is a project");
    let diags = match jhubgen::build(&project, &[]) {
        Ok(b) => b.diags,
        Err(d) => d,
    };
    assert!(diags.iter().any(|d| d.is_error()), "the case has no error");
    for d in &diags {
        assert!(d.primary.is_some(), "no location: {d:?}");
        assert!(d.help.is_some(), "no help: {d:?}");
    }
    format!(
        "{}\n{}",
        diag::human::render(&diags, &project.sources, false),
        diag::json::render(&diags, &project.sources)
    )
}

#[test]
fn bad_inputs() {
    let bad = repo().join("tests/fixtures/bad");
    let mut cases: Vec<_> = std::fs::read_dir(&bad)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 20, "the corpus shrank");
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let p = project_with(Some(&case));
        let text = report(p.path());
        insta::with_settings!({
            snapshot_path => case.clone(),
            prepend_module_to_snapshot => false,
            omit_expression => true,
            description => std::fs::read_to_string(case.join("README.md")).unwrap_or_default(),
        }, {
            insta::assert_snapshot!("report", text);
        });

        let before = snapshot_tree(p.path());
        let out = jhubgen(&["build"], p.path());
        assert_eq!(
            out.status.code(),
            Some(1),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !String::from_utf8_lossy(&out.stderr).contains("panicked"),
            "{name}"
        );
        assert_eq!(
            snapshot_tree(p.path()),
            before,
            "{name}: a failed build wrote files"
        );
        assert!(!p.path().join("environments").exists(), "{name}");

        let out = jhubgen(&["build", "--format", "json"], p.path());
        assert_eq!(out.status.code(), Some(1), "{name}");
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(json["summary"]["errors"].as_u64().unwrap() > 0, "{name}");
        for d in json["diagnostics"].as_array().unwrap() {
            for field in [
                "code", "severity", "message", "file", "line", "column", "help",
            ] {
                assert!(!d[field].is_null(), "{name}: `{field}` missing in {d}");
            }
        }
    }
}
