//! `cargo xtask fuzz [--seconds N] [--seed S] [--keep DIR]`: offprint on hostile
//! inputs and on mutants of the fixtures, failing on any crash.
//!
//! First come the hostile files made here (Flate bombs — plain, behind a second
//! Flate filter, with a broken zlib header — a predictor with
//! `/Colors 2147483647`, a page that is one 20 MB string, nesting a hundred
//! thousand deep, page trees that loop (by kids or by parents), a huge `/Count`): each must be refused
//! with offprint's own reason, within its limits. Then, until the time is up,
//! mutants of the fixtures' PDFs and texts, made with a fixed seed: bit flips,
//! truncations, duplicated ranges, huge `/Length` and `/Count` values, deep
//! nesting, references redirected to make cycles, control characters.
//!
//! Each input is run through `clean` and, when that succeeds, `convert` to
//! every format, under a memory limit (offprint's `--memory-limit`, and the
//! address space through `prlimit` when it is there) and a time limit. A run
//! fails the task if offprint is killed by a signal, panics ("internal error"),
//! hangs, stops for memory, exits other than 0, 1 (or 2 for usage), prints more
//! than its one error line, leaves a temporary or partial file, or writes an
//! edition that is invalid: a DOCX or EPUB part that is not well-formed XML, a
//! PDF `qpdf --check` rejects. Failing inputs are kept (`--keep`, by default
//! `target/fuzz/failures`) to become fixtures.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const USAGE: &str = "usage: cargo xtask fuzz [--seconds N] [--seed S] [--keep DIR]";
/// Seeds: small fixtures of every kind of input offprint reads.
const SEEDS: [&str; 7] = [
    "fixtures/corpus/faker-fr-es-bulletin.xelatex.pdf",
    "fixtures/corpus/faker-fr-es-bulletin.wkhtml.pdf",
    "fixtures/corpus/faker-fr-es-bulletin.lo-2col.pdf",
    "fixtures/corpus/faker-en-zh-report.xelatex-cidgb1.pdf",
    "fixtures/brief/brief.xelatex.pdf",
    "fixtures/brief/brief.extracted.txt",
    "fixtures/brief/brief.expected.md",
];
/// offprint's own budget for each run, and the address space it gets.
const MEMORY_LIMIT: &str = "1GiB";
const ADDRESS_SPACE: u64 = 6 << 30;
/// A run taking longer than this hangs.
const TIME_LIMIT: Duration = Duration::from_secs(60);

pub fn run(mut args: impl Iterator<Item = String>) -> Result<(), String> {
    let mut seconds = 60u64;
    let mut seed = 1u64;
    let mut keep = PathBuf::from("target/fuzz/failures");
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--seconds" => seconds = parse(&value("--seconds")?)?,
            "--seed" => seed = parse(&value("--seed")?)?,
            "--keep" => keep = PathBuf::from(value("--keep")?),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    let root = crate::root();
    let offprint = crate::eval::build_offprint(&root)?;
    let work = root.join("target/fuzz/work");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    let runner = Runner::new(offprint, work.clone());

    let started = Instant::now();
    let mut failures = Vec::new();
    let mut runs = 0usize;
    for (name, bytes, must_say) in hostile() {
        runs += 1;
        if let Err(why) = runner.check(&name, &bytes, must_say) {
            failures.push(keep_failure(&keep, &name, &bytes, &why)?);
        }
    }
    let hostile_done = runs;
    let seeds: Vec<(String, Vec<u8>)> = SEEDS
        .iter()
        .map(|path| {
            let bytes = std::fs::read(root.join(path)).map_err(|e| format!("{path}: {e}"))?;
            Ok((path.rsplit('/').next().unwrap_or(path).to_string(), bytes))
        })
        .collect::<Result<_, String>>()?;
    let mut rng = Rng(seed.max(1));
    let deadline = started + Duration::from_secs(seconds);
    let mut mutant = 0usize;
    while Instant::now() < deadline {
        let (seed_name, seed_bytes) = &seeds[rng.below(seeds.len())];
        let (how, bytes) = mutate(&mut rng, seed_bytes);
        let extension = seed_name.rsplit('.').next().unwrap_or("bin");
        let name = format!("m{mutant:05}-{how}.{extension}");
        mutant += 1;
        runs += 1;
        if let Err(why) = runner.check(&name, &bytes, None) {
            let why = format!("{why} (mutant of {seed_name} by {how}, seed {seed})");
            failures.push(keep_failure(&keep, &name, &bytes, &why)?);
        }
    }
    let _ = std::fs::remove_dir_all(&work);
    println!(
        "fuzz: {runs} inputs ({hostile_done} hostile, {mutant} mutants, seed {seed}) in {:.0} s: {} failure(s)",
        started.elapsed().as_secs_f64(),
        failures.len()
    );
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n"))
    }
}

fn parse(text: &str) -> Result<u64, String> {
    text.parse()
        .map_err(|_| format!("{text:?} is not a whole number\n{USAGE}"))
}

/// Keeps a failing input, and says where.
fn keep_failure(keep: &Path, name: &str, bytes: &[u8], why: &str) -> Result<String, String> {
    std::fs::create_dir_all(keep).map_err(|e| format!("{}: {e}", keep.display()))?;
    let path = keep.join(name);
    std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    let line = format!("{}: {why}", path.display());
    eprintln!("fuzz: FAILED {line}");
    Ok(line)
}

/// Runs offprint on one input at a time, in a folder of its own.
struct Runner {
    offprint: PathBuf,
    work: PathBuf,
    prlimit: bool,
    qpdf: bool,
}

impl Runner {
    fn new(offprint: PathBuf, work: PathBuf) -> Runner {
        let available = |tool: &str| Command::new(tool).arg("--version").output().is_ok();
        Runner {
            offprint,
            work,
            prlimit: available("prlimit"),
            qpdf: available("qpdf"),
        }
    }

    /// `clean`, then (if it worked) `convert`, each checked. `must_say`: what
    /// the error of a hostile file must contain.
    fn check(&self, name: &str, bytes: &[u8], must_say: Option<&str>) -> Result<(), String> {
        let dir = self.work.join(name);
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let input = dir.join(name);
        std::fs::write(&input, bytes).map_err(|e| e.to_string())?;
        let md = dir.join("out.md");
        let clean = self.offprint(&[
            "clean".as_ref(),
            input.as_os_str(),
            "-o".as_ref(),
            md.as_os_str(),
        ])?;
        let cleaned = clean.verdict("clean")?;
        if cleaned {
            if let Some(text) = must_say {
                return Err(format!("clean succeeded; it must fail saying {text:?}"));
            }
            let size = std::fs::metadata(&md).map(|m| m.len()).unwrap_or(0);
            if size == 0 {
                return Err("clean exited 0 without writing its output".into());
            }
        } else {
            if md.exists() {
                return Err("clean failed but left its output behind".into());
            }
            if let Some(text) = must_say {
                if !clean.stderr.contains(text) {
                    return Err(format!(
                        "clean's error does not say {text:?}: {}",
                        clean.stderr.trim()
                    ));
                }
            }
            return leftovers(&dir);
        }
        let out = dir.join("editions");
        let convert = self.offprint(&[
            "convert".as_ref(),
            input.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
            "--to".as_ref(),
            "md,pdf,docx,epub".as_ref(),
            "-q".as_ref(),
        ])?;
        if convert.verdict("convert")? {
            self.editions_are_valid(&out)?;
        } else {
            let written = editions(&out);
            if !written.is_empty() {
                return Err(format!("convert failed but left {written:?}"));
            }
        }
        leftovers(&dir)?;
        let _ = std::fs::remove_dir_all(&dir);
        Ok(())
    }

    fn offprint(&self, args: &[&std::ffi::OsStr]) -> Result<Outcome, String> {
        let mut command = if self.prlimit {
            let mut c = Command::new("prlimit");
            c.arg(format!("--as={ADDRESS_SPACE}"))
                .arg("--")
                .arg(&self.offprint);
            c
        } else {
            Command::new(&self.offprint)
        };
        command
            .args(args)
            .args(["--memory-limit", MEMORY_LIMIT, "--time-limit", "30"])
            .env("SOURCE_DATE_EPOCH", "0")
            .env("CI", "true")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = command
            .spawn()
            .map_err(|e| format!("cannot run offprint: {e}"))?;
        let mut stderr = child.stderr.take().expect("piped");
        let reader = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = std::io::Read::read_to_string(&mut stderr, &mut text);
            text
        });
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
                break status;
            }
            if started.elapsed() > TIME_LIMIT {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "hangs: still running after {} s",
                    TIME_LIMIT.as_secs()
                ));
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        Ok(Outcome {
            code: status.code(),
            stderr: reader.join().unwrap_or_default(),
        })
    }

    /// Every edition written is whole and valid.
    fn editions_are_valid(&self, out: &Path) -> Result<(), String> {
        for path in editions(out) {
            let file = out.join(&path);
            let bytes = std::fs::read(&file).map_err(|e| format!("{path}: {e}"))?;
            if path.ends_with(".docx") || path.ends_with(".epub") {
                crate::xml_parts::check_package(&bytes).map_err(|e| format!("{path}: {e}"))?;
            } else if path.ends_with(".pdf") && self.qpdf {
                let check = Command::new("qpdf")
                    .arg("--check")
                    .arg(&file)
                    .output()
                    .map_err(|e| e.to_string())?;
                // 0: fine, 3: warnings only.
                if !matches!(check.status.code(), Some(0 | 3)) {
                    return Err(format!(
                        "{path}: qpdf --check: {}",
                        String::from_utf8_lossy(&check.stdout).trim()
                    ));
                }
            }
        }
        Ok(())
    }
}

/// How one run of offprint ended.
struct Outcome {
    code: Option<i32>,
    stderr: String,
}

impl Outcome {
    /// Whether the run succeeded; an error if it ended in a way offprint never may.
    fn verdict(&self, command: &str) -> Result<bool, String> {
        let first = self
            .stderr
            .lines()
            .find(|l| l.starts_with("offprint: error: "));
        if self.stderr.contains("internal error") || self.stderr.contains("panicked") {
            return Err(format!("{command} panicked: {}", self.stderr.trim()));
        }
        if first.is_some_and(|l| l.contains("memory limit of") && l.contains("stopped")) {
            return Err(format!(
                "{command} stopped for memory instead of failing the document: {}",
                self.stderr.trim()
            ));
        }
        match self.code {
            Some(0) => Ok(true),
            Some(1) => {
                let errors = self
                    .stderr
                    .lines()
                    .filter(|l| l.starts_with("offprint: error: "))
                    .count();
                if errors == 1 {
                    Ok(false)
                } else {
                    Err(format!(
                        "{command} exited 1 with {errors} error lines: {}",
                        self.stderr.trim()
                    ))
                }
            }
            Some(code) => Err(format!("{command} exited {code}: {}", self.stderr.trim())),
            None => Err(format!(
                "{command} was killed by a signal: {}",
                self.stderr.trim()
            )),
        }
    }
}

/// The editions in a batch's output folder (the manifest aside).
fn editions(out: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(out) else {
        return found;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with(".offprint-manifest") {
            found.push(name);
        }
    }
    found.sort();
    found
}

/// Fails if a temporary file is left anywhere below `dir`.
fn leftovers(dir: &Path) -> Result<(), String> {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.to_string_lossy().ends_with(".tmp") {
                return Err(format!("left a temporary file: {}", path.display()));
            }
        }
    }
    Ok(())
}

/// A small, seeded PRNG (xorshift64*): the same mutants for the same seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One mutant of `seed`, and the name of how it was made.
fn mutate(rng: &mut Rng, seed: &[u8]) -> (&'static str, Vec<u8>) {
    let mut bytes = seed.to_vec();
    let len = bytes.len().max(1);
    match rng.below(9) {
        0 => {
            for _ in 0..=rng.below(16) {
                let at = rng.below(len.min(bytes.len()));
                bytes[at] ^= 1 << rng.below(8);
            }
            ("flip", bytes)
        }
        1 => {
            bytes.truncate(rng.below(len));
            ("truncate", bytes)
        }
        2 => {
            let start = rng.below(len);
            let end = (start + rng.below(4096)).min(bytes.len());
            let copy = bytes[start..end].to_vec();
            let at = rng.below(len);
            bytes.splice(at..at, copy);
            ("duplicate", bytes)
        }
        3 => (
            "length",
            replace_number_after(rng, bytes, b"/Length", b"99999999999"),
        ),
        4 => (
            "count",
            replace_number_after(rng, bytes, b"/Count", b"2147483647"),
        ),
        5 => {
            let depth = 1000 + rng.below(100_000);
            let open: &[u8] = if rng.below(2) == 0 { b"[" } else { b"<<" };
            let at = rng.below(len);
            let nest: Vec<u8> = open
                .iter()
                .copied()
                .cycle()
                .take(depth * open.len())
                .collect();
            bytes.splice(at..at, nest);
            ("nest", bytes)
        }
        6 => ("cycle", redirect_references(rng, bytes)),
        7 => {
            for _ in 0..=rng.below(32) {
                let at = rng.below(len.min(bytes.len()));
                bytes.insert(at, [0u8, 1, 0x1B, 0x0C, 0x7F, 0x85][rng.below(6)]);
            }
            ("control", bytes)
        }
        _ => {
            // Two mutations at once.
            let (_, once) = mutate(rng, &bytes);
            let (_, twice) = mutate(rng, &once);
            ("twice", twice)
        }
    }
}

/// Replaces the number after one occurrence of `key` with `value`.
fn replace_number_after(rng: &mut Rng, mut bytes: Vec<u8>, key: &[u8], value: &[u8]) -> Vec<u8> {
    let places: Vec<usize> = bytes
        .windows(key.len())
        .enumerate()
        .filter(|(_, w)| *w == key)
        .map(|(k, _)| k + key.len())
        .collect();
    if places.is_empty() {
        return bytes;
    }
    let mut at = places[rng.below(places.len())];
    while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
        at += 1;
    }
    let end = at
        + bytes[at..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
    bytes.splice(at..end, value.iter().copied());
    bytes
}

/// Points a few `N 0 R` references at other objects' numbers, which makes
/// page trees and resources that loop or lead to the wrong kind of object.
fn redirect_references(rng: &mut Rng, mut bytes: Vec<u8>) -> Vec<u8> {
    let references: Vec<usize> = bytes
        .windows(4)
        .enumerate()
        .filter(|(_, w)| *w == b" 0 R")
        .map(|(k, _)| k)
        .collect();
    for _ in 0..=rng.below(4) {
        if references.is_empty() {
            break;
        }
        let end = references[rng.below(references.len())];
        let start = end
            - bytes[..end]
                .iter()
                .rev()
                .take_while(|b| b.is_ascii_digit())
                .count();
        let target = (1 + rng.below(12)).to_string();
        if start < end && end - start >= target.len() {
            // Same length, so that the xref offsets stay right.
            let padded = format!("{target:0>width$}", width = end - start);
            bytes.splice(start..end, padded.into_bytes());
        }
    }
    bytes
}

/// The hostile files: name, bytes, and what offprint's error must say
/// (`None`: any one-line error, or success).
fn hostile() -> Vec<(String, Vec<u8>, Option<&'static str>)> {
    let content = |data: &[u8], filter: &str| one_page_pdf(&stream(filter, data), 1);
    let bomb = {
        use std::io::Write;
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        let chunk = vec![0u8; 1 << 20];
        for _ in 0..512 {
            encoder.write_all(&chunk).expect("in memory");
        }
        encoder.finish().expect("in memory")
    };
    let nested = {
        use std::io::Write;
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(&bomb).expect("in memory");
        encoder.finish().expect("in memory")
    };
    // A header no zlib reader takes: lopdf inflates what follows as raw deflate.
    let mut headless = bomb.clone();
    headless[..2].copy_from_slice(&[0, 0]);
    let tiny = [0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01];
    let mut huge_string = b"BT /F1 12 Tf 72 700 Td (".to_vec();
    huge_string.resize(huge_string.len() + 20_000_000, b'A');
    huge_string.extend_from_slice(b") Tj ET");
    let deep: Vec<u8> = b"BT /F1 12 Tf 72 700 Td "
        .iter()
        .copied()
        .chain(std::iter::repeat_n(b'[', 100_000))
        .chain(*b"(deep) Tj ET")
        .collect();
    vec![
        ("flate-bomb.pdf".into(), content(&bomb, "/Filter /FlateDecode"), Some("decodes to more than")),
        (
            "nested-flate-bomb.pdf".into(),
            content(&nested, "/Filter [/FlateDecode /FlateDecode]"),
            Some("decodes to more than"),
        ),
        ("headless-flate-bomb.pdf".into(), content(&headless, "/Filter /FlateDecode"), Some("decodes to more than")),
        (
            "predictor-colors.pdf".into(),
            content(&tiny, "/Filter /FlateDecode /DecodeParms << /Predictor 12 /Colors 2147483647 /Columns 1 >>"),
            Some("predictor rows"),
        ),
        ("huge-string.pdf".into(), content(&huge_string, ""), Some("more than 1,000,000 glyphs")),
        ("deep-nesting.pdf".into(), content(&deep, ""), None),
        ("looping-page-tree.pdf".into(), looping_page_tree(), None),
        ("looping-parents.pdf".into(), looping_parents(), None),
        (
            "huge-count.pdf".into(),
            one_page_pdf(&stream("", b"BT /F1 12 Tf 72 700 Td (Counted) Tj ET"), i32::MAX),
            None,
        ),
    ]
}

fn stream(dictionary: &str, data: &[u8]) -> Vec<u8> {
    let mut out = format!("<< {dictionary} /Length {} >>\nstream\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream");
    out
}

/// A one-page PDF (Helvetica as /F1) whose page shows `contents`, its page
/// tree claiming `count` pages.
fn one_page_pdf(contents: &[u8], count: i32) -> Vec<u8> {
    crate::bad::write_pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!("<< /Type /Pages /Kids [3 0 R] /Count {count} >>").into_bytes(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_vec(),
        contents.to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
    ])
}

/// A page without resources whose pages node has the page as its parent: looking
/// resources up climbs the `/Parent` chain round and round.
fn looping_parents() -> Vec<u8> {
    crate::bad::write_pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 /Parent 3 0 R >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>".to_vec(),
        stream("", b"BT /F1 12 Tf 72 700 Td (Looped) Tj ET"),
    ])
}

/// Pages whose kids lead back to themselves.
fn looping_page_tree() -> Vec<u8> {
    crate::bad::write_pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>".to_vec(),
        b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 3 0 R] /Count 1 >>".to_vec(),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutants_are_fixed_by_the_seed() {
        let seed = b"%PDF-1.7\n1 0 obj << /Length 12 /Count 3 /Kids [2 0 R] >> endobj".to_vec();
        let run = |s| {
            let mut rng = Rng(s);
            (0..20).map(|_| mutate(&mut rng, &seed)).collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
    }

    #[test]
    fn numbers_are_replaced_in_place() {
        let mut rng = Rng(1);
        let out = replace_number_after(&mut rng, b"<< /Length 12 >>".to_vec(), b"/Length", b"999");
        assert_eq!(out, b"<< /Length 999 >>");
        let out = redirect_references(&mut rng, b"/Kids [12 0 R]".to_vec());
        assert_eq!(out.len(), b"/Kids [12 0 R]".len());
    }
}
