//! A folder held open while an output is written into it, so that the
//! temporary file is made, renamed and removed in that very folder: a folder
//! swapped for a symbolic link after it was checked cannot redirect the write.
//! On Unix the folder is a file descriptor and every step an `*at` call;
//! elsewhere it is a path.

use std::ffi::OsStr;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub struct Folder {
    path: PathBuf,
    #[cfg(unix)]
    fd: std::os::fd::OwnedFd,
}

impl Folder {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(unix)]
impl Folder {
    /// Opens `path`, following links (a folder the user named).
    pub fn open(path: &Path) -> io::Result<Folder> {
        use std::os::unix::fs::OpenOptionsExt;
        let dir = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_DIRECTORY | libc::O_CLOEXEC)
            .open(path)?;
        Ok(Folder {
            path: path.to_path_buf(),
            fd: dir.into(),
        })
    }

    /// Opens `path`, an absolute path with every link already resolved, one
    /// folder at a time from `/`, following none: a folder that has become a
    /// link since is refused. Folders that do not exist are made.
    pub fn open_without_links(path: &Path) -> io::Result<Folder> {
        let mut folder = Folder::open(Path::new("/"))?;
        for component in path.components() {
            match component {
                std::path::Component::RootDir => {}
                std::path::Component::Normal(name) => {
                    let fd = match folder.open_child(name) {
                        Err(e) if e.kind() == io::ErrorKind::NotFound => {
                            folder.make_child(name)?;
                            folder.open_child(name)?
                        }
                        opened => opened?,
                    };
                    folder = Folder {
                        path: folder.path.join(name),
                        fd,
                    };
                }
                _ => return Err(io::Error::other("not a resolved absolute path")),
            }
        }
        Ok(folder)
    }

    fn raw(&self) -> libc::c_int {
        std::os::fd::AsRawFd::as_raw_fd(&self.fd)
    }

    fn open_child(&self, name: &OsStr) -> io::Result<std::os::fd::OwnedFd> {
        let flags = libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC;
        let name_c = c_name(name)?;
        // SAFETY: a valid descriptor and a NUL-terminated name; the result is checked.
        match checked(unsafe { libc::openat(self.raw(), name_c.as_ptr(), flags) }) {
            Ok(fd) => Ok(owned(fd)),
            // A link where a folder was: ELOOP or ENOTDIR, as the system has it.
            Err(e)
                if std::fs::symlink_metadata(self.path.join(name))
                    .is_ok_and(|m| m.file_type().is_symlink()) =>
            {
                Err(io::Error::other(format!(
                    "{} became a symbolic link while offprint wrote into it ({e})",
                    self.path.join(name).display()
                )))
            }
            Err(e) => Err(e),
        }
    }

    fn make_child(&self, name: &OsStr) -> io::Result<()> {
        let name = c_name(name)?;
        // SAFETY: as in `open_child`.
        match checked(unsafe { libc::mkdirat(self.raw(), name.as_ptr(), 0o777) }) {
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
            result => result.map(drop),
        }
    }

    /// Creates `name` in the folder, failing if anything (a link too) is there.
    pub fn create_new(&self, name: &OsStr) -> io::Result<File> {
        let flags =
            libc::O_WRONLY | libc::O_CREAT | libc::O_EXCL | libc::O_NOFOLLOW | libc::O_CLOEXEC;
        let name = c_name(name)?;
        let mode: libc::c_uint = 0o666;
        // SAFETY: as in `open_child`; `O_CREAT` takes the mode as its third argument.
        let fd = checked(unsafe { libc::openat(self.raw(), name.as_ptr(), flags, mode) })?;
        Ok(File::from(owned(fd)))
    }

    /// Renames `from` over `to`, both in the folder (a link at `to` is replaced,
    /// not followed).
    pub fn rename(&self, from: &OsStr, to: &OsStr) -> io::Result<()> {
        let (from, to) = (c_name(from)?, c_name(to)?);
        // SAFETY: as in `open_child`.
        checked(unsafe { libc::renameat(self.raw(), from.as_ptr(), self.raw(), to.as_ptr()) })
            .map(drop)
    }

    pub fn remove(&self, name: &OsStr) -> io::Result<()> {
        let name = c_name(name)?;
        // SAFETY: as in `open_child`.
        checked(unsafe { libc::unlinkat(self.raw(), name.as_ptr(), 0) }).map(drop)
    }
}

#[cfg(unix)]
fn c_name(name: &OsStr) -> io::Result<std::ffi::CString> {
    use std::os::unix::ffi::OsStrExt;
    std::ffi::CString::new(name.as_bytes()).map_err(|_| io::Error::other("a name holds a NUL"))
}

#[cfg(unix)]
fn checked(result: libc::c_int) -> io::Result<libc::c_int> {
    if result < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(result)
    }
}

#[cfg(unix)]
fn owned(fd: libc::c_int) -> std::os::fd::OwnedFd {
    use std::os::fd::FromRawFd;
    // SAFETY: `fd` was just returned by the system, open, and is owned by no one else.
    unsafe { std::os::fd::OwnedFd::from_raw_fd(fd) }
}

#[cfg(not(unix))]
impl Folder {
    pub fn open(path: &Path) -> io::Result<Folder> {
        Ok(Folder {
            path: path.to_path_buf(),
        })
    }

    pub fn open_without_links(path: &Path) -> io::Result<Folder> {
        std::fs::create_dir_all(path)?;
        Folder::open(path)
    }

    pub fn create_new(&self, name: &OsStr) -> io::Result<File> {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(self.path.join(name))
    }

    pub fn rename(&self, from: &OsStr, to: &OsStr) -> io::Result<()> {
        std::fs::rename(self.path.join(from), self.path.join(to))
    }

    pub fn remove(&self, name: &OsStr) -> io::Result<()> {
        std::fs::remove_file(self.path.join(name))
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_folder_swapped_for_a_link_after_it_was_resolved_is_refused() {
        let base = std::env::temp_dir().join(format!("offprint-folder-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(base.join("out/sub")).unwrap();
        std::fs::create_dir_all(base.join("elsewhere")).unwrap();
        let base = std::fs::canonicalize(&base).unwrap();
        let resolved = base.join("out/sub");
        // Checked, then swapped: the walk meets the link and stops.
        std::fs::remove_dir(&resolved).unwrap();
        std::os::unix::fs::symlink(base.join("elsewhere"), &resolved).unwrap();
        let err = Folder::open_without_links(&resolved).unwrap_err();
        assert!(err.to_string().contains("became a symbolic link"), "{err}");
        // Missing folders are made; a file is created once, renamed, removed.
        let folder = Folder::open_without_links(&base.join("out/new/deeper")).unwrap();
        assert!(base.join("out/new/deeper").is_dir());
        folder.create_new("a.tmp".as_ref()).unwrap();
        assert!(folder.create_new("a.tmp".as_ref()).is_err());
        std::os::unix::fs::symlink(base.join("elsewhere/x"), base.join("out/new/deeper/b.tmp"))
            .unwrap();
        assert!(
            folder.create_new("b.tmp".as_ref()).is_err(),
            "not through a link"
        );
        assert!(!base.join("elsewhere/x").exists());
        folder.rename("a.tmp".as_ref(), "b.tmp".as_ref()).unwrap();
        assert!(
            base.join("out/new/deeper/b.tmp").is_file(),
            "the link replaced, not followed"
        );
        folder.remove("b.tmp".as_ref()).unwrap();
        std::fs::remove_dir_all(&base).unwrap();
    }
}
