//! The memory budget: how much heap the `offprint` process may hold.
//!
//! The binary installs [`Counting`] as its allocator, which keeps the number of
//! bytes in use. Two lines are drawn from the limit (`--memory-limit`,
//! `OFFPRINT_MEMORY_LIMIT`, 3 GiB by default, for a 4 GB CI runner):
//!
//! - At three quarters of it, [`check`] fails: the readers and the typesetter
//!   call it between pages, paragraphs and batches of glyphs, so the document
//!   at work fails with a one-line reason and the rest of a batch goes on.
//! - At the limit itself, a single step overshot every check (one huge
//!   allocation): the process stops at once with a one-line error naming the
//!   documents at work, after removing its temporary files. So does an
//!   allocation the system refuses, which would otherwise abort the process.
//!
//! Used as a library (no [`Counting`] allocator, or no limit set), nothing is
//! counted and [`check`] always passes.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

/// Asks the C heap to give whole blocks of 256 KiB and more back to the system
/// when they are freed, once, for the rest of the process; only when the
/// binary counts memory (a library's host keeps its own heap as it is).
///
/// glibc otherwise raises the size it maps on its own after each such block
/// is freed, and carves later ones out of its heap between long-lived data: an
/// EPUB of thousands of chapters, a deflate state of a few hundred kilobytes a
/// chapter (made by the zip library under epub-builder), held 1.8 GB resident
/// for a heap of 340 MB, and 330 MB with this. It costs small documents time
/// (a third more for the brief's editions), so only long ones ask for it.
pub fn return_large_blocks() {
    static ASKED: std::sync::Once = std::sync::Once::new();
    if LIMIT.load(Ordering::Relaxed) == 0 {
        return;
    }
    ASKED.call_once(|| {
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        {
            unsafe extern "C" {
                fn mallopt(param: std::ffi::c_int, value: std::ffi::c_int) -> std::ffi::c_int;
            }
            const M_MMAP_THRESHOLD: std::ffi::c_int = -3;
            // SAFETY: mallopt only sets a tuning value of glibc's allocator, which
            // is thread-safe; a refusal (return 0) leaves the heap as it was.
            unsafe {
                mallopt(M_MMAP_THRESHOLD, 256 << 10);
            }
        }
    });
}

/// The default limit: 3 GiB.
pub const DEFAULT_LIMIT: usize = 3 << 30;

/// Bytes of heap in use.
static LIVE: AtomicUsize = AtomicUsize::new(0);
/// The most bytes in use at once so far.
static PEAK: AtomicUsize = AtomicUsize::new(0);
/// The limit in bytes; 0 while none is set.
static LIMIT: AtomicUsize = AtomicUsize::new(0);
/// Set once the process is stopping for memory: allocations go on uncounted
/// so that the error can be written.
static STOPPING: AtomicBool = AtomicBool::new(false);
/// The documents at work, for the error that stops the process.
static WORKING_ON: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// The system allocator, counting what is in use against the limit.
pub struct Counting;

// SAFETY: every call is passed to `System` unchanged; the counting around it
// neither allocates nor unwinds (stopping ends the process instead).
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        account(unsafe { System.alloc(layout) }, layout.size())
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        account(unsafe { System.alloc_zeroed(layout) }, layout.size())
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let moved = unsafe { System.realloc(ptr, layout, new_size) };
        if moved.is_null() {
            return account(moved, new_size);
        }
        if new_size >= layout.size() {
            account(moved, new_size - layout.size())
        } else {
            LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            moved
        }
    }
}

/// Counts `size` more bytes at `ptr`, stopping the process if the system
/// refused them or they pass the limit.
fn account(ptr: *mut u8, size: usize) -> *mut u8 {
    if STOPPING.load(Ordering::Relaxed) {
        return ptr;
    }
    if ptr.is_null() {
        stop(size);
    }
    let live = LIVE.fetch_add(size, Ordering::Relaxed) + size;
    PEAK.fetch_max(live, Ordering::Relaxed);
    let limit = LIMIT.load(Ordering::Relaxed);
    if limit != 0 && live > limit {
        stop(size);
    }
    ptr
}

/// Ends the process with offprint's one-line error, temporary files removed.
fn stop(size: usize) -> ! {
    STOPPING.store(true, Ordering::Relaxed);
    let limit = LIMIT.load(Ordering::Relaxed);
    let working = WORKING_ON
        .try_lock()
        .map(|names| names.join(", "))
        .unwrap_or_default();
    let file = if working.is_empty() {
        "offprint".to_string()
    } else {
        working
    };
    let reason = if limit == 0 {
        format!("out of memory (the system refused {})", human(size))
    } else {
        format!(
            "needs more than the memory limit of {} (raise it with --memory-limit or OFFPRINT_MEMORY_LIMIT); stopped",
            human(limit)
        )
    };
    eprintln!("offprint: error: {file}: {reason}");
    crate::output::abandon_without_waiting(1)
}

/// Sets the limit in bytes (0: none) and starts counting against it.
pub fn set_limit(bytes: usize) {
    LIMIT.store(bytes, Ordering::Relaxed);
}

/// Bytes of heap in use (0 when the counting allocator is not installed).
pub fn in_use() -> usize {
    LIVE.load(Ordering::Relaxed)
}

/// The most heap in use at once so far (0 without the counting allocator).
pub fn peak() -> usize {
    PEAK.load(Ordering::Relaxed)
}

/// Fails when the heap in use has passed three quarters of the limit, with
/// the reason in words; `at` says where the work was (`page 12`).
pub fn check(at: impl FnOnce() -> String) -> Result<(), String> {
    let limit = LIMIT.load(Ordering::Relaxed);
    if limit == 0 || in_use() <= limit / 4 * 3 {
        return Ok(());
    }
    Err(format!(
        "needs more memory than the limit of {} allows (at {}); raise it with --memory-limit or OFFPRINT_MEMORY_LIMIT",
        human(limit),
        at()
    ))
}

/// While alive, names a document at work in the error that stops the process.
pub struct WorkingOn(String);

impl WorkingOn {
    pub fn new(name: &str) -> WorkingOn {
        lock().push(name.to_string());
        WorkingOn(name.to_string())
    }
}

impl Drop for WorkingOn {
    fn drop(&mut self) {
        let mut names = lock();
        if let Some(k) = names.iter().position(|n| *n == self.0) {
            names.remove(k);
        }
    }
}

fn lock() -> std::sync::MutexGuard<'static, Vec<String>> {
    WORKING_ON.lock().unwrap_or_else(|e| e.into_inner())
}

/// A size as a person writes it: `3 GiB`, `512 MiB`, `1.5 GiB`, `900 KiB`.
pub fn human(bytes: usize) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    let text = format!("{value:.1}");
    let text = text.strip_suffix(".0").unwrap_or(&text);
    format!("{text} {}", UNITS[unit])
}

/// Reads a size: a number of bytes with an optional unit, `K`/`KiB`, `M`/`MiB`,
/// `G`/`GiB` (powers of 1024; `KB`, `MB`, `GB` are read the same way).
pub fn parse_size(text: &str) -> Result<usize, String> {
    let usage = || format!("{text:?} is not a size such as 3GiB, 1500MiB or 800M");
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().map_err(|_| usage())?;
    let scale: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        "t" | "tb" | "tib" => 1 << 40,
        _ => return Err(usage()),
    };
    let bytes = number * scale as f64;
    if !bytes.is_finite() || bytes < (64u64 << 20) as f64 {
        return Err(format!(
            "{text:?} is too small: offprint needs at least 64MiB"
        ));
    }
    Ok(bytes.min(usize::MAX as f64) as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_and_print_in_binary_units() {
        assert_eq!(parse_size("3GiB"), Ok(3 << 30));
        assert_eq!(parse_size("1500M"), Ok(1500 << 20));
        assert_eq!(parse_size("1.5 GiB"), Ok(3 << 29));
        assert_eq!(parse_size("268435456"), Ok(1 << 28));
        assert!(parse_size("1MiB").unwrap_err().contains("too small"));
        assert!(parse_size("lots").is_err());
        assert_eq!(human(3 << 30), "3 GiB");
        assert_eq!(human(3 << 29), "1.5 GiB");
        assert_eq!(human(900), "900 bytes");
    }

    #[test]
    fn without_a_limit_the_check_passes() {
        // Tests run without the counting allocator and without a limit.
        assert!(check(|| "page 1".into()).is_ok());
    }
}
