//! `cargo xtask dist`: the release archive,
//! `target/dist/offprint-<version>-<arch>-<os>.tar.gz`, made the same byte
//! for byte every run (names sorted, owner root, every file dated
//! `SOURCE_DATE_EPOCH` or 2000-01-01):
//!
//! - `bin/offprint`, built with `cargo build --release` (its fonts compiled in);
//! - `share/bash-completion/completions/offprint`,
//!   `share/zsh/site-functions/_offprint`,
//!   `share/fish/vendor_completions.d/offprint.fish`: from `offprint completions`;
//! - `share/man/man1/offprint.1` and a page per command: from `offprint man`;
//! - `share/doc/offprint/`: the README, offprint's licences and the fonts'
//!   (`fonts/README.md` and its `LICENSE-*.txt`).
//!
//! The completions and pages come from the binary itself, the way a user
//! gets them.

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn run(mut args: impl Iterator<Item = String>) -> Result<(), String> {
    let root = workspace();
    let mut out = root.join("target/dist");
    let mut binary = None;
    let mut compression = Compression::Best;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--fast" => compression = Compression::Fast,
            "--out" => out = PathBuf::from(args.next().ok_or("--out needs a folder")?),
            "--binary" => binary = Some(PathBuf::from(args.next().ok_or("--binary needs a file")?)),
            other => {
                return Err(format!(
                    "dist: unknown argument {other:?} (--out DIR, --binary FILE, --fast)"
                ))
            }
        }
    }
    let binary = match binary {
        Some(binary) => binary,
        None => {
            let status = Command::new(env!("CARGO"))
                .args(["build", "--release", "--locked", "-p", "offprint"])
                .current_dir(&root)
                .status()
                .map_err(|e| format!("cargo build: {e}"))?;
            if !status.success() {
                return Err("cargo build --release failed".into());
            }
            root.join("target/release/offprint")
        }
    };
    let archive = write_archive(&binary, &out, compression)?;
    let size = std::fs::metadata(&archive).map(|m| m.len()).unwrap_or(0);
    println!(
        "dist: {} ({:.1} MiB)",
        archive.display(),
        size as f64 / 1048576.0
    );
    Ok(())
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is in the workspace")
        .to_path_buf()
}

/// `offprint ARGS` of the binary being packaged: its standard output.
fn output_of(binary: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new(binary)
        .args(args)
        .output()
        .map_err(|e| format!("{}: {e}", binary.display()))?;
    if !out.status.success() {
        return Err(format!(
            "offprint {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(out.stdout)
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    let bytes = std::fs::read(from).map_err(|e| format!("{}: {e}", from.display()))?;
    write(to, &bytes)
}

/// How hard gzip works: a release is packed once; `--fast` (and the test,
/// whose debug binary is 250 MB) packs quickly.
#[derive(Clone, Copy)]
pub enum Compression {
    Best,
    Fast,
}

/// Lays out the archive's tree in `out/<name>/` and packs it; returns the archive.
pub fn write_archive(
    binary: &Path,
    out: &Path,
    compression: Compression,
) -> Result<PathBuf, String> {
    let root = workspace();
    let name = format!(
        "offprint-{}-{}-{}",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::ARCH,
        std::env::consts::OS
    );
    let tree = out.join(&name);
    let _ = std::fs::remove_dir_all(&tree);
    copy(binary, &tree.join("bin/offprint"))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            tree.join("bin/offprint"),
            std::fs::Permissions::from_mode(0o755),
        )
        .map_err(|e| format!("bin/offprint: {e}"))?;
    }
    for (shell, place) in [
        ("bash", "share/bash-completion/completions/offprint"),
        ("zsh", "share/zsh/site-functions/_offprint"),
        ("fish", "share/fish/vendor_completions.d/offprint.fish"),
    ] {
        write(
            &tree.join(place),
            &output_of(binary, &["completions", shell])?,
        )?;
    }
    let man = tree.join("share/man/man1");
    write(&man.join("offprint.1"), &output_of(binary, &["man"])?)?;
    for command in offprint::cli::command_names() {
        write(
            &man.join(format!("offprint-{command}.1")),
            &output_of(binary, &["man", &command])?,
        )?;
    }
    let doc = tree.join("share/doc/offprint");
    for file in ["README.md", "LICENSE-MIT", "LICENSE-APACHE"] {
        copy(&root.join(file), &doc.join(file))?;
    }
    let fonts = std::fs::read_dir(root.join("fonts")).map_err(|e| format!("fonts/: {e}"))?;
    for entry in fonts.filter_map(Result::ok) {
        let file = entry.file_name().to_string_lossy().into_owned();
        if file.starts_with("LICENSE") || file == "README.md" {
            copy(&entry.path(), &doc.join("fonts").join(&file))?;
        }
    }
    let archive = out.join(format!("{name}.tar.gz"));
    let date = std::env::var("SOURCE_DATE_EPOCH").unwrap_or_else(|_| "946684800".into());
    let status = Command::new("tar")
        .args([
            "--sort=name",
            "--owner=0",
            "--group=0",
            "--numeric-owner",
            "--mode=u+rwX,go+rX,go-w",
            &format!("--mtime=@{date}"),
            "-cf",
        ])
        .arg(out.join(format!("{name}.tar")))
        .arg("-C")
        .arg(out)
        .arg(&name)
        .status()
        .map_err(|e| format!("tar: {e} (GNU tar is needed)"))?;
    if !status.success() {
        return Err("tar failed".into());
    }
    // gzip -n: no name or time stamp in the header.
    let status = Command::new("gzip")
        .args(["-n", "-f"])
        .arg(match compression {
            Compression::Best => "-9",
            Compression::Fast => "-1",
        })
        .arg(out.join(format!("{name}.tar")))
        .status()
        .map_err(|e| format!("gzip: {e}"))?;
    if !status.success() {
        return Err("gzip failed".into());
    }
    Ok(archive)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_archive_holds_the_binary_completions_man_pages_and_licences() {
        let root = workspace();
        let binary = root.join("target/debug/offprint");
        if !binary.is_file() {
            let status = Command::new(env!("CARGO"))
                .args(["build", "-p", "offprint"])
                .current_dir(&root)
                .status()
                .unwrap();
            assert!(status.success());
        }
        let out = std::env::temp_dir().join(format!("offprint-dist-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&out);
        let archive = write_archive(&binary, &out, Compression::Fast).unwrap();
        let again = std::fs::read(&archive).unwrap();
        let listing = Command::new("tar")
            .arg("-tzf")
            .arg(&archive)
            .output()
            .unwrap();
        let listing = String::from_utf8(listing.stdout).unwrap();
        for expected in [
            "/bin/offprint",
            "/share/bash-completion/completions/offprint",
            "/share/zsh/site-functions/_offprint",
            "/share/fish/vendor_completions.d/offprint.fish",
            "/share/man/man1/offprint.1",
            "/share/man/man1/offprint-convert.1",
            "/share/man/man1/offprint-clean.1",
            "/share/doc/offprint/LICENSE-MIT",
            "/share/doc/offprint/LICENSE-APACHE",
            "/share/doc/offprint/fonts/LICENSE-NotoSerifSC.txt",
        ] {
            assert!(
                listing.lines().any(|l| l.ends_with(expected)),
                "{expected}: {listing}"
            );
        }
        assert!(
            !listing.contains("NotoSerif-Regular.ttf"),
            "the fonts are in the binary"
        );
        let page = std::fs::read_to_string(
            out.join(
                archive
                    .file_name()
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .trim_end_matches(".tar.gz"),
            )
            .join("share/man/man1/offprint-convert.1"),
        )
        .unwrap();
        assert!(page.contains("fail\\-fast"), "{page}");
        // The same archive, byte for byte, a second time.
        let archive = write_archive(&binary, &out, Compression::Fast).unwrap();
        assert!(std::fs::read(&archive).unwrap() == again);
        std::fs::remove_dir_all(&out).unwrap();
    }
}
