//! The `offprint` command: parse arguments, run, map errors to exit codes.

use clap::Parser;
use std::process::ExitCode;

/// Counts the heap in use against `--memory-limit`, so that running out is a
/// one-line error, never an abort.
#[global_allocator]
static ALLOCATOR: offprint::memory::Counting = offprint::memory::Counting;

fn main() -> ExitCode {
    stop_cleanly_on_signals();
    let cli = match offprint::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() => {
            eprint!("{}", offprint::cli::usage_error(&e));
            return ExitCode::from(2);
        }
        Err(e) => {
            // --help and --version, on standard output.
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
    };
    ExitCode::from(offprint::cli::run(cli))
}

/// Ctrl-C or a job runner's SIGTERM stops offprint at once, as before, but
/// without leaving the temporary file of an output being written: the exit
/// code is the shell's 128 + the signal's number.
///
/// SIGXFSZ (a write past the file-size limit) is caught and nothing more: the
/// write then fails with EFBIG, and the writer removes its temporary file and
/// names the file in its error, as for a full disk.
fn stop_cleanly_on_signals() {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM, SIGXFSZ};
        let Ok(mut signals) =
            signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP, SIGXFSZ])
        else {
            return;
        };
        std::thread::spawn(move || {
            for signal in signals.forever() {
                if signal != SIGXFSZ {
                    offprint::output::abandon(128 + signal);
                }
            }
        });
    }
}
