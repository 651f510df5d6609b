//! Batch conversion: many inputs, converted in parallel, unattended and
//! reproducibly.
//!
//! The inputs are found ([`inputs`]) and placed relative to their common
//! root; each gets its settings (folder `offprint.toml` files or `--config`,
//! its `<stem>.toml` sidecar, `--meta`), is checked against the output
//! folder's manifest ([`manifest`]) and, unless up to date, is converted by a
//! [`Converter`] on one of `--jobs` threads that take documents from a
//! shared queue. Each document writes its own files, each whole, as soon as
//! it is done, so memory holds at most one document's outputs per thread;
//! a failure (or a panic) stays with its document. Nothing in an output
//! depends on the number of threads or the order they finish in.

pub mod inputs;
pub mod manifest;
pub mod progress;

use crate::config::Settings;
use crate::error::Error;
use manifest::{Entry, Manifests, OutputRecord};
use progress::{Reporter, Verbosity};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Instant;

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `--shard K/N`: the K-th of N shares of the inputs (1 ≤ K ≤ N).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl std::str::FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Shard, String> {
        let bad = || format!("{text:?} is not K/N with 1 <= K <= N (e.g. 2/3)");
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let index: usize = k.trim().parse().map_err(|_| bad())?;
        let count: usize = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The shard (1-based) of each relative path when split `count` ways: the
/// paths are ordered by the first 8 bytes of the SHA-256 of their UTF-8
/// bytes (big-endian; the path itself breaks ties) and dealt out in turn,
/// so the shares differ by one input at most, and every machine that is
/// given the same inputs deals them out the same.
pub fn shard_assignment(relative_paths: &[&str], count: usize) -> Vec<usize> {
    let mut order: Vec<(u64, &str, usize)> = relative_paths
        .iter()
        .enumerate()
        .map(|(k, path)| {
            let digest = Sha256::digest(path.as_bytes());
            let key = u64::from_be_bytes(digest[..8].try_into().expect("8 bytes"));
            (key, *path, k)
        })
        .collect();
    order.sort();
    let mut shard = vec![0; relative_paths.len()];
    for (rank, (_, _, k)) in order.into_iter().enumerate() {
        shard[k] = rank % count.max(1) + 1;
    }
    shard
}

pub use crate::pipeline::{Made, OutputFile, OutputSink, Warning};

/// What turns one input into files.
pub trait Converter: Sync {
    /// Everything besides the input bytes that decides the outputs (the
    /// manifest compares it), for a document with these settings.
    fn options(&self, settings: &Settings) -> serde_json::Value;
    /// Converts one input: `name` as the user named it, its bytes, the stem
    /// of its output names. Each file goes to `emit` as soon as it is made
    /// (the batch puts them all in place once the document is done); returns
    /// what was noticed.
    fn convert(
        &self,
        name: &str,
        bytes: &[u8],
        stem: &str,
        settings: &Settings,
        emit: &mut OutputSink,
    ) -> Result<Vec<Warning>, Error>;
}

/// How a batch runs.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    pub inputs: Vec<String>,
    pub out: PathBuf,
    pub jobs: usize,
    pub fail_fast: bool,
    pub force: bool,
    pub shard: Option<Shard>,
    pub verbosity: Verbosity,
    /// Where the JSON summary goes (`-`: standard output).
    pub json: Option<PathBuf>,
    /// `--config`: used instead of the folders' `offprint.toml` files.
    pub config: Option<Settings>,
    /// `--meta` settings, over everything else.
    pub meta: Settings,
    /// `--report DIR`: where the edit reports go, the inputs' folders mirrored
    /// under it (by default beside the editions).
    pub reports: Option<PathBuf>,
}

/// What became of one input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Converted in this run.
    Converted,
    /// Skipped: the manifest shows its outputs are current.
    UpToDate,
    Failed,
    /// Not started: `--fail-fast` stopped the run first.
    NotRun,
}

/// Time spent on one input, in milliseconds (the only fields of the summary
/// that change from run to run).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Timing {
    pub read_ms: f64,
    pub convert_ms: f64,
    pub write_ms: f64,
    pub total_ms: f64,
}

/// One input in the summary.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    /// As the user named it (or as found in a folder).
    pub input: String,
    /// Relative to the root of the inputs; its outputs are in this folder under `--out`.
    pub path: String,
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    pub outputs: Vec<OutputRecord>,
    pub warnings: Vec<Warning>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub timing: Timing,
}

impl Record {
    fn new(input: &str, path: &str, status: Status) -> Record {
        Record {
            input: input.into(),
            path: path.into(),
            status,
            sha256: None,
            outputs: Vec::new(),
            warnings: Vec::new(),
            error: None,
            timing: Timing::default(),
        }
    }

    fn failed(input: &str, path: &str, reason: impl Into<String>) -> Record {
        Record {
            error: Some(reason.into()),
            ..Record::new(input, path, Status::Failed)
        }
    }
}

/// One document to convert.
struct Job {
    file: inputs::InputFile,
    name: String,
    /// Folder of its outputs relative to `--out` (`""` or `a/b`).
    folder: String,
    stem: String,
    /// Its settings, or why they could not be read.
    settings: Result<Settings, String>,
    /// Why it cannot be converted before it is even read.
    blocked: Option<String>,
}

/// The stem of output names: the file name without its extension.
pub fn output_stem(path: &Path) -> String {
    if path.as_os_str() == "-" {
        return "stdin".into();
    }
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "document".into())
}

/// Settings files read once per run.
#[derive(Default)]
struct SettingsFiles {
    loaded: BTreeMap<PathBuf, Result<Settings, String>>,
}

impl SettingsFiles {
    fn get(&mut self, path: &Path) -> Result<Settings, String> {
        self.loaded
            .entry(path.to_path_buf())
            .or_insert_with(|| Settings::load(path).map_err(|e| format!("{}: {e}", path.display())))
            .clone()
    }
}

/// The settings of one document: the folders' `offprint.toml` from the root
/// down (or `--config`), its sidecar `<stem>.toml`, then `--meta`.
fn settings_of(
    file: &inputs::InputFile,
    root: &Path,
    stem: &str,
    (config, meta): (Option<&Settings>, &Settings),
    files: &mut SettingsFiles,
) -> Result<Settings, String> {
    let dir = file.absolute.parent().unwrap_or(root);
    let mut settings = match config {
        Some(config) => config.clone(),
        None => {
            let mut settings = Settings::default();
            for path in crate::config::folder_configs(root, dir) {
                settings.overlay(&files.get(&path)?);
            }
            settings
        }
    };
    if file.path.as_os_str() != "-" {
        let sidecar = dir.join(format!("{stem}.toml"));
        if sidecar.is_file() {
            settings.overlay(&files.get(&sidecar)?);
        }
    }
    settings.overlay(meta);
    Ok(settings)
}

/// The settings of one input converted on its own (`convert -o FILE`): those
/// it would have in a batch of that one file.
pub fn settings_of_file(
    path: &Path,
    config: Option<&Settings>,
    meta: &Settings,
) -> Result<Settings, String> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
    let absolute = inputs::absolute(&cwd, path);
    let root = absolute.parent().unwrap_or(&cwd).to_path_buf();
    let file = inputs::InputFile {
        path: path.to_path_buf(),
        absolute,
        relative: String::new(),
    };
    let stem = output_stem(path);
    settings_of(
        &file,
        &root,
        &stem,
        (config, meta),
        &mut SettingsFiles::default(),
    )
}

fn millis(since: Instant) -> f64 {
    (since.elapsed().as_secs_f64() * 10_000.0).round() / 10.0
}

/// The whole of a run: what the summary holds besides the inputs.
#[derive(Serialize)]
struct Summary<'a> {
    format: &'static str,
    version: u32,
    offprint: &'static str,
    out: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    shard: Option<String>,
    inputs: &'a [Record],
    totals: Totals,
    timing: RunTiming,
}

#[derive(Serialize, Default)]
struct Totals {
    inputs: usize,
    converted: usize,
    up_to_date: usize,
    failed: usize,
    not_run: usize,
    outputs: usize,
    bytes: u64,
    warnings: usize,
}

#[derive(Serialize)]
struct RunTiming {
    jobs: usize,
    wall_ms: f64,
    /// The processor time of the process, all threads, user and system
    /// (Linux), in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    cpu_ms: Option<f64>,
    /// The process's peak resident memory (Linux: `VmHWM`), in KiB.
    #[serde(skip_serializing_if = "Option::is_none")]
    peak_memory_kib: Option<u64>,
}

/// The processor time of this process so far, in milliseconds (Linux:
/// `utime` + `stime` of `/proc/self/stat`, in ticks of 1/100 s, the
/// kernel's fixed `USER_HZ`).
fn cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) in parentheses.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) * 10.0)
}

/// The peak resident memory of this process so far, in KiB (Linux only).
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Runs a batch. `Ok(true)` when every input converted (or was up to
/// date), `Ok(false)` when any failed; `Err` only for what stops the run as
/// a whole (the summary or the manifest cannot be written).
pub fn run(options: &BatchOptions, converter: &dyn Converter) -> Result<bool, Error> {
    let started = Instant::now();
    let (manifests, mut own_manifest) = Manifests::load(&options.out, options.shard);
    let exclude = inputs::Exclude {
        out: std::fs::canonicalize(&options.out).ok(),
        outputs: manifests.output_paths(&options.out),
    };
    let found = inputs::find(&options.inputs, &exclude);
    let batch = found.files.len() + found.missing.len() > 1
        || options.inputs.iter().any(|a| {
            let path = Path::new(a);
            path.is_dir() || (!path.exists() && a.contains(['*', '?', '[']))
        });

    // Plan every input first (before sharding, so that every shard sees the
    // same names, settings and clashes).
    let mut files = SettingsFiles::default();
    let mut jobs: Vec<Job> = Vec::new();
    let mut claimed: BTreeMap<(String, String), String> = BTreeMap::new();
    for file in &found.files {
        let stem = output_stem(&file.path);
        let folder = match file.relative.rsplit_once('/') {
            Some((folder, _)) => folder.to_string(),
            None => String::new(),
        };
        let name = file.path.display().to_string();
        let settings = settings_of(
            file,
            &found.root,
            &stem,
            (options.config.as_ref(), &options.meta),
            &mut files,
        );
        let blocked = match claimed.get(&(folder.clone(), stem.clone())) {
            Some(first) => Some(format!(
                "its outputs would have the same names as those of {first} (rename one of them)"
            )),
            None => {
                claimed.insert((folder.clone(), stem.clone()), file.relative.clone());
                None
            }
        };
        jobs.push(Job {
            file: file.clone(),
            name,
            folder,
            stem,
            settings,
            blocked,
        });
    }
    let all_inputs: BTreeSet<PathBuf> = found
        .files
        .iter()
        .filter_map(|f| std::fs::canonicalize(&f.path).ok())
        .collect();
    if let Some(shard) = options.shard {
        let paths: Vec<&str> = jobs.iter().map(|j| j.file.relative.as_str()).collect();
        let assigned = shard_assignment(&paths, shard.count);
        let mut k = 0;
        jobs.retain(|_| {
            k += 1;
            assigned[k - 1] == shard.index
        });
    }

    let reporter = Reporter::new(jobs.len() + found.missing.len(), options.verbosity, batch);
    for (path, why) in &manifests.unreadable {
        reporter.warning(&format!(
            "{}: ignored, cannot be read ({why}); its inputs are converted again",
            path.display()
        ));
    }
    if jobs.is_empty() && found.missing.is_empty() && options.verbosity > Verbosity::Quiet {
        reporter.warning(&match options.shard {
            Some(shard) => format!("nothing to convert in shard {shard}"),
            None => "nothing to convert (no PDF, .txt or offprint .md file found)".into(),
        });
    }

    let mut missing_records = Vec::new();
    for missing in &found.missing {
        let record = Record::failed(&missing.argument, &missing.argument, &missing.reason);
        reporter.finished(&record, &options.out);
        missing_records.push(record);
    }

    let stop = AtomicBool::new(options.fail_fast && !found.missing.is_empty());
    let next = AtomicUsize::new(0);
    let threads = options.jobs.clamp(1, jobs.len().max(1));
    let mut records: Vec<Option<Record>> = vec![None; jobs.len()];
    let context = Context {
        out: &options.out,
        reports: options.reports.as_deref().unwrap_or(&options.out),
        force: options.force,
        manifests: &manifests,
        converter,
        all_inputs: &all_inputs,
    };
    let mut journal_failed = false;
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::channel::<Event>();
        for _ in 0..threads {
            let tx = tx.clone();
            let (jobs, stop, next, context) = (&jobs, &stop, &next, &context);
            scope.spawn(move || loop {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let k = next.fetch_add(1, Ordering::SeqCst);
                let Some(job) = jobs.get(k) else {
                    break;
                };
                let _ = tx.send(Event::Started(k));
                let (record, entry) = process(job, context);
                if record.status == Status::Failed && options.fail_fast {
                    stop.store(true, Ordering::SeqCst);
                }
                if tx.send(Event::Done(k, Box::new(record), entry)).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        for event in rx {
            match event {
                Event::Started(k) => reporter.started(&jobs[k].name),
                Event::Done(k, record, entry) => {
                    reporter.finished(&record, &options.out);
                    let journalled = own_manifest.record(&jobs[k].file.relative, entry);
                    if let (Err(e), false) = (journalled, journal_failed) {
                        journal_failed = true;
                        reporter.warning(&format!(
                            "{e}; if this run is stopped, the next converts everything again"
                        ));
                    }
                    records[k] = Some(*record);
                }
            }
        }
    });

    let mut all: Vec<Record> = jobs
        .iter()
        .zip(records)
        .map(|(job, record)| {
            record.unwrap_or_else(|| Record::new(&job.name, &job.file.relative, Status::NotRun))
        })
        .collect();
    all.extend(missing_records);

    let mut totals = Totals {
        inputs: all.len(),
        ..Totals::default()
    };
    for record in &all {
        match record.status {
            Status::Converted => totals.converted += 1,
            Status::UpToDate => totals.up_to_date += 1,
            Status::Failed => totals.failed += 1,
            Status::NotRun => totals.not_run += 1,
        }
        totals.warnings += record.warnings.len();
        if record.status != Status::Failed {
            totals.outputs += record.outputs.len();
            totals.bytes += record.outputs.iter().map(|o| o.bytes).sum::<u64>();
        }
    }
    let ok = totals.failed == 0 && totals.not_run == 0;
    let wall_ms = millis(started);
    let manifest_result = if totals.converted + totals.up_to_date + totals.failed > 0 {
        own_manifest.save()
    } else {
        Ok(())
    };
    let mut total_line = format!(
        "offprint: {} input{}: {} converted, {} up to date, {} failed",
        totals.inputs,
        if totals.inputs == 1 { "" } else { "s" },
        totals.converted,
        totals.up_to_date,
        totals.failed
    );
    if totals.not_run > 0 {
        total_line.push_str(&format!(", {} not run (--fail-fast)", totals.not_run));
    }
    total_line.push_str(&format!(
        "; {} files, {} in {:.2} s ({} job{})",
        totals.outputs,
        crate::memory::human(usize::try_from(totals.bytes).unwrap_or(usize::MAX)),
        wall_ms / 1000.0,
        threads,
        if threads == 1 { "" } else { "s" }
    ));
    reporter.finish(&total_line, batch);
    manifest_result?;

    if let Some(json) = &options.json {
        let summary = Summary {
            format: "offprint-batch-summary",
            version: 1,
            offprint: env!("CARGO_PKG_VERSION"),
            out: options.out.display().to_string(),
            shard: options.shard.map(|s| s.to_string()),
            inputs: &all,
            totals,
            timing: RunTiming {
                jobs: threads,
                wall_ms,
                cpu_ms: cpu_ms(),
                peak_memory_kib: peak_memory_kib(),
            },
        };
        let mut text = serde_json::to_string_pretty(&summary).expect("the summary serialises");
        text.push('\n');
        if json.as_os_str() == "-" {
            use std::io::Write;
            std::io::stdout()
                .lock()
                .write_all(text.as_bytes())
                .map_err(|e| Error::io("<stdout>", &e))?;
        } else {
            crate::output::write_atomic(json, text.as_bytes())?;
        }
    }
    Ok(ok)
}

enum Event {
    Started(usize),
    Done(usize, Box<Record>, Option<Entry>),
}

/// What every worker shares.
struct Context<'a> {
    out: &'a Path,
    /// Where edit reports go (`--out` unless `--report DIR`).
    reports: &'a Path,
    force: bool,
    manifests: &'a Manifests,
    converter: &'a dyn Converter,
    /// Every input of the run (canonical paths): no output may replace one.
    all_inputs: &'a BTreeSet<PathBuf>,
}

/// A document's files as they are made: each goes to a temporary file beside its
/// place at once (a long document's editions are never all held), and all are
/// put in place together once the document has converted.
struct Staging<'a> {
    job: &'a Job,
    context: &'a Context<'a>,
    staged: Vec<(crate::output::Staged, PathBuf)>,
    outputs: Vec<OutputRecord>,
    /// Why a file could not be staged (the conversion stops there).
    failure: Option<String>,
}

impl<'a> Staging<'a> {
    fn new(job: &'a Job, context: &'a Context<'a>) -> Staging<'a> {
        Staging {
            job,
            context,
            staged: Vec::new(),
            outputs: Vec::new(),
            failure: None,
        }
    }

    /// Writes `file` beside its place inside `--out` (an edit report inside
    /// its own folder), never over an input.
    fn stage(&mut self, file: OutputFile) -> Result<(), Error> {
        let (job, context) = (self.job, self.context);
        let root = match file.made {
            Made::Edition { .. } => context.out,
            Made::Report => context.reports,
        };
        let path = if job.folder.is_empty() {
            root.join(&file.name)
        } else {
            root.join(&job.folder).join(&file.name)
        };
        let staged = crate::output::confine(root, &path).and_then(|real| {
            if context.all_inputs.contains(&real) {
                return Err(Error::new(
                    path.display().to_string(),
                    "is also an input; choose another output folder",
                ));
            }
            Ok((
                crate::output::stage_confined(&real, &path, &file.bytes)?,
                real,
            ))
        });
        match staged {
            Ok(staged) => self.staged.push(staged),
            Err(e) => {
                self.failure = Some(e.to_string());
                return Err(e);
            }
        }
        // The manifest lists the editions; a report goes with them when it is
        // among them.
        let (format, edition) = match &file.made {
            Made::Edition { format, edition } => (format.name(), edition.clone()),
            Made::Report if context.reports == context.out => ("report", String::new()),
            Made::Report => return Ok(()),
        };
        self.outputs.push(OutputRecord {
            path: if job.folder.is_empty() {
                file.name.clone()
            } else {
                format!("{}/{}", job.folder, file.name)
            },
            format: format.to_string(),
            edition,
            bytes: file.bytes.len() as u64,
            sha256: sha256_hex(&file.bytes),
        });
        Ok(())
    }

    /// Puts every staged file in place; if one cannot be, none stays (those
    /// already placed are removed, the rest dropped with their temporary files).
    fn place(self) -> Result<Vec<OutputRecord>, String> {
        let mut placed: Vec<PathBuf> = Vec::new();
        for (file, real) in self.staged {
            if let Err(e) = file.commit() {
                for path in placed {
                    let _ = std::fs::remove_file(path);
                }
                return Err(Error::io(real.display().to_string(), &e).to_string());
            }
            placed.push(real);
        }
        Ok(self.outputs)
    }
}

/// Reads, checks, converts and writes one document; never panics.
fn process(job: &Job, context: &Context) -> (Record, Option<Entry>) {
    let started = Instant::now();
    let _working = crate::memory::WorkingOn::new(&job.name);
    let relative = &job.file.relative;
    let fail = |reason: String, timing: Timing| {
        let mut record = Record::failed(&job.name, relative, reason);
        record.timing = timing;
        (record, None)
    };
    if let Some(why) = &job.blocked {
        return fail(why.clone(), Timing::default());
    }
    let settings = match &job.settings {
        Ok(settings) => settings,
        Err(why) => return fail(why.clone(), Timing::default()),
    };
    let bytes = match crate::input::read_file(&job.file.path) {
        Ok(bytes) => bytes,
        Err(e) => return fail(e.reason, Timing::default()),
    };
    let sha256 = sha256_hex(&bytes);
    let mut timing = Timing {
        read_ms: millis(started),
        ..Timing::default()
    };
    let options = context.converter.options(settings);
    if !context.force {
        if let Some(entry) = context
            .manifests
            .up_to_date(context.out, relative, &sha256, &options)
        {
            timing.total_ms = millis(started);
            let record = Record {
                sha256: Some(sha256),
                outputs: entry.outputs.clone(),
                warnings: entry.warnings.clone(),
                timing,
                ..Record::new(&job.name, relative, Status::UpToDate)
            };
            return (record, Some(entry));
        }
    }
    let converting = Instant::now();
    let mut staging = Staging::new(job, context);
    let converted = crate::input::pdf::quietly(|| {
        context
            .converter
            .convert(&job.name, &bytes, &job.stem, settings, &mut |file| {
                staging.stage(file)
            })
    });
    drop(bytes);
    timing.convert_ms = millis(converting);
    let warnings = match (converted, staging.failure.take()) {
        (_, Some(reason)) => {
            timing.total_ms = millis(started);
            return fail(reason, timing);
        }
        (Ok(Ok(warnings)), None) => warnings,
        (Ok(Err(e)), None) => {
            timing.total_ms = millis(started);
            return fail(e.reason, timing);
        }
        (Err(panic), None) => {
            timing.total_ms = millis(started);
            return fail(format!("internal error, please report it: {panic}"), timing);
        }
    };
    let writing = Instant::now();
    let placed = staging.place();
    timing.write_ms = millis(writing);
    timing.total_ms = millis(started);
    let outputs = match placed {
        Ok(outputs) => outputs,
        Err(reason) => {
            let mut record = Record::failed(&job.name, relative, reason);
            record.sha256 = Some(sha256);
            record.warnings = warnings;
            record.timing = timing;
            return (record, None);
        }
    };
    let entry = Entry {
        sha256: sha256.clone(),
        offprint: env!("CARGO_PKG_VERSION").into(),
        options,
        outputs: outputs.clone(),
        warnings: warnings.clone(),
    };
    let record = Record {
        sha256: Some(sha256),
        outputs,
        warnings,
        timing,
        ..Record::new(&job.name, relative, Status::Converted)
    };
    (record, Some(entry))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_balanced_and_cover_every_input_once() {
        let names: Vec<String> = (0..100).map(|k| format!("dir/doc-{k}.pdf")).collect();
        let paths: Vec<&str> = names.iter().map(String::as_str).collect();
        for count in 1..=7 {
            let assigned = shard_assignment(&paths, count);
            let mut sizes = vec![0; count];
            for &s in &assigned {
                assert!((1..=count).contains(&s));
                sizes[s - 1] += 1;
            }
            let (min, max) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
            assert!(max - min <= 1, "{sizes:?}");
            // The same inputs in another order are dealt out the same.
            let mut reversed = paths.clone();
            reversed.reverse();
            let again = shard_assignment(&reversed, count);
            for (k, path) in reversed.iter().enumerate() {
                let original = paths.iter().position(|p| p == path).unwrap();
                assert_eq!(again[k], assigned[original]);
            }
        }
        assert_eq!(
            "2/3".parse::<Shard>().unwrap(),
            Shard { index: 2, count: 3 }
        );
        for bad in ["0/3", "4/3", "3", "a/b", "1/0"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_assignment_is_pinned() {
        // Other tools may reproduce the split (the README says how): these
        // values must not change. Python gives the same:
        // order = sorted((int(sha256(p).hexdigest()[:16], 16), p) for p in paths)
        // shard = rank % n + 1
        let paths = ["a.pdf", "b.pdf", "c/d.txt", "e.md", "f/g/h.pdf"];
        assert_eq!(shard_assignment(&paths, 2), [2, 1, 2, 1, 1]);
        assert_eq!(shard_assignment(&paths, 3), [1, 3, 2, 2, 1]);
        assert_eq!(shard_assignment(&paths, 1), [1, 1, 1, 1, 1]);
    }
}
