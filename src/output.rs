//! Writing results: whole files or nothing, and never over an input.

use crate::error::Error;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Temporary files being written: removed by [`abandon`] if the process is
/// stopped, so an interrupted run leaves nothing half-made behind.
static IN_PROGRESS: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());

fn in_progress() -> std::sync::MutexGuard<'static, BTreeSet<PathBuf>> {
    IN_PROGRESS.lock().unwrap_or_else(|e| e.into_inner())
}

/// Stops the process with `code`, first removing the temporary files being
/// written (outputs already in place are whole and stay). Holding the lock
/// until exit keeps any other thread from starting a new one.
pub fn abandon(code: i32) -> ! {
    let pending = in_progress();
    for temp in pending.iter() {
        let _ = std::fs::remove_file(temp);
    }
    std::process::exit(code)
}

/// Writes `bytes` to `path` through a temporary file in the same folder
/// and a rename, so a reader never sees a partial file and a failure
/// leaves none behind. Missing folders are created.
///
/// A symbolic link is followed (the link stays, its target gets the new
/// contents). A device, pipe or socket such as `/dev/null` or `/dev/stdout`
/// is written in place: a rename would put a regular file in its stead.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let shown = path.display().to_string();
    let resolved = existing_target(path);
    let path = resolved.as_deref().unwrap_or(path);
    if std::fs::metadata(path).is_ok_and(|meta| !meta.is_file() && !meta.is_dir()) {
        return std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .and_then(|mut special| special.write_all(bytes))
            .map_err(|e| Error::io(&shown, &e));
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| Error::new(&shown, "not a file name"))?;
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(dir.display().to_string(), &e))?;
    let temp = dir.join(format!(
        ".{}.offprint-{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    // Made under the lock, so that `abandon` sees every temporary file that exists.
    let created = {
        let mut pending = in_progress();
        pending.insert(temp.clone());
        std::fs::File::create(&temp)
    };
    let result = created
        .and_then(|mut file| {
            file.write_all(bytes)?;
            file.sync_all()
        })
        .and_then(|()| std::fs::rename(&temp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    in_progress().remove(&temp);
    result.map_err(|e| Error::io(&shown, &e))
}

/// The file a symbolic link at `path` leads to, when it leads to one.
fn existing_target(path: &Path) -> Option<PathBuf> {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|meta| meta.file_type().is_symlink());
    is_link.then(|| std::fs::canonicalize(path).ok()).flatten()
}

/// Refuses an output path that is one of the inputs.
pub fn ensure_not_input(output: &Path, inputs: &[&Path]) -> Result<(), Error> {
    let canonical = |p: &Path| std::fs::canonicalize(p).ok();
    let Some(out) = canonical(output) else {
        return Ok(()); // does not exist yet, so it is no input
    };
    if inputs
        .iter()
        .any(|input| canonical(input).as_ref() == Some(&out))
    {
        return Err(Error::new(
            output.display().to_string(),
            "is also an input; choose another output file",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_whole_file_and_leaves_no_temp() {
        let dir = std::env::temp_dir().join(format!("offprint-out-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.md");
        write_atomic(&path, b"hello").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"hello");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        assert!(ensure_not_input(&path, &[&path]).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_link_is_followed_and_a_pipe_written_in_place() {
        use std::os::unix::fs::FileTypeExt;
        let dir = std::env::temp_dir().join(format!("offprint-special-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();

        let target = dir.join("target.md");
        std::fs::write(&target, b"old").unwrap();
        let link = dir.join("link.md");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read(&target).unwrap(), b"new");

        let fifo = dir.join("pipe");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(fifo).unwrap())
        };
        write_atomic(&fifo, b"through the pipe").unwrap();
        // Checked before joining: a replaced pipe would leave the reader waiting.
        let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
        assert!(kind.is_fifo(), "the pipe was replaced by {kind:?}");
        assert_eq!(reader.join().unwrap(), b"through the pipe");
        assert!(
            std::fs::read_dir(&dir).unwrap().all(|entry| !entry
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".tmp")),
            "a temporary file was left behind"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn failure_names_the_file() {
        // A regular file cannot hold a folder, even for root.
        let blocker = std::env::temp_dir().join(format!("offprint-blocker-{}", std::process::id()));
        std::fs::write(&blocker, b"").unwrap();
        let target = blocker.join("x.md");
        let err = write_atomic(&target, b"x").unwrap_err();
        assert_eq!(err.file, blocker.display().to_string());
        std::fs::remove_file(&blocker).unwrap();
    }
}
