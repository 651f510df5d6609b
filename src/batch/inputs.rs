//! Finding the inputs of a batch: files, folders (searched recursively) and
//! glob patterns (expanded here, so that quoting works the same on every
//! shell), each placed relative to the common folder of the arguments (or,
//! when they have none but `/`, to its own argument's folder).

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

/// One input file of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// The path to read, as reached from the argument (`-` for standard input).
    pub path: PathBuf,
    /// Its absolute path, with `.` and `..` taken out (no symbolic link resolved).
    pub absolute: PathBuf,
    /// Its path relative to the common folder of the inputs (to its own
    /// argument's folder when they share none but `/`), `/` between folders:
    /// where its outputs go under `--out`, what the manifest knows it by and
    /// what `--shard` hashes.
    pub relative: String,
}

/// An argument that named nothing to convert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    pub argument: String,
    pub reason: String,
}

/// The inputs found for a list of arguments.
#[derive(Debug, Clone, Default)]
pub struct Found {
    /// Sorted by relative path, each once.
    pub files: Vec<InputFile>,
    pub missing: Vec<Missing>,
    /// The common root of the arguments (absolute).
    pub root: PathBuf,
}

/// Whether a folder's file is an input: a PDF, extracted text, or Markdown
/// that offprint wrote (recognised by its front matter or language divs).
fn is_input_in_folder(path: &Path) -> bool {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("pdf" | "txt") => true,
        Some("md") => std::fs::read(path).is_ok_and(|bytes| {
            std::str::from_utf8(&bytes).is_ok_and(crate::input::markdown::looks_like_markdown)
        }),
        _ => false,
    }
}

fn has_glob_characters(text: &str) -> bool {
    text.contains(['*', '?', '['])
}

/// `path` made absolute against `cwd`, with `.` and `..` resolved in the text.
pub fn absolute(cwd: &Path, path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    let mut out = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The folder a glob pattern starts in: its components before the first
/// one with a wildcard.
fn glob_base(pattern: &str) -> PathBuf {
    let mut base = PathBuf::new();
    for component in Path::new(pattern).components() {
        if has_glob_characters(&component.as_os_str().to_string_lossy()) {
            break;
        }
        base.push(component);
    }
    base
}

/// The deepest folder that holds all of `paths`.
fn common_ancestor(paths: &[PathBuf]) -> Option<PathBuf> {
    let mut iter = paths.iter();
    let mut common: Vec<Component> = iter.next()?.components().collect();
    for path in iter {
        let shared = common
            .iter()
            .zip(path.components())
            .take_while(|(a, b)| **a == *b)
            .count();
        common.truncate(shared);
    }
    Some(common.iter().collect())
}

/// What a search leaves out: earlier outputs.
#[derive(Debug, Clone, Default)]
pub struct Exclude {
    /// The output folder (canonical): not searched when it is inside the
    /// folder searched (a folder argument, or a pattern's folder).
    pub out: Option<PathBuf>,
    /// Files the output folder's manifests list as outputs (canonical):
    /// never inputs when found in a folder or by a pattern.
    pub outputs: BTreeSet<PathBuf>,
}

impl Exclude {
    /// Whether `base`, a folder searched, holds the output folder inside it.
    fn out_inside(&self, base: &Path) -> Option<&Path> {
        let base = std::fs::canonicalize(base).ok()?;
        let out = self.out.as_deref()?;
        (out != base && out.starts_with(&base)).then_some(out)
    }

    fn is_output(&self, file: &Path) -> bool {
        !self.outputs.is_empty()
            && std::fs::canonicalize(file).is_ok_and(|c| self.outputs.contains(&c))
    }
}

/// Finds the inputs that `arguments` name, leaving out earlier outputs
/// (see [`Exclude`]; a file named as an argument is always an input).
/// Standard input (`-`) is kept as it is.
pub fn find(arguments: &[String], exclude: &Exclude) -> Found {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
    let mut roots: Vec<PathBuf> = Vec::new();
    let mut files: Vec<PathBuf> = Vec::new();
    // The folder of the argument each file was found through, file by file.
    let mut origins: Vec<PathBuf> = Vec::new();
    let mut missing = Vec::new();
    let mut stdin = false;
    for argument in arguments {
        if let Some(origin) = roots.last() {
            origins.resize(files.len(), origin.clone());
        }
        if argument == "-" {
            stdin = true;
            continue;
        }
        let path = Path::new(argument);
        if std::fs::metadata(path).is_ok() {
            if path.is_dir() {
                roots.push(absolute(&cwd, path));
                let skip = exclude.out_inside(path);
                walk(path, skip, exclude, &mut files, &mut BTreeSet::new());
            } else {
                roots.push(absolute(&cwd, path.parent().unwrap_or(Path::new(""))));
                files.push(path.to_path_buf());
            }
            continue;
        }
        if !has_glob_characters(argument) {
            let reason = match std::fs::symlink_metadata(path) {
                Ok(_) => "a broken symbolic link".to_string(),
                Err(e) => crate::Error::io(argument, &e).reason,
            };
            missing.push(Missing {
                argument: argument.clone(),
                reason,
            });
            continue;
        }
        let options = glob::MatchOptions {
            case_sensitive: true,
            require_literal_separator: true,
            require_literal_leading_dot: true,
        };
        let matches = match glob::glob_with(argument, options) {
            Ok(paths) => paths,
            Err(e) => {
                missing.push(Missing {
                    argument: argument.clone(),
                    reason: format!("not a valid pattern ({e})"),
                });
                continue;
            }
        };
        let base = glob_base(argument);
        roots.push(absolute(&cwd, &base));
        let skip = exclude.out_inside(if base.as_os_str().is_empty() {
            Path::new(".")
        } else {
            &base
        });
        let before = files.len();
        for found in matches.filter_map(Result::ok) {
            let inside_out = skip
                .is_some_and(|out| std::fs::canonicalize(&found).is_ok_and(|c| c.starts_with(out)));
            if inside_out {
                continue;
            }
            if found.is_dir() {
                walk(&found, skip, exclude, &mut files, &mut BTreeSet::new());
            } else if found.is_file() && !exclude.is_output(&found) {
                files.push(found);
            }
        }
        if files.len() == before {
            missing.push(Missing {
                argument: argument.clone(),
                reason: "no file matches this pattern".into(),
            });
        }
    }
    if let Some(origin) = roots.last() {
        origins.resize(files.len(), origin.clone());
    }
    let root = common_ancestor(&roots).unwrap_or_else(|| cwd.clone());
    // Inputs with no folder in common (`/srv/a/x.pdf`, `/home/b/y.pdf`) are
    // each placed from its own argument's folder, not mirrored from `/`.
    let shared = root.components().any(|c| matches!(c, Component::Normal(_)));
    let mut seen = BTreeSet::new();
    let mut found: Vec<InputFile> = Vec::new();
    for (path, origin) in files.into_iter().zip(origins) {
        let absolute = absolute(&cwd, &path);
        if !seen.insert(absolute.clone()) {
            continue;
        }
        let base = if shared { &root } else { &origin };
        let relative = absolute
            .strip_prefix(base)
            .unwrap_or(&absolute)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        found.push(InputFile {
            path,
            absolute,
            relative,
        });
    }
    if stdin {
        found.push(InputFile {
            path: PathBuf::from("-"),
            absolute: root.join("stdin"),
            relative: "stdin".into(),
        });
    }
    found.sort_by(|a, b| a.relative.cmp(&b.relative));
    Found {
        files: found,
        missing,
        root,
    }
}

/// The inputs in `dir` and its subfolders, in name order; hidden entries
/// (names starting with `.`), the folder `skip` and the outputs `exclude`
/// lists are left out, and a symbolic link back to a folder being searched
/// is not followed.
fn walk(
    dir: &Path,
    skip: Option<&Path>,
    exclude: &Exclude,
    files: &mut Vec<PathBuf>,
    on_path: &mut BTreeSet<PathBuf>,
) {
    let Ok(canonical) = std::fs::canonicalize(dir) else {
        return;
    };
    if skip.is_some_and(|s| canonical.starts_with(s)) || !on_path.insert(canonical.clone()) {
        return;
    }
    let mut entries: Vec<(String, PathBuf)> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
                .filter(|(name, _)| !name.starts_with('.'))
                .collect()
        })
        .unwrap_or_default();
    entries.sort();
    for (_, path) in entries {
        if path.is_dir() {
            walk(&path, skip, exclude, files, on_path);
        } else if path.is_file() && is_input_in_folder(&path) && !exclude.is_output(&path) {
            files.push(path);
        }
    }
    on_path.remove(&canonical);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_made_absolute_in_the_text() {
        let cwd = Path::new("/work/x");
        assert_eq!(
            absolute(cwd, Path::new("./a/../b/c.pdf")),
            Path::new("/work/x/b/c.pdf")
        );
        assert_eq!(absolute(cwd, Path::new("/abs/./d")), Path::new("/abs/d"));
        assert_eq!(glob_base("docs/**/*.pdf"), Path::new("docs"));
        assert_eq!(glob_base("*.pdf"), Path::new(""));
        assert_eq!(
            common_ancestor(&[
                PathBuf::from("/a/b/c"),
                PathBuf::from("/a/b/d/e"),
                PathBuf::from("/a/b")
            ]),
            Some(PathBuf::from("/a/b"))
        );
    }
}
