//! `offprint` on the bad-input corpus of `fixtures/bad/` (made by `cargo xtask bad`):
//! every file, run as `fixtures/bad/expectations.json` says, must give the expected exit
//! code and reason; and whatever the file, never a panic or a signal, one error line
//! naming the file, and no output (not even a temporary file) left behind on failure.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

const BAD: &str = "fixtures/bad";
/// No input may keep offprint busy longer than this (its own default limit is 120 s).
const HANG: Duration = Duration::from_secs(180);

#[derive(Debug, serde::Deserialize)]
struct Expectation {
    file: String,
    command: String,
    #[serde(default)]
    args: Vec<String>,
    exit: i32,
    #[serde(default)]
    stderr_contains: Vec<String>,
    #[serde(default)]
    warning: bool,
    #[serde(default)]
    output_contains: Vec<String>,
}

impl Expectation {
    fn label(&self) -> String {
        let mut label = format!("offprint {} {BAD}/{}", self.command, self.file);
        for arg in &self.args {
            label.push(' ');
            label.push_str(arg);
        }
        label
    }
}

/// What one run of offprint did.
struct Run {
    status: ExitStatus,
    stdout: Vec<u8>,
    stderr: String,
    /// Names of the files left in the output folder.
    left: Vec<String>,
    /// The output file, when there is one.
    output: Option<Vec<u8>>,
}

fn scratch(name: &str) -> PathBuf {
    common::scratch("bad", name)
}

/// Runs offprint from the crate root with `args`, writing `-o out.*` into a fresh folder,
/// and gives up (killing it) after [`HANG`].
fn run(name: &str, args: &[String], out_file: &str) -> Result<Run, String> {
    let dir = scratch(name);
    let out_dir = dir.join("out");
    std::fs::create_dir_all(&out_dir).expect("out dir");
    let out = out_dir.join(out_file);
    let (stdout_path, stderr_path) = (dir.join("stdout"), dir.join("stderr"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_offprint"))
        .args(args)
        .arg("-o")
        .arg(&out)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout_path).expect("stdout file"))
        .stderr(std::fs::File::create(&stderr_path).expect("stderr file"))
        .spawn()
        .map_err(|e| format!("cannot start offprint: {e}"))?;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > HANG {
            let _ = child.kill();
            let _ = child.wait();
            let _ = std::fs::remove_dir_all(&dir);
            return Err(format!("still running after {HANG:?}; killed"));
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let mut left: Vec<String> = std::fs::read_dir(&out_dir)
        .expect("out dir readable")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    let result = Run {
        status,
        stdout: std::fs::read(&stdout_path).unwrap_or_default(),
        stderr: String::from_utf8_lossy(&std::fs::read(&stderr_path).unwrap_or_default())
            .into_owned(),
        left,
        output: std::fs::read(&out).ok(),
    };
    let _ = std::fs::remove_dir_all(&dir);
    Ok(result)
}

/// The exit code, or why there is none (a signal).
fn exit_code(status: &ExitStatus) -> Result<i32, String> {
    if let Some(code) = status.code() {
        return Ok(code);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return Err(format!("killed by signal {signal}"));
        }
    }
    Err(format!("no exit code ({status})"))
}

/// Everything wrong with `run` for `shown` (the input as named on the command line),
/// given the expected exit code and reason words.
fn problems(
    shown: &str,
    run: &Run,
    exit: i32,
    stderr_contains: &[String],
    warning: bool,
    output_contains: &[String],
) -> Vec<String> {
    let mut problems = Vec::new();
    let code = match exit_code(&run.status) {
        Ok(code) => code,
        Err(why) => return vec![why],
    };
    if code == 101 {
        problems.push("exit code 101: offprint panicked".into());
    }
    if code != exit {
        problems.push(format!("exit code {code}, expected {exit}"));
    }
    for word in stderr_contains {
        if !run.stderr.contains(word.as_str()) {
            problems.push(format!("stderr lacks {word:?}"));
        }
    }
    if run.stderr.contains("panicked") || run.stderr.contains("RUST_BACKTRACE") {
        problems.push("stderr shows a panic".into());
    }
    if !run.stdout.is_empty() {
        problems.push(format!(
            "{} bytes on stdout although -o was given",
            run.stdout.len()
        ));
    }
    let lines: Vec<&str> = run.stderr.lines().collect();
    if code != 0 {
        let prefix = format!("offprint: error: {shown}: ");
        if lines.len() != 1 {
            problems.push(format!("{} stderr lines, expected one", lines.len()));
        }
        if !lines.first().is_some_and(|l| l.starts_with(&prefix)) {
            problems.push(format!("stderr does not start with {prefix:?}"));
        }
        if !run.left.is_empty() {
            problems.push(format!("left behind after failure: {:?}", run.left));
        }
    } else {
        let prefix = format!("offprint: warning: {shown}: ");
        if let Some(line) = lines.iter().find(|l| !l.starts_with(&prefix)) {
            problems.push(format!(
                "stderr line is not a warning on the file: {line:?}"
            ));
        }
        if warning && lines.is_empty() {
            problems.push("no warning".into());
        }
        match &run.output {
            None => problems.push("no output file".into()),
            Some(output) if output.is_empty() => problems.push("empty output file".into()),
            Some(output) => {
                let text = String::from_utf8_lossy(output);
                for word in output_contains {
                    if !text.contains(word.as_str()) {
                        problems.push(format!("output lacks {word:?}"));
                    }
                }
            }
        }
        if run.left.len() != 1 {
            problems.push(format!("output folder holds {:?}", run.left));
        }
    }
    problems
}

fn expectations() -> Vec<Expectation> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(BAD)
        .join("expectations.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run `cargo xtask bad`", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_bad_input_gives_its_expected_outcome() {
    let expectations = expectations();
    assert!(!expectations.is_empty(), "no expectations");
    let mut failures = Vec::new();
    for (index, e) in expectations.iter().enumerate() {
        assert!(
            e.command == "clean" || e.command == "extract",
            "{}: unknown command",
            e.label()
        );
        let shown = format!("{BAD}/{}", e.file);
        let mut args = vec![e.command.clone(), shown.clone()];
        let out_file = if e.command == "clean" {
            args.extend(["--to".into(), "md".into()]);
            "out.md"
        } else {
            "out.txt"
        };
        args.extend(e.args.iter().cloned());
        let found = match run(&format!("case{index}"), &args, out_file) {
            Ok(run) => {
                let found = problems(
                    &shown,
                    &run,
                    e.exit,
                    &e.stderr_contains,
                    e.warning,
                    &e.output_contains,
                );
                if found.is_empty() {
                    Vec::new()
                } else {
                    let mut found = found;
                    found.push(format!("stderr was: {:?}", run.stderr.trim_end()));
                    found
                }
            }
            Err(why) => vec![why],
        };
        if !found.is_empty() {
            failures.push(format!("{}:\n    {}", e.label(), found.join("\n    ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} runs went wrong:\n{}",
        failures.len(),
        expectations.len(),
        failures.join("\n")
    );
}

#[test]
fn every_file_in_the_corpus_has_a_clean_expectation() {
    let expectations = expectations();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(BAD);
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixtures/bad exists; run `cargo xtask bad`")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name != "README.md" && name != "expectations.json")
        .collect();
    files.sort();
    assert!(files.len() >= 15, "only {} files: {files:?}", files.len());
    for file in &files {
        assert!(
            expectations
                .iter()
                .any(|e| &e.file == file && e.command == "clean"),
            "{file}: no `clean` expectation"
        );
    }
    for e in &expectations {
        assert!(files.contains(&e.file), "{}: no such file", e.label());
    }
}

#[test]
fn the_user_password_opens_the_encrypted_copy() {
    let shown = format!("{BAD}/encrypted-user-password.pdf");
    for command in ["clean", "extract"] {
        let args: Vec<String> = [command, &shown, "--password", "user"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let run = run(&format!("password-{command}"), &args, "out").expect("finishes");
        let found = problems(&shown, &run, 0, &[], false, &[]);
        assert!(found.is_empty(), "{command}: {found:?}");
    }
    // And without it, it does not.
    let args: Vec<String> = ["clean", shown.as_str()].map(String::from).to_vec();
    let run = run("no-password", &args, "out.md").expect("finishes");
    let found = problems(&shown, &run, 1, &["encrypted".into()], false, &[]);
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn a_tiny_time_limit_gives_up_with_a_reason() {
    let shown = "fixtures/corpus/faker-fr-es-bulletin.xelatex.pdf";
    let args: Vec<String> = ["clean", shown, "--to", "md", "--time-limit", "0.000001"]
        .map(String::from)
        .to_vec();
    let run = run("time-limit", &args, "out.md").expect("finishes");
    let found = problems(shown, &run, 1, &["too long".into()], false, &[]);
    assert!(found.is_empty(), "{found:?}; stderr: {}", run.stderr);
}
