//! The `offprint` command: parse arguments, run, map errors to exit codes.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    stop_cleanly_on_signals();
    let cli = match offprint::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // clap uses 0 for --help/--version and 2 for usage errors.
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    ExitCode::from(offprint::cli::run(cli))
}

/// Ctrl-C or a job runner's SIGTERM stops offprint at once, as before, but
/// without leaving the temporary file of an output being written: the exit
/// code is the shell's 128 + the signal's number.
fn stop_cleanly_on_signals() {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        std::thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                offprint::output::abandon(128 + signal);
            }
        });
    }
}
