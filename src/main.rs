//! The `offprint` command: parse arguments, run, map errors to exit codes.

use clap::Parser;
use std::process::ExitCode;

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
