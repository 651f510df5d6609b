//! `offprint convert` as a batch: many inputs, every format, unattended,
//! reproducible. Folders of mixed good and bad inputs, the JSON summary,
//! exit codes, no partial file, the same bytes whatever the jobs or shards,
//! the manifest, settings files, logging.

mod common;

use common::{stderr, zip_file_part as zip_part, ROOT};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// `offprint ARGS` run in `dir`, logging as in CI.
fn offprint_in(dir: &Path, args: &[&str]) -> Output {
    common::command(args)
        .current_dir(dir)
        .env("CI", "true")
        .output()
        .expect("offprint runs")
}

fn scratch(name: &str) -> PathBuf {
    common::scratch("batch", name)
}

fn copy(fixture: &str, to: &Path) {
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    std::fs::copy(Path::new(ROOT).join(fixture), to).unwrap();
}

/// Every format this build writes, as `--to` takes them.
fn all_formats() -> String {
    offprint::Format::ALL.map(offprint::Format::name).join(",")
}

/// Every file under `dir` (relative path → bytes), hidden ones included.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, into: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(base, &path, into);
            } else {
                let relative = path
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                into.insert(relative, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut files = BTreeMap::new();
    walk(dir, dir, &mut files);
    files
}

fn without_manifests(mut files: BTreeMap<String, Vec<u8>>) -> BTreeMap<String, Vec<u8>> {
    files.retain(|name, _| !name.starts_with(".offprint-manifest"));
    files
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn summary(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).expect("the summary is written"))
        .expect("the summary is JSON")
}

fn record<'a>(summary: &'a serde_json::Value, path: &str) -> &'a serde_json::Value {
    summary["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["path"] == path)
        .unwrap_or_else(|| panic!("{path} is not in the summary"))
}

/// A folder of good inputs: extracted text, PDFs (one in a subfolder) and
/// Markdown that offprint wrote.
fn good_inputs(dir: &Path) {
    copy("fixtures/brief/brief.extracted.txt", &dir.join("brief.txt"));
    copy(
        "fixtures/corpus/udhr-preamble-art1-7-4lang.lo.pdf",
        &dir.join("udhr.pdf"),
    );
    copy(
        "fixtures/corpus/faker-fr-es-bulletin.wkhtml.pdf",
        &dir.join("reports/bulletin.pdf"),
    );
    copy(
        "fixtures/corpus/faker-en-zh-report.expected.md",
        &dir.join("reports/2024/report.md"),
    );
    // Not inputs: a Markdown file offprint did not write, and a note.
    std::fs::write(
        dir.join("reports/README.md"),
        "# Notes\n\nNot a document.\n",
    )
    .unwrap();
    std::fs::write(dir.join("reports/notes.rtf"), "{\\rtf1 x}").unwrap();
}

#[test]
fn a_mixed_folder_converts_the_good_and_reports_the_bad() {
    let dir = scratch("mixed");
    let input = dir.join("in");
    good_inputs(&input);
    copy(
        "fixtures/bad/random-after-header.pdf",
        &input.join("bad/corrupt.pdf"),
    );
    copy(
        "fixtures/bad/encrypted-user-password.pdf",
        &input.join("bad/encrypted.pdf"),
    );
    // Inputs that convert with warnings: a page that cannot be read, a hyphen
    // that nothing decides.
    copy(
        "fixtures/bad/unreadable-page.pdf",
        &input.join("damaged/unreadable-page.pdf"),
    );
    // A name broken at its hyphen, and no evidence in the text to decide it.
    std::fs::write(
        input.join("reports/hyphenated.txt"),
        "The programme was confirmed by the new director, Tran-\nHarris, in a short statement to the press.\n",
    )
    .unwrap();
    let formats = all_formats();
    let out = offprint_in(
        &dir,
        &[
            "convert",
            "in",
            "--to",
            &formats,
            "--out",
            "out",
            "--json",
            "summary.json",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("offprint: error: in/bad/corrupt.pdf: not a readable PDF"),
        "{err}"
    );
    assert!(
        err.contains("offprint: error: in/bad/encrypted.pdf: encrypted"),
        "{err}"
    );
    // In logs (CI set, stderr not a terminal): one line per document and a total.
    assert!(err.contains("offprint: converted in/udhr.pdf: "), "{err}");
    assert!(
        err.contains("offprint: 8 inputs: 6 converted, 0 up to date, 2 failed"),
        "{err}"
    );
    assert!(
        err.contains("offprint: warning: in/damaged/unreadable-page.pdf: page(s) 2 could not be read in full"),
        "{err}"
    );
    assert!(
        !err.contains("hyphen kept"),
        "minor warnings only with -v: {err}"
    );

    let summary = summary(&dir.join("summary.json"));
    assert_eq!(summary["format"], "offprint-batch-summary");
    assert_eq!(summary["totals"]["inputs"], 8);
    assert_eq!(summary["totals"]["converted"], 6);
    assert_eq!(summary["totals"]["failed"], 2);
    let damaged = record(&summary, "damaged/unreadable-page.pdf");
    assert_eq!(damaged["status"], "converted");
    assert_eq!(damaged["warnings"][0]["kind"], "lost-pages");
    assert_eq!(damaged["warnings"][0]["pages"], serde_json::json!([2]));
    let hyphenated = record(&summary, "reports/hyphenated.txt");
    let undecided = &hyphenated["warnings"][0];
    assert_eq!(undecided["kind"], "undecided-hyphen", "{hyphenated}");
    assert!(undecided["line"].as_u64().unwrap() > 0);
    let corrupt = record(&summary, "bad/corrupt.pdf");
    assert_eq!(corrupt["status"], "failed");
    assert!(corrupt["error"]
        .as_str()
        .unwrap()
        .contains("not a readable PDF"));
    assert_eq!(corrupt["outputs"].as_array().unwrap().len(), 0);
    let encrypted = record(&summary, "bad/encrypted.pdf");
    assert_eq!(encrypted["status"], "failed");
    assert!(encrypted["error"].as_str().unwrap().contains("--password"));
    assert!(encrypted["timing"]["total_ms"].is_number());

    // Every output of the good ones, in every format, as the summary says.
    let files = tree(&dir.join("out"));
    let mut listed = 0;
    for good in [
        "brief.txt",
        "udhr.pdf",
        "reports/bulletin.pdf",
        "reports/2024/report.md",
        "reports/hyphenated.txt",
        "damaged/unreadable-page.pdf",
    ] {
        let record = record(&summary, good);
        assert_eq!(record["status"], "converted", "{good}");
        assert_eq!(record["sha256"].as_str().unwrap().len(), 64);
        let outputs = record["outputs"].as_array().unwrap();
        for format in formats.split(',') {
            assert!(
                outputs
                    .iter()
                    .any(|o| o["format"] == format && o["edition"] == "combined"),
                "{good}: no combined {format}"
            );
        }
        for output in outputs {
            let path = output["path"].as_str().unwrap();
            let bytes = files
                .get(path)
                .unwrap_or_else(|| panic!("{path} is missing"));
            assert_eq!(output["bytes"], bytes.len(), "{path}");
            assert_eq!(output["sha256"], sha256(bytes), "{path}");
            listed += 1;
        }
    }
    // The tree of the inputs is mirrored; nothing else is there: no output
    // of the bad inputs, no temporary file.
    assert!(files.contains_key("reports/2024/report.pdf"));
    assert!(files.contains_key("udhr.zh.pdf"));
    let others: Vec<&String> = files
        .keys()
        .filter(|name| !name.starts_with(".offprint-manifest"))
        .collect();
    assert_eq!(others.len(), listed, "{others:?}");
    assert!(
        !files.keys().any(|n| n.starts_with("bad/")),
        "{:?}",
        files.keys()
    );
    assert!(!files.keys().any(|n| n.contains(".tmp")));
    assert!(files.contains_key(".offprint-manifest.json"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn two_runs_and_three_shards_give_the_same_bytes() {
    let dir = scratch("same");
    let input = dir.join("in");
    good_inputs(&input);
    copy(
        "fixtures/brief/brief.extracted.txt",
        &input.join("more/brief-copy.txt"),
    );
    copy(
        "fixtures/corpus/faker-en-zh-report.lo.pdf",
        &input.join("more/report.pdf"),
    );
    let run = |out: &str, extra: &[&str]| {
        let mut args = vec!["convert", "in", "--to", "pdf,md,json,txt", "--out", out];
        args.extend_from_slice(extra);
        let result = offprint_in(&dir, &args);
        assert!(result.status.success(), "{out}: {}", stderr(&result));
        result
    };
    run("a", &["--jobs", "1", "--json", "a1.json"]);
    run("b", &["--jobs", "2"]);
    let a = tree(&dir.join("a"));
    let b = tree(&dir.join("b"));
    assert!(a.len() > 40, "{}", a.len());
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        assert!(
            *bytes == b[name],
            "{name} differs between --jobs 1 and --jobs 2"
        );
    }

    // Three shards into one folder (as on shared storage): their union is
    // the unsharded run, byte for byte, and each converted a third.
    let mut converted = Vec::new();
    for shard in ["1/3", "2/3", "3/3"] {
        let json = format!("shard-{}.json", &shard[..1]);
        run("c", &["--shard", shard, "--json", &json, "--jobs", "2"]);
        let summary = summary(&dir.join(&json));
        assert_eq!(summary["shard"], shard);
        converted.push(summary["totals"]["converted"].as_u64().unwrap());
    }
    assert_eq!(converted.iter().sum::<u64>(), 6);
    assert!(converted.iter().all(|&n| n == 2), "{converted:?}");
    let c = tree(&dir.join("c"));
    let (a_outputs, c_outputs) = (without_manifests(a.clone()), without_manifests(c.clone()));
    assert_eq!(
        a_outputs.keys().collect::<Vec<_>>(),
        c_outputs.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &a_outputs {
        assert!(
            *bytes == c_outputs[name],
            "{name} differs between the shards and one run"
        );
    }
    // One manifest per shard, together holding the unsharded run's entries.
    let manifest = |bytes: &[u8]| -> serde_json::Map<String, serde_json::Value> {
        let value: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        value["inputs"].as_object().unwrap().clone()
    };
    let mut merged = serde_json::Map::new();
    for k in 1..=3 {
        let name = format!(".offprint-manifest.{k}-of-3.json");
        merged.extend(manifest(&c[&name]));
    }
    assert!(!c.contains_key(".offprint-manifest.json"));
    assert_eq!(merged, manifest(&a[".offprint-manifest.json"]));

    // The shards' folder is up to date for an unsharded run.
    let again = run("c", &["--json", "again.json"]);
    assert!(
        stderr(&again).contains("0 converted, 6 up to date"),
        "{}",
        stderr(&again)
    );

    // Converted again with two jobs: the same files, and the same summary
    // once its `timing` objects are taken out.
    run("a", &["--jobs", "2", "--force", "--json", "a2.json"]);
    assert!(tree(&dir.join("a")) == a, "a forced run changed a file");
    fn untimed(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                map.remove("timing");
                map.values_mut().for_each(untimed);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(untimed),
            _ => {}
        }
    }
    let (mut first, mut second) = (summary(&dir.join("a1.json")), summary(&dir.join("a2.json")));
    assert!(first["timing"]["wall_ms"].is_number());
    untimed(&mut first);
    untimed(&mut second);
    assert_eq!(first, second);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_manifest_skips_what_is_up_to_date() {
    let dir = scratch("manifest");
    copy("fixtures/brief/brief.extracted.txt", &dir.join("in/a.txt"));
    copy("fixtures/brief/brief.extracted.txt", &dir.join("in/b.txt"));
    let run = |extra: &[&str]| -> serde_json::Value {
        let mut args = vec![
            "convert", "in", "--to", "md,txt", "--out", "out", "--json", "-",
        ];
        args.extend_from_slice(extra);
        let out = offprint_in(&dir, &args);
        assert!(out.status.success(), "{}", stderr(&out));
        serde_json::from_slice(&out.stdout).expect("the summary on stdout")
    };
    let statuses = |s: &serde_json::Value| -> Vec<String> {
        s["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["status"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(statuses(&run(&[])), ["converted", "converted"]);
    let skipped = run(&[]);
    assert_eq!(statuses(&skipped), ["up-to-date", "up-to-date"]);
    // A skipped input still lists its outputs.
    assert_eq!(
        record(&skipped, "a.txt")["outputs"]
            .as_array()
            .unwrap()
            .len(),
        10
    );
    // A changed input, a changed option, a lost output, --force.
    std::fs::write(dir.join("in/a.txt"), "A new text.\n").unwrap();
    assert_eq!(statuses(&run(&[])), ["converted", "up-to-date"]);
    assert_eq!(
        statuses(&run(&["--meta", "title=New"])),
        ["converted", "converted"]
    );
    std::fs::remove_file(dir.join("out/b.en.md")).unwrap();
    assert_eq!(
        statuses(&run(&["--meta", "title=New"])),
        ["up-to-date", "converted"]
    );
    std::fs::write(dir.join("out/b.fr.md"), "edited by hand\n").unwrap();
    assert_eq!(
        statuses(&run(&["--meta", "title=New"])),
        ["up-to-date", "converted"]
    );
    assert_eq!(
        statuses(&run(&["--meta", "title=New", "--force"])),
        ["converted", "converted"]
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("out/.offprint-manifest.json")).unwrap())
            .unwrap();
    let entry = &manifest["inputs"]["b.txt"];
    assert_eq!(entry["offprint"], env!("CARGO_PKG_VERSION"));
    assert_eq!(entry["options"]["settings"]["title"], "New");
    assert_eq!(entry["outputs"].as_array().unwrap().len(), 10);
    assert_eq!(entry["sha256"].as_str().unwrap().len(), 64);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn patterns_and_folders_are_placed_under_their_common_root() {
    let dir = scratch("globs");
    copy(
        "fixtures/brief/brief.extracted.txt",
        &dir.join("docs/x/one.txt"),
    );
    copy(
        "fixtures/brief/brief.extracted.txt",
        &dir.join("docs/y/z/two.txt"),
    );
    copy(
        "fixtures/brief/brief.extracted.txt",
        &dir.join("docs/y/three.TXT"),
    );
    copy(
        "fixtures/brief/brief.extracted.txt",
        &dir.join("other/four.txt"),
    );
    // A pattern, quoted: offprint expands it (recursively with **).
    let out = offprint_in(
        &dir,
        &[
            "convert",
            "docs/**/*.txt",
            "--to",
            "txt",
            "--edition",
            "combined",
            "--out",
            "o1",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let files: Vec<String> = without_manifests(tree(&dir.join("o1")))
        .into_keys()
        .collect();
    assert_eq!(files, ["x/one.txt", "y/z/two.txt"]);
    // Folders and a file: the root is their common folder.
    let out = offprint_in(
        &dir,
        &[
            "convert",
            "docs/y",
            "other/four.txt",
            "--to",
            "txt",
            "--edition",
            "combined",
            "--out",
            "o2",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let files: Vec<String> = without_manifests(tree(&dir.join("o2")))
        .into_keys()
        .collect();
    assert_eq!(
        files,
        ["docs/y/three.txt", "docs/y/z/two.txt", "other/four.txt"]
    );
    // A pattern that matches nothing, a missing file: failures, not usage errors.
    let out = offprint_in(
        &dir,
        &[
            "convert",
            "docs/*.pdf",
            "missing.txt",
            "docs/x",
            "--to",
            "txt",
            "--out",
            "o3",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("offprint: error: docs/*.pdf: no file matches this pattern"),
        "{err}"
    );
    assert!(
        err.contains("offprint: error: missing.txt: no such file"),
        "{err}"
    );
    // The pattern's folder counts towards the root even when nothing matched.
    assert!(dir.join("o3/x/one.txt").is_file());
    // An output folder inside the input folder is not searched.
    let out = offprint_in(
        &dir,
        &["convert", "docs", "--to", "md", "--out", "docs/out"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = offprint_in(
        &dir,
        &["convert", "docs", "--to", "md", "--out", "docs/out"],
    );
    assert!(
        stderr(&out).contains("3 inputs: 0 converted, 3 up to date"),
        "{}",
        stderr(&out)
    );
    // Outputs written next to their inputs are not taken for inputs next time
    // (the manifest lists them), whether found in a folder or by a pattern.
    let next_to =
        |input: &str| offprint_in(&dir, &["convert", input, "--to", "md", "--out", "other"]);
    let out = next_to("other");
    assert!(
        stderr(&out).contains("1 input: 1 converted"),
        "{}",
        stderr(&out)
    );
    for input in ["other", "other/*"] {
        let out = next_to(input);
        assert!(
            stderr(&out).contains("1 input: 0 converted, 1 up to date"),
            "{input}: {}",
            stderr(&out)
        );
    }
    let out = next_to("other/*.md");
    assert!(
        stderr(&out).contains("no file matches this pattern"),
        "{}",
        stderr(&out)
    );
    // The default output folder is the current one.
    let out = offprint_in(&dir.join("other"), &["convert", "*", "--to", "md"]);
    assert!(
        stderr(&out).contains("1 input: 0 converted, 1 up to date"),
        "{}",
        stderr(&out)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn inputs_with_no_folder_in_common_are_placed_from_their_own_not_from_the_root() {
    // One input under the temporary folder, one under the build's: they share
    // only `/`.
    let here = scratch("no-common-root");
    let there =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("offprint-far-{}", std::process::id()));
    copy(
        "fixtures/brief/brief.extracted.txt",
        &here.join("a/one.txt"),
    );
    copy(
        "fixtures/brief/brief.extracted.txt",
        &there.join("b/deep/two.txt"),
    );
    let out = offprint_in(
        &here,
        &[
            "convert",
            here.join("a").to_str().unwrap(),
            there.join("b").to_str().unwrap(),
            "--to",
            "txt",
            "--edition",
            "combined",
            "--out",
            "out",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let files: Vec<String> = without_manifests(tree(&here.join("out")))
        .into_keys()
        .collect();
    assert_eq!(files, ["deep/two.txt", "one.txt"]);
    std::fs::remove_dir_all(&here).unwrap();
    std::fs::remove_dir_all(&there).unwrap();
}

#[test]
fn outputs_with_the_same_names_and_an_output_that_cannot_be_written() {
    let dir = scratch("clash");
    copy(
        "fixtures/brief/brief.extracted.txt",
        &dir.join("in/brief.txt"),
    );
    copy(
        "fixtures/corpus/faker-fr-es-bulletin.lo.pdf",
        &dir.join("in/brief.pdf"),
    );
    copy(
        "fixtures/corpus/faker-fr-es-bulletin.lo.pdf",
        &dir.join("in/bulletin.pdf"),
    );
    // A folder where one of bulletin's files must go: it cannot be written.
    std::fs::create_dir_all(dir.join("out/bulletin.fr.md")).unwrap();
    let out = offprint_in(
        &dir,
        &[
            "convert", "in", "--to", "md,txt", "--out", "out", "--json", "s.json",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let summary = summary(&dir.join("s.json"));
    // brief.pdf sorts first, so brief.txt is the one refused.
    assert_eq!(record(&summary, "brief.pdf")["status"], "converted");
    let clash = record(&summary, "brief.txt");
    assert!(clash["error"]
        .as_str()
        .unwrap()
        .contains("same names as those of brief.pdf"));
    let failed = record(&summary, "bulletin.pdf");
    assert_eq!(failed["status"], "failed");
    // None of its files is left, not even those written before the failure.
    let left: Vec<String> = tree(&dir.join("out"))
        .into_keys()
        .filter(|n| n.starts_with("bulletin"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[cfg(unix)]
#[test]
fn links_inside_the_output_folder_never_lead_writes_out_of_it() {
    use std::os::unix::fs::symlink;
    let dir = scratch("links");
    copy(
        "fixtures/brief/brief.extracted.txt",
        &dir.join("in/sub/d.txt"),
    );
    copy("fixtures/brief/brief.extracted.txt", &dir.join("in/x.txt"));
    let elsewhere = dir.join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("unrelated"), b"precious").unwrap();
    std::fs::create_dir_all(dir.join("out")).unwrap();
    symlink(&elsewhere, dir.join("out/sub")).unwrap();
    symlink(elsewhere.join("unrelated"), dir.join("out/x.epub")).unwrap();
    let out = offprint_in(
        &dir,
        &[
            "convert", "in", "--to", "md,epub", "--out", "out", "--json", "s.json",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let summary = summary(&dir.join("s.json"));
    for (input, link) in [("sub/d.txt", "out/sub"), ("x.txt", "out/x.epub")] {
        let failed = record(&summary, input);
        assert_eq!(failed["status"], "failed");
        let error = failed["error"].as_str().unwrap();
        assert!(
            error.contains(link) && error.contains("symbolic link"),
            "{input}: {error}"
        );
    }
    let outside: Vec<String> = tree(&elsewhere).into_keys().collect();
    assert_eq!(outside, ["unrelated"]);
    assert_eq!(
        std::fs::read(elsewhere.join("unrelated")).unwrap(),
        b"precious"
    );
    // The user may name a link as the output folder itself.
    symlink(dir.join("out"), dir.join("named")).unwrap();
    std::fs::remove_file(dir.join("out/x.epub")).unwrap();
    let out = offprint_in(
        &dir,
        &["convert", "in/x.txt", "--to", "epub", "--out", "named"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(std::fs::symlink_metadata(dir.join("out/x.epub"))
        .unwrap()
        .is_file());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_document_whose_last_file_cannot_be_put_in_place_leaves_none_of_its_files() {
    let dir = scratch("all-or-none");
    copy("fixtures/brief/brief.extracted.txt", &dir.join("d.txt"));
    // A folder where the DOCX goes: every file is made, the last cannot be renamed there.
    std::fs::create_dir_all(dir.join("out/d.docx")).unwrap();
    let out = offprint_in(
        &dir,
        &[
            "convert",
            "d.txt",
            "--to",
            "md,pdf,docx",
            "--edition",
            "combined",
            "--out",
            "out",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("d.docx"), "{}", stderr(&out));
    // Neither the files put in place before it nor any temporary file stays.
    let left: Vec<String> = tree(&dir.join("out")).into_keys().collect();
    assert!(
        left.iter().all(|name| name.starts_with("d.docx")),
        "left behind: {left:?}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn fail_fast_stops_at_the_first_failure() {
    let dir = scratch("fail-fast");
    copy(
        "fixtures/bad/random-after-header.pdf",
        &dir.join("in/a-corrupt.pdf"),
    );
    copy("fixtures/brief/brief.extracted.txt", &dir.join("in/b.txt"));
    copy("fixtures/brief/brief.extracted.txt", &dir.join("in/c.txt"));
    let out = offprint_in(
        &dir,
        &[
            "convert",
            "in",
            "--to",
            "txt",
            "--out",
            "out",
            "--jobs",
            "1",
            "--fail-fast",
            "--json",
            "s.json",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let summary = summary(&dir.join("s.json"));
    assert_eq!(record(&summary, "a-corrupt.pdf")["status"], "failed");
    assert_eq!(record(&summary, "b.txt")["status"], "not-run");
    assert_eq!(summary["totals"]["not_run"], 2);
    assert!(
        stderr(&out).contains("2 not run (--fail-fast)"),
        "{}",
        stderr(&out)
    );
    // Without it, the others convert.
    let out = offprint_in(
        &dir,
        &[
            "convert", "in", "--to", "txt", "--out", "out", "--jobs", "1",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(dir.join("out/c.en.txt").is_file());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn usage_errors_exit_2_before_anything_is_read() {
    let dir = scratch("usage");
    copy("fixtures/brief/brief.extracted.txt", &dir.join("in/a.txt"));
    for args in [
        &["--shard", "0/3"][..],
        &["--shard", "4/3"],
        &["--jobs", "0"],
        &["--meta", "colour=red"],
        &["--meta", "date=July"],
        &["--edition", "../x"],
        &["--config", "missing.toml"],
        &["--to", "pdf,odt"],
        &["--time-limit", "0"],
    ] {
        let mut all = vec!["convert", "in", "--out", "out"];
        all.extend_from_slice(args);
        let out = offprint_in(&dir, &all);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(!dir.join("out").exists(), "{args:?}");
    }
    std::fs::write(dir.join("a-file"), "").unwrap();
    let out = offprint_in(&dir, &["convert", "in", "--out", "a-file"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "offprint: error: a-file: --out is a file, not a folder (to write one edition to a file, use -o FILE)\n"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn settings_come_from_folder_sidecar_and_meta() {
    let dir = scratch("settings");
    copy(
        "fixtures/brief/brief.extracted.txt",
        &dir.join("in/sub/a.txt"),
    );
    copy(
        "fixtures/brief/brief.extracted.txt",
        &dir.join("in/sub/b.txt"),
    );
    std::fs::write(
        dir.join("in/offprint.toml"),
        "publisher = \"MERICS\"\nrights = \"CC BY 4.0\"\ntitle = \"Folder title\"\npaper = \"letter\"\n[region]\nen = \"en-GB\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("in/sub/offprint.toml"),
        "authors = [\"Ann\", \"Bo\"]\n",
    )
    .unwrap();
    std::fs::write(dir.join("in/sub/a.toml"), "title = \"Sidecar title\"\n").unwrap();
    let out = offprint_in(
        &dir,
        &[
            "convert",
            "in",
            "--to",
            "md,json,pdf,docx,epub",
            "--edition",
            "combined,en",
            "--out",
            "out",
            "--meta",
            "rights=All rights reserved",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let a = std::fs::read_to_string(dir.join("out/sub/a.md")).unwrap();
    assert!(
        a.starts_with("---\ntitle: \"Sidecar title\"\nauthor:\n  - \"Ann\"\n  - \"Bo\"\n"),
        "{a}"
    );
    assert!(
        a.contains("publisher: \"MERICS\"\nrights: \"All rights reserved\"\n"),
        "{a}"
    );
    assert!(a.contains("::: {lang=en-GB}"), "{a}");
    let b: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("out/sub/b.json")).unwrap()).unwrap();
    assert_eq!(b["version"], offprint::model::FORMAT_VERSION);
    assert_eq!(b["meta"]["title"], "Folder title");
    assert_eq!(b["meta"]["publisher"], "MERICS");
    assert_eq!(b["meta"]["languages"][0], "en-GB");
    let pdf = std::fs::read(dir.join("out/sub/b.en.pdf")).unwrap();
    let text = String::from_utf8_lossy(&pdf);
    assert!(text.contains("/Lang(en-GB)"));
    assert!(
        text.contains("/MediaBox[0 0 612 792]"),
        "letter paper from offprint.toml"
    );
    // The publisher and rights reach the EPUB's and DOCX's metadata, the
    // paper the DOCX's page size (twentieths of a point).
    let opf = zip_part(&dir.join("out/sub/b.epub"), "OEBPS/content.opf");
    assert!(opf.contains("<dc:publisher>MERICS</dc:publisher>"), "{opf}");
    assert!(
        opf.contains("<dc:rights>All rights reserved</dc:rights>"),
        "{opf}"
    );
    let app = zip_part(&dir.join("out/sub/b.docx"), "docProps/app.xml");
    assert!(app.contains("<Company>MERICS</Company>"), "{app}");
    let body = zip_part(&dir.join("out/sub/b.docx"), "word/document.xml");
    assert!(body.contains("w:w=\"12240\""), "letter paper in the DOCX");
    // --paper wins over the files; a broken sidecar fails its document only.
    std::fs::write(dir.join("in/sub/b.toml"), "colour = \"red\"\n").unwrap();
    let out = offprint_in(
        &dir,
        &[
            "convert",
            "in",
            "--to",
            "pdf",
            "--edition",
            "en",
            "--paper",
            "a4",
            "--out",
            "out2",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("b.toml: line 1: unknown field `colour`"),
        "{}",
        stderr(&out)
    );
    let pdf = std::fs::read(dir.join("out2/sub/a.en.pdf")).unwrap();
    assert!(String::from_utf8_lossy(&pdf).contains("/MediaBox[0 0 595"));
    // --config replaces the folders' files.
    std::fs::write(dir.join("config.toml"), "title = \"From --config\"\n").unwrap();
    std::fs::remove_file(dir.join("in/sub/b.toml")).unwrap();
    let out = offprint_in(
        &dir,
        &[
            "convert",
            "in/sub/b.txt",
            "--to",
            "json",
            "--edition",
            "combined",
            "--out",
            "out3",
            "--config",
            "config.toml",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let b: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("out3/b.json")).unwrap()).unwrap();
    assert_eq!(b["meta"]["title"], "From --config");
    assert!(b["meta"].get("publisher").is_none());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn quiet_and_verbose() {
    let dir = scratch("verbosity");
    copy("fixtures/brief/brief.extracted.txt", &dir.join("in/a.txt"));
    copy("fixtures/brief/brief.extracted.txt", &dir.join("in/b.txt"));
    let out = offprint_in(
        &dir,
        &["convert", "in", "--to", "txt", "--out", "out", "-q"],
    );
    assert!(out.status.success());
    assert_eq!(stderr(&out), "");
    let out = offprint_in(
        &dir,
        &["convert", "in", "--to", "txt", "--out", "out", "-v"],
    );
    let err = stderr(&out);
    assert!(err.contains("offprint: up to date in/a.txt"), "{err}");
    assert!(err.contains("out/a.zh.txt ("), "{err}");
    let out = offprint_in(
        &dir,
        &[
            "convert", "in/a.txt", "--to", "txt", "--out", "out", "--force",
        ],
    );
    assert_eq!(stderr(&out), "", "one file, no -v: nothing to say");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_missing_language_edition_is_a_warning_unless_strict_and_reports_go_to_their_folder() {
    let dir = scratch("editions-reports");
    copy(
        "fixtures/brief/brief.extracted.txt",
        &dir.join("in/brief.txt"),
    );
    std::fs::create_dir_all(dir.join("in/en")).unwrap();
    std::fs::write(
        dir.join("in/en/note.txt"),
        "A short note in English only.\n\nIt has two paragraphs of plain text.\n",
    )
    .unwrap();
    let convert = |extra: &[&str]| {
        let mut args = vec![
            "convert",
            "in",
            "--to",
            "txt",
            "--edition",
            "zh",
            "--out",
            "out",
            "--force",
        ];
        args.extend_from_slice(extra);
        offprint_in(&dir, &args)
    };
    let out = convert(&["--report", "reports"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("no zh edition"), "{err}");
    assert!(dir.join("out/brief.zh.txt").is_file());
    // The totals are in human units.
    assert!(
        err.contains(" KiB in ") || err.contains(" bytes in "),
        "{err}"
    );
    assert!(!err.contains("0 bytes in"), "{err}");
    for report in ["reports/brief.report.json", "reports/en/note.report.json"] {
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join(report)).unwrap()).unwrap();
        assert_eq!(json["format"], "offprint-report", "{report}");
    }
    let out = convert(&["--strict"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("en/note.txt"), "{}", stderr(&out));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A run stopped by SIGTERM (a job runner's timeout, or Ctrl-C's SIGINT)
/// exits with 128 + 15 and leaves no temporary file; what it had written
/// is whole.
#[cfg(unix)]
#[test]
fn a_stopped_run_leaves_no_temporary_file() {
    let dir = scratch("stopped");
    for k in 0..40 {
        copy(
            "fixtures/brief/brief.extracted.txt",
            &dir.join(format!("in/k{k:02}.txt")),
        );
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_offprint"))
        .args([
            "convert", "in", "--out", "out", "--to", "pdf,md", "-j", "1", "-q",
        ])
        .current_dir(&dir)
        .env("CI", "true")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("offprint runs");
    // Stop it once it has finished a document, long before it is done.
    let started = std::time::Instant::now();
    let journal = dir.join("out/.offprint-manifest.jsonl");
    while std::fs::metadata(&journal).map_or(true, |meta| meta.len() == 0) {
        assert!(
            started.elapsed().as_secs() < 120,
            "no output after 2 minutes"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(128 + 15), "{status:?}");
    let files = tree(&dir.join("out"));
    assert!(
        files.keys().all(|name| !name.ends_with(".tmp")),
        "{:?}",
        files.keys().collect::<Vec<_>>()
    );
    assert!(
        !files.contains_key("k39.pdf"),
        "the run was stopped before its end"
    );
    for (name, bytes) in &files {
        if name.ends_with(".pdf") {
            assert!(
                bytes.ends_with(b"%%EOF\n") || bytes.ends_with(b"%%EOF"),
                "{name}"
            );
        }
    }

    // The next run skips what the stopped one had finished (its journal),
    // converts the rest, and leaves a whole manifest and no journal.
    let journalled = String::from_utf8(files[".offprint-manifest.jsonl"].clone()).unwrap();
    let finished = journalled
        .lines()
        .filter(|line| serde_json::from_str::<serde_json::Value>(line).is_ok())
        .count();
    assert!(finished >= 1, "k00 was finished before the stop");
    let again = offprint_in(
        &dir,
        &[
            "convert", "in", "--out", "out", "--to", "pdf,md", "-j", "1", "--json", "-",
        ],
    );
    assert!(again.status.success(), "{}", stderr(&again));
    let summary: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(summary["totals"]["up_to_date"], finished);
    assert_eq!(summary["totals"]["converted"], 40 - finished);
    assert_eq!(record(&summary, "k00.txt")["status"], "up-to-date");
    let files = tree(&dir.join("out"));
    assert!(files.contains_key(".offprint-manifest.json"));
    assert!(!files.contains_key(".offprint-manifest.jsonl"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A write past the file-size limit (`ulimit -f`, SIGXFSZ) fails like a full
/// disk: the document's error names the file, no temporary file stays, and
/// the process is not killed by the signal.
#[cfg(unix)]
#[test]
fn a_file_size_limit_fails_the_write_and_leaves_no_temporary_file() {
    let dir = scratch("file-size-limit");
    copy("fixtures/brief/brief.extracted.txt", &dir.join("in/a.txt"));
    let out = Command::new("sh")
        .arg("-c")
        // 40 blocks of 512 bytes: the Markdown fits, the PDF does not.
        .arg("ulimit -f 40 && exec \"$0\" convert in --out out --to md,pdf")
        .arg(env!("CARGO_BIN_EXE_offprint"))
        .current_dir(&dir)
        .env("CI", "true")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stderr(&out);
    assert!(
        text.contains("out/a.pdf") && text.contains("file-size limit"),
        "{text}"
    );
    let files: Vec<String> = tree(&dir.join("out"))
        .into_keys()
        .filter(|name| !name.starts_with(".offprint-manifest"))
        .collect();
    assert!(files.is_empty(), "no partial output: {files:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}
