//! What the integration tests share: running offprint, fresh folders, and
//! reading the outputs back. Each test crate uses part of it.
#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The crate's root, where the fixtures are.
pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The brief as pdf-extract gave it.
pub const BRIEF: &str = "fixtures/brief/brief.extracted.txt";

/// `offprint ARGS` as a batch job runs it: from the crate root, no standard
/// input, no `SOURCE_DATE_EPOCH` from the caller.
pub fn command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_offprint"));
    command
        .args(args)
        .current_dir(ROOT)
        .env_remove("SOURCE_DATE_EPOCH")
        .stdin(Stdio::null());
    command
}

/// Runs [`command`] to its end.
pub fn offprint(args: &[&str]) -> Output {
    command(args).output().expect("offprint runs")
}

/// `offprint convert BRIEF --out DIR ARGS`, which must succeed.
pub fn convert_brief(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["convert", BRIEF, "--out", dir.to_str().unwrap()];
    all.extend_from_slice(args);
    let out = offprint(&all);
    assert!(out.status.success(), "{}", stderr(&out));
    out
}

/// What offprint printed on standard error.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A fresh, empty folder of this test process, `group` naming the test crate.
pub fn scratch(group: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("offprint-{group}-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The files of a folder, without the hidden ones (a batch's manifest).
pub fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|name| !name.starts_with('.'))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// The parts of a zip package (DOCX, EPUB), in order.
pub fn zip_parts(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|k| {
            let mut file = archive.by_index(k).unwrap();
            let mut data = Vec::new();
            file.read_to_end(&mut data).unwrap();
            (file.name().to_string(), data)
        })
        .collect()
}

/// The text of one part of a zip package.
pub fn zip_part(bytes: &[u8], name: &str) -> String {
    let found = zip_parts(bytes).into_iter().find(|(n, _)| n == name);
    String::from_utf8(
        found
            .unwrap_or_else(|| panic!("no {name} in the package"))
            .1,
    )
    .unwrap()
}

/// The text of one part of the zip package at `path`.
pub fn zip_file_part(path: &Path, name: &str) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    zip_part(&bytes, name)
}
