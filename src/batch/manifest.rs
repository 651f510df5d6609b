//! The manifest of an output folder: for each input, the SHA-256 of its
//! bytes, the options it was converted with, the offprint version, and each
//! output with its size and SHA-256. An input whose entry still matches, and
//! whose outputs are all there unchanged, is not converted again.
//!
//! An unsharded run keeps `.offprint-manifest.json`; shard K of N keeps
//! `.offprint-manifest.K-of-N.json`, so the folders of the shards can be put
//! together without one manifest overwriting another. Every run reads all of
//! them; each writes only its own.
//!
//! While a run goes on, each finished input is also appended as one line to
//! a journal beside the manifest (`.offprint-manifest.jsonl`, or
//! `.offprint-manifest.K-of-N.jsonl`). A run stopped before its end (a job
//! runner's timeout, Ctrl-C) leaves the journal, and the next run takes its
//! lines over the manifest: the documents finished before the stop are not
//! converted again. A run that ends writes the whole manifest and removes
//! the journal.

use super::{Shard, Warning};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const FORMAT: &str = "offprint-manifest";
pub const VERSION: u32 = 1;
const PREFIX: &str = ".offprint-manifest";

/// The manifest file name of an unsharded run or of one shard.
pub fn file_name(shard: Option<Shard>) -> String {
    format!("{}.json", base_name(shard))
}

/// The journal file name of an unsharded run or of one shard.
fn journal_name(shard: Option<Shard>) -> String {
    format!("{}.jsonl", base_name(shard))
}

fn base_name(shard: Option<Shard>) -> String {
    match shard {
        None => PREFIX.to_string(),
        Some(shard) => format!("{PREFIX}.{}-of-{}", shard.index, shard.count),
    }
}

/// What the manifest knows of one input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// SHA-256 of the input bytes.
    pub sha256: String,
    /// The offprint version that wrote the outputs.
    pub offprint: String,
    /// Everything besides the input that decides the outputs.
    pub options: serde_json::Value,
    pub outputs: Vec<OutputRecord>,
    /// What the conversion warned about (repeated when the input is skipped).
    #[serde(default)]
    pub warnings: Vec<Warning>,
}

/// One output file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutputRecord {
    /// Relative to the output folder, `/` between folders.
    pub path: String,
    pub format: String,
    pub edition: String,
    pub bytes: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub version: u32,
    /// By input path relative to the root of the inputs.
    pub inputs: BTreeMap<String, Entry>,
}

/// What the manifests of an output folder held when the run started: this
/// run's own (with its journal) and the others, for deciding what is up to
/// date.
#[derive(Debug, Default)]
pub struct Manifests {
    /// Entries of every manifest in the folder, own first, by name after.
    all: Vec<BTreeMap<String, Entry>>,
    /// Manifests that could not be read, with why (they are ignored).
    pub unreadable: Vec<(PathBuf, String)>,
}

/// The manifest this run writes: what it knew at the start, updated as
/// inputs finish; each update is journalled at once.
#[derive(Debug)]
pub struct OwnManifest {
    /// The output folder the manifest and journal stay inside.
    out: PathBuf,
    path: PathBuf,
    journal_path: PathBuf,
    manifest: Manifest,
    /// Whether this run's manifest or journal was there before it.
    existed: bool,
    /// Open once the first update is journalled.
    journal: Option<std::fs::File>,
}

/// One line of a journal.
#[derive(Serialize, Deserialize)]
struct JournalLine {
    input: String,
    /// `None` when the input failed: its old entry no longer holds.
    entry: Option<Entry>,
}

impl Manifests {
    /// Reads every manifest of `out`, and this run's journal if a stopped
    /// run left one.
    pub fn load(out: &Path, shard: Option<Shard>) -> (Manifests, OwnManifest) {
        let own_name = file_name(shard);
        let mut own = OwnManifest {
            out: out.to_path_buf(),
            path: out.join(&own_name),
            journal_path: out.join(journal_name(shard)),
            manifest: Manifest {
                format: FORMAT.into(),
                version: VERSION,
                inputs: BTreeMap::new(),
            },
            existed: false,
            journal: None,
        };
        let mut manifests = Manifests::default();
        let mut names: Vec<String> = std::fs::read_dir(out)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.starts_with(PREFIX) && n.ends_with(".json"))
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        // Own manifest first: its entries are the most likely to match.
        names.sort_by_key(|n| *n != own_name);
        for name in names {
            let path = out.join(&name);
            let parsed = std::fs::read(&path)
                .map_err(|e| e.to_string())
                .and_then(|bytes| {
                    serde_json::from_slice::<Manifest>(&bytes).map_err(|e| e.to_string())
                })
                .and_then(|m| {
                    if m.format == FORMAT && m.version == VERSION {
                        Ok(m)
                    } else {
                        Err(format!("not an {FORMAT} version {VERSION}"))
                    }
                });
            match parsed {
                Ok(manifest) => {
                    if name == own_name {
                        own.manifest = manifest.clone();
                        own.existed = true;
                    }
                    manifests.all.push(manifest.inputs);
                }
                Err(why) => manifests.unreadable.push((path, why)),
            }
        }
        let own_was_read = own.existed; // then it is first in `all`
        if own.replay_journal() {
            // The journal is newer than every manifest: what it makes of this
            // run's own manifest replaces it, and comes first.
            if own_was_read {
                manifests.all[0] = own.manifest.inputs.clone();
            } else {
                manifests.all.insert(0, own.manifest.inputs.clone());
            }
        }
        (manifests, own)
    }

    /// Every output the manifests list that is there (canonical paths).
    pub fn output_paths(&self, out: &Path) -> std::collections::BTreeSet<PathBuf> {
        self.all
            .iter()
            .flat_map(|entries| entries.values())
            .flat_map(|entry| entry.outputs.iter())
            .filter_map(|output| std::fs::canonicalize(out.join(&output.path)).ok())
            .collect()
    }

    /// The entry that makes `relative` up to date: same input bytes, same
    /// options, same offprint, and every output still there unchanged.
    pub fn up_to_date(
        &self,
        out: &Path,
        relative: &str,
        sha256: &str,
        options: &serde_json::Value,
    ) -> Option<Entry> {
        self.all
            .iter()
            .filter_map(|entries| entries.get(relative))
            .find(|entry| {
                entry.sha256 == sha256
                    && entry.offprint == env!("CARGO_PKG_VERSION")
                    && entry.options == *options
                    && !entry.outputs.is_empty()
                    && entry.outputs.iter().all(|o| unchanged(out, o))
            })
            .cloned()
    }
}

impl OwnManifest {
    /// Takes the lines of a journal left by a stopped run over the
    /// manifest; `true` when there was one. A last line cut short by the
    /// stop is ignored.
    fn replay_journal(&mut self) -> bool {
        let Ok(text) = std::fs::read_to_string(&self.journal_path) else {
            return false;
        };
        for line in text.lines() {
            if let Ok(JournalLine { input, entry }) = serde_json::from_str(line) {
                self.apply(input, entry);
            }
        }
        self.existed = true;
        true
    }

    fn apply(&mut self, relative: String, entry: Option<Entry>) {
        match entry {
            Some(entry) => {
                self.manifest.inputs.insert(relative, entry);
            }
            None => {
                self.manifest.inputs.remove(&relative);
            }
        }
    }

    /// Records the outcome of this run for one input — its entry, or none
    /// when it failed — and appends it to the journal, so that it survives
    /// a stop before the end of the run.
    pub fn record(&mut self, relative: &str, entry: Option<Entry>) -> Result<(), crate::Error> {
        use std::io::Write;
        if self.manifest.inputs.get(relative) == entry.as_ref() {
            return Ok(()); // nothing new: up to date, or failed and unknown
        }
        let mut line = serde_json::to_string(&JournalLine {
            input: relative.to_string(),
            entry: entry.clone(),
        })
        .expect("a journal line serialises");
        line.push('\n');
        self.apply(relative.to_string(), entry);
        let journal = match &mut self.journal {
            Some(journal) => journal,
            None => {
                let path = crate::output::confine(&self.out, &self.journal_path)?;
                self.journal.insert(open_for_appending(&path)?)
            }
        };
        journal
            .write_all(line.as_bytes())
            .map_err(|e| crate::Error::io(self.journal_path.display().to_string(), &e))
    }

    /// Writes this run's manifest (whole or not at all) and removes the
    /// journal; nothing when it would be empty and there was none.
    pub fn save(&mut self) -> Result<(), crate::Error> {
        self.journal = None;
        if self.manifest.inputs.is_empty() && !self.existed {
            return Ok(());
        }
        let mut text =
            serde_json::to_string_pretty(&self.manifest).expect("the manifest serialises");
        text.push('\n');
        crate::output::write_within(&self.out, &self.path, text.as_bytes())?;
        match std::fs::remove_file(&self.journal_path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(crate::Error::io(
                self.journal_path.display().to_string(),
                &e,
            )),
            _ => Ok(()),
        }
    }
}

fn open_for_appending(path: &Path) -> Result<std::fs::File, crate::Error> {
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder)
            .map_err(|e| crate::Error::io(folder.display().to_string(), &e))?;
    }
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| crate::Error::io(path.display().to_string(), &e))
}

fn unchanged(out: &Path, output: &OutputRecord) -> bool {
    let path = out.join(&output.path);
    match std::fs::metadata(&path) {
        Ok(meta) if meta.is_file() && meta.len() == output.bytes => {
            std::fs::read(&path).is_ok_and(|bytes| super::sha256_hex(&bytes) == output.sha256)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(sha256: &str) -> Entry {
        Entry {
            sha256: sha256.into(),
            offprint: env!("CARGO_PKG_VERSION").into(),
            options: serde_json::json!({}),
            outputs: Vec::new(),
            warnings: Vec::new(),
        }
    }

    fn inputs(entries: &BTreeMap<String, Entry>) -> Vec<(&str, &str)> {
        entries
            .iter()
            .map(|(input, entry)| (input.as_str(), entry.sha256.as_str()))
            .collect()
    }

    #[test]
    fn a_journal_left_by_a_stopped_run_is_taken_over_the_manifest() {
        let dir = std::env::temp_dir().join(format!("offprint-journal-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let journal = dir.join(journal_name(None));

        // A run that ends: a whole manifest, no journal.
        let (_, mut own) = Manifests::load(&dir, None);
        own.record("a.txt", Some(entry("1"))).unwrap();
        own.record("b.txt", Some(entry("2"))).unwrap();
        assert!(journal.exists(), "journalled as they finish");
        own.save().unwrap();
        assert!(!journal.exists());

        // A run stopped after three inputs (b up to date, a failed, c
        // converted), its last line cut short by the stop.
        let (_, mut own) = Manifests::load(&dir, None);
        own.record("b.txt", Some(entry("2"))).unwrap();
        assert!(!journal.exists(), "nothing new, nothing journalled");
        own.record("a.txt", None).unwrap();
        own.record("c.txt", Some(entry("3"))).unwrap();
        drop(own);
        let mut text = std::fs::read_to_string(&journal).unwrap();
        text.push_str(r#"{"input":"d.txt","entry":{"sha"#);
        std::fs::write(&journal, text).unwrap();

        let (manifests, own) = Manifests::load(&dir, None);
        assert_eq!(
            manifests.all.len(),
            1,
            "the journal replaces the manifest it updates"
        );
        assert_eq!(
            inputs(&own.manifest.inputs),
            [("b.txt", "2"), ("c.txt", "3")]
        );
        assert_eq!(inputs(&manifests.all[0]), [("b.txt", "2"), ("c.txt", "3")]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
