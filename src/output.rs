//! Writing results: whole files or nothing, and never over an input.

mod folder;

use crate::error::Error;
use folder::Folder;
use std::collections::BTreeSet;
use std::ffi::OsString;
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
    abandon_holding(&in_progress(), code)
}

/// [`abandon`] from inside the allocator: the stopping thread may be the one
/// holding the list (it allocates while it makes a temporary file), so the
/// list is only tried, a few times, before the process ends anyway.
pub(crate) fn abandon_without_waiting(code: i32) -> ! {
    for _ in 0..100 {
        match IN_PROGRESS.try_lock() {
            Ok(pending) => abandon_holding(&pending, code),
            Err(std::sync::TryLockError::Poisoned(poisoned)) => {
                abandon_holding(&poisoned.into_inner(), code)
            }
            Err(std::sync::TryLockError::WouldBlock) => std::thread::yield_now(),
        }
    }
    std::process::exit(code)
}

fn abandon_holding(pending: &BTreeSet<PathBuf>, code: i32) -> ! {
    for temp in pending {
        let _ = std::fs::remove_file(temp);
    }
    std::process::exit(code)
}

/// Writes `bytes` to `path` through a temporary file in the same folder
/// and a rename, so a reader never sees a partial file and a failure
/// leaves none behind. Missing folders are created.
///
/// For a file the user named: a symbolic link is followed (the link stays,
/// its target gets the new contents). A device, pipe or socket such as
/// `/dev/null` or `/dev/stdout` is written in place: a rename would put a
/// regular file in its stead. Outputs offprint names itself inside an output
/// folder go through [`write_within`] instead.
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
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(dir.display().to_string(), &e))?;
    // A temporary file beside it, created exclusively (never through a link,
    // never over another file), renamed over `path` once whole.
    Staged::new(path, bytes)
        .and_then(Staged::commit)
        .map_err(|e| Error::io(&shown, &e))
}

/// Writes `bytes` to `path`, a file inside the output folder `root`, as
/// [`write_atomic`] does, but never outside `root`: a symbolic link on the
/// way (a folder, or the file itself) that leads out of it is refused with
/// an error naming the link. `root` itself may be a link: the user named it.
pub fn write_within(root: &Path, path: &Path, bytes: &[u8]) -> Result<(), Error> {
    stage_confined(&confine(root, path)?, path, bytes)?
        .commit()
        .map_err(|e| Error::io(path.display().to_string(), &e))
}

/// Writes `bytes` beside `target`, a path [`confine`] has resolved, to be put
/// in place later ([`Staged::commit`]); its folders are made.
/// The folders are opened one by one from `/` without following a link, so a
/// folder swapped for a link since it was resolved is refused, not written through.
pub fn stage_confined(target: &Path, shown: &Path, bytes: &[u8]) -> Result<Staged, Error> {
    let dir = target.parent().unwrap_or(Path::new("/"));
    let folder =
        Folder::open_without_links(dir).map_err(|e| Error::io(dir.display().to_string(), &e))?;
    Staged::in_folder(folder, target, bytes).map_err(|e| Error::io(shown.display().to_string(), &e))
}

/// Where `path`, under the output folder `root`, really is: its folders and
/// the file itself with every symbolic link resolved, each checked to stay
/// inside `root`. Folders that do not exist yet are fine: offprint makes them.
pub fn confine(root: &Path, path: &Path) -> Result<PathBuf, Error> {
    let relative = path.strip_prefix(root).map_err(|_| {
        Error::new(
            path.display().to_string(),
            format!("is not inside the output folder {}", root.display()),
        )
    })?;
    std::fs::create_dir_all(root).map_err(|e| Error::io(root.display().to_string(), &e))?;
    let real_root =
        std::fs::canonicalize(root).map_err(|e| Error::io(root.display().to_string(), &e))?;
    let mut real = real_root.clone();
    let mut named = root.to_path_buf();
    for component in relative.components() {
        let std::path::Component::Normal(part) = component else {
            return Err(Error::new(
                path.display().to_string(),
                "has a `..` or root component: offprint writes only inside its output folder",
            ));
        };
        named.push(part);
        real.push(part);
        let is_link = std::fs::symlink_metadata(&real).is_ok_and(|m| m.file_type().is_symlink());
        if !is_link {
            continue;
        }
        let leads_to = std::fs::canonicalize(&real)
            .or_else(|_| std::fs::read_link(&real))
            .unwrap_or_default();
        if !leads_to.starts_with(&real_root) {
            return Err(Error::new(
                named.display().to_string(),
                format!(
                    "is a symbolic link to {}, outside the output folder {}; \
                     offprint writes only inside it (remove the link or choose another --out)",
                    leads_to.display(),
                    root.display()
                ),
            ));
        }
        real = leads_to;
    }
    Ok(real)
}

/// An output written whole to a temporary file beside its target, and put in
/// place by [`Staged::commit`]: the outputs of one document can all be made
/// (and let go of) before any appears, and if one fails the rest never do. A
/// staged file dropped uncommitted is removed; until then `abandon` knows it.
/// The folder stays open throughout, so every step happens in it.
#[derive(Debug)]
pub struct Staged {
    folder: Folder,
    temp_name: OsString,
    target_name: OsString,
    /// The temporary file's path, for `abandon`.
    temp: PathBuf,
    /// Renamed into place: the temporary name may already be another's.
    placed: bool,
}

impl Staged {
    /// Writes `bytes` beside `target` (whose folder must exist; a link to it is
    /// followed: the user named it).
    pub fn new(target: &Path, bytes: &[u8]) -> std::io::Result<Staged> {
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        Staged::in_folder(Folder::open(dir)?, target, bytes)
    }

    fn in_folder(folder: Folder, target: &Path, bytes: &[u8]) -> std::io::Result<Staged> {
        let name = target
            .file_name()
            .ok_or_else(|| std::io::Error::other("not a file name"))?;
        // Made under the lock, so that `abandon` sees every temporary file that exists.
        let (temp_name, mut file) = {
            let mut pending = in_progress();
            let (temp_name, created) = create_temporary(&folder, &name.to_string_lossy())?;
            pending.insert(folder.path().join(&temp_name));
            (temp_name, created)
        };
        let staged = Staged {
            temp: folder.path().join(&temp_name),
            folder,
            temp_name,
            target_name: name.to_os_string(),
            placed: false,
        };
        file.write_all(bytes).and_then(|()| file.sync_all())?;
        Ok(staged)
    }

    /// Renames the temporary file over the target.
    pub fn commit(mut self) -> std::io::Result<()> {
        self.folder.rename(&self.temp_name, &self.target_name)?;
        self.placed = true;
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.placed {
            let _ = self.folder.remove(&self.temp_name);
        }
        in_progress().remove(&self.temp);
    }
}

/// A new temporary file in `folder` for an output named `name`, opened with
/// `O_EXCL` (and never through a link). A file of that name left by a process
/// that was killed (a container's offprint has the same process id every run)
/// is passed over.
fn create_temporary(folder: &Folder, name: &str) -> std::io::Result<(OsString, std::fs::File)> {
    let pid = std::process::id();
    let mut last = None;
    for attempt in 0..64 {
        let temp = OsString::from(format!(".{name}.offprint-{pid}-{attempt}.tmp"));
        match folder.create_new(&temp) {
            Ok(file) => return Ok((temp, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no temporary file name left")))
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

    #[cfg(unix)]
    #[test]
    fn links_out_of_the_output_folder_are_refused_and_named() {
        use std::os::unix::fs::symlink;
        let base = std::env::temp_dir().join(format!("offprint-confine-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        let (out, elsewhere) = (base.join("out"), base.join("elsewhere"));
        std::fs::create_dir_all(&out).unwrap();
        std::fs::create_dir_all(&elsewhere).unwrap();
        let victim = elsewhere.join("victim.txt");
        std::fs::write(&victim, b"precious").unwrap();

        // A folder link and a file link, both leading out.
        symlink(&elsewhere, out.join("sub")).unwrap();
        symlink(&victim, out.join("x.epub")).unwrap();
        let err = write_within(&out, &out.join("sub/d.md"), b"x").unwrap_err();
        assert_eq!(err.file, out.join("sub").display().to_string());
        assert!(err.reason.contains("symbolic link"), "{}", err.reason);
        let err = write_within(&out, &out.join("x.epub"), b"x").unwrap_err();
        assert_eq!(err.file, out.join("x.epub").display().to_string());
        assert!(!elsewhere.join("d.md").exists());
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious");

        // A link that stays inside is followed; the output folder itself may be a link.
        std::fs::create_dir_all(out.join("real")).unwrap();
        symlink(out.join("real"), out.join("alias")).unwrap();
        write_within(&out, &out.join("alias/a.md"), b"inside").unwrap();
        assert_eq!(std::fs::read(out.join("real/a.md")).unwrap(), b"inside");
        let linked_out = base.join("linked-out");
        symlink(&out, &linked_out).unwrap();
        write_within(&linked_out, &linked_out.join("b.md"), b"via the named link").unwrap();
        assert_eq!(
            std::fs::read(out.join("b.md")).unwrap(),
            b"via the named link"
        );
        assert!(write_within(&out, &out.join("../escape.md"), b"x").is_err());
        std::fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn a_temporary_file_left_by_a_killed_run_is_passed_over_not_written_through() {
        let dir = std::env::temp_dir().join(format!("offprint-stale-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let stale = dir.join(format!(".a.md.offprint-{}-0.tmp", std::process::id()));
        std::fs::write(&stale, b"stale").unwrap();
        write_atomic(&dir.join("a.md"), b"fresh").unwrap();
        assert_eq!(std::fs::read(dir.join("a.md")).unwrap(), b"fresh");
        assert_eq!(std::fs::read(&stale).unwrap(), b"stale");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_staged_file_appears_only_when_committed_and_goes_when_dropped() {
        let dir = std::env::temp_dir().join(format!("offprint-staged-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let (kept, dropped) = (dir.join("kept.pdf"), dir.join("dropped.pdf"));
        let first = Staged::new(&kept, b"kept").unwrap();
        let second = Staged::new(&dropped, b"dropped").unwrap();
        assert_eq!(
            std::fs::read_dir(&dir).unwrap().count(),
            2,
            "two temporary files"
        );
        assert!(!kept.exists() && !dropped.exists());
        let ours = || in_progress().iter().filter(|t| t.starts_with(&dir)).count();
        assert_eq!(ours(), 2, "a signal would remove both");
        first.commit().unwrap();
        drop(second);
        assert_eq!(std::fs::read(&kept).unwrap(), b"kept");
        assert_eq!(
            std::fs::read_dir(&dir).unwrap().count(),
            1,
            "no temporary file left"
        );
        assert_eq!(ours(), 0);
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
