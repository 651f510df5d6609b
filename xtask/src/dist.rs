//! `cargo xtask dist`: what a package of offprint ships besides the binary,
//! made from its own command-line definition: shell completions
//! (`clap_complete`) and man pages (`clap_mangen`), in `target/dist/`.
//!
//! - `target/dist/completions/`: `offprint.bash`, `_offprint` (zsh),
//!   `offprint.fish`, `offprint.elv`, `_offprint.ps1` (PowerShell);
//! - `target/dist/man/`: `offprint.1` and one page per command,
//!   `offprint-convert.1`, ….

use clap::CommandFactory;
use clap_complete::Shell;
use std::path::{Path, PathBuf};

pub fn run(mut args: impl Iterator<Item = String>) -> Result<(), String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is in the workspace")
        .to_path_buf();
    let mut out = root.join("target/dist");
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => out = PathBuf::from(args.next().ok_or("--out needs a folder")?),
            other => return Err(format!("dist: unknown argument {other:?} (--out DIR)")),
        }
    }
    let files = write_dist(&out)?;
    for file in &files {
        println!("{}", file.display());
    }
    println!("dist: {} files in {}", files.len(), out.display());
    Ok(())
}

/// Writes the completions and man pages into `out`; returns the files.
pub fn write_dist(out: &Path) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    let completions = out.join("completions");
    std::fs::create_dir_all(&completions).map_err(|e| format!("{}: {e}", completions.display()))?;
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::Elvish,
        Shell::PowerShell,
    ] {
        let mut command = offprint::cli::Cli::command();
        let path = clap_complete::generate_to(shell, &mut command, "offprint", &completions)
            .map_err(|e| format!("{shell} completions: {e}"))?;
        files.push(path);
    }
    let man = out.join("man");
    std::fs::create_dir_all(&man).map_err(|e| format!("{}: {e}", man.display()))?;
    let mut command = offprint::cli::Cli::command();
    command.build();
    files.push(man_page(&command, "offprint", &man)?);
    for sub in command.get_subcommands() {
        if sub.get_name() == "help" {
            continue;
        }
        // clap takes only static names without its `string` feature; a
        // build task may leak a few bytes.
        let name: &'static str = Box::leak(format!("offprint-{}", sub.get_name()).into_boxed_str());
        let bin: &'static str = Box::leak(format!("offprint {}", sub.get_name()).into_boxed_str());
        let sub = sub.clone().name(name).bin_name(bin);
        files.push(man_page(&sub, name, &man)?);
    }
    Ok(files)
}

fn man_page(command: &clap::Command, name: &str, dir: &Path) -> Result<PathBuf, String> {
    let mut page = Vec::new();
    clap_mangen::Man::new(command.clone())
        .render(&mut page)
        .map_err(|e| format!("man page {name}: {e}"))?;
    let path = dir.join(format!("{name}.1"));
    std::fs::write(&path, page).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completions_and_man_pages_are_written() {
        let out = std::env::temp_dir().join(format!("offprint-dist-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&out);
        let files = write_dist(&out).unwrap();
        let names: Vec<String> = files
            .iter()
            .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        for expected in [
            "offprint.bash",
            "_offprint",
            "offprint.fish",
            "offprint.1",
            "offprint-convert.1",
            "offprint-clean.1",
        ] {
            assert!(names.iter().any(|n| n == expected), "{expected}: {names:?}");
        }
        let bash = std::fs::read_to_string(out.join("completions/offprint.bash")).unwrap();
        assert!(bash.contains("--shard"));
        let page = std::fs::read_to_string(out.join("man/offprint-convert.1")).unwrap();
        assert!(page.contains("fail\\-fast"), "{page}");
        std::fs::remove_dir_all(&out).unwrap();
    }
}
