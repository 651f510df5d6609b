//! One error type for the whole pipeline: which file, and why.

use std::fmt;

/// An input or output that could not be handled. Shown to the user as
/// `offprint: error: <file>: <reason>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The file concerned, as the user named it (`-` for standard input).
    pub file: String,
    /// What went wrong, in words that suggest what to do.
    pub reason: String,
    /// The command line itself is wrong (exit code 2, not 1).
    pub usage: bool,
}

impl Error {
    pub fn new(file: impl Into<String>, reason: impl fmt::Display) -> Error {
        Error {
            file: file.into(),
            reason: reason.to_string(),
            usage: false,
        }
    }

    /// A usage error: an option or argument that cannot be right whatever
    /// the inputs (`file` names the option).
    pub fn usage(option: impl Into<String>, reason: impl fmt::Display) -> Error {
        Error {
            usage: true,
            ..Error::new(option, reason)
        }
    }

    /// The exit code of a command that ends with this error.
    pub fn exit_code(&self) -> u8 {
        if self.usage {
            2
        } else {
            1
        }
    }

    /// An I/O error, with the OS's message but without its error code noise.
    pub fn io(file: impl Into<String>, error: &std::io::Error) -> Error {
        let reason = match error.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_string(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            std::io::ErrorKind::FileTooLarge => {
                "too large for the file-size limit (`ulimit -f`); nothing was left behind"
                    .to_string()
            }
            std::io::ErrorKind::StorageFull => {
                "no space left on the device; nothing was left behind".to_string()
            }
            _ => {
                let text = error.to_string();
                match text.find(" (os error") {
                    Some(k) => text[..k].to_string(),
                    None => text,
                }
            }
        };
        Error::new(file, reason)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.reason)
    }
}

impl std::error::Error for Error {}
