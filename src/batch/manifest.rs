//! The manifest of an output folder: for each input, the SHA-256 of its
//! bytes, the options it was converted with, the offprint version, and each
//! output with its size and SHA-256. An input whose entry still matches, and
//! whose outputs are all there unchanged, is not converted again.
//!
//! An unsharded run keeps `.offprint-manifest.json`; shard K of N keeps
//! `.offprint-manifest.K-of-N.json`, so the folders of the shards can be put
//! together without one manifest overwriting another. Every run reads all of
//! them; each writes only its own.

use super::{Shard, Warning};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const FORMAT: &str = "offprint-manifest";
pub const VERSION: u32 = 1;
const PREFIX: &str = ".offprint-manifest";

/// The manifest file name of an unsharded run or of one shard.
pub fn file_name(shard: Option<Shard>) -> String {
    match shard {
        None => format!("{PREFIX}.json"),
        Some(shard) => format!("{PREFIX}.{}-of-{}.json", shard.index, shard.count),
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

/// The manifests of an output folder: this run's own and the others.
#[derive(Debug, Default)]
pub struct Manifests {
    pub own_name: String,
    pub own: Manifest,
    /// Whether this run's manifest was there before it.
    own_existed: bool,
    /// Entries of every manifest in the folder, own first, by name after.
    all: Vec<BTreeMap<String, Entry>>,
    /// Manifests that could not be read, with why (they are ignored).
    pub unreadable: Vec<(PathBuf, String)>,
}

impl Manifests {
    /// Reads every manifest of `out`.
    pub fn load(out: &Path, shard: Option<Shard>) -> Manifests {
        let own_name = file_name(shard);
        let mut manifests = Manifests {
            own_name: own_name.clone(),
            own: Manifest {
                format: FORMAT.into(),
                version: VERSION,
                inputs: BTreeMap::new(),
            },
            ..Default::default()
        };
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
                        manifests.own = manifest.clone();
                        manifests.own_existed = true;
                    }
                    manifests.all.push(manifest.inputs);
                }
                Err(why) => manifests.unreadable.push((path, why)),
            }
        }
        manifests
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

    /// Records the outcome of this run for one input: its entry, or none
    /// when it failed.
    pub fn record(&mut self, relative: &str, entry: Option<Entry>) {
        match entry {
            Some(entry) => {
                self.own.inputs.insert(relative.to_string(), entry);
            }
            None => {
                self.own.inputs.remove(relative);
            }
        }
    }

    /// Writes this run's manifest (whole or not at all); nothing when it
    /// would be empty and there was none.
    pub fn save(&self, out: &Path) -> Result<(), crate::Error> {
        if self.own.inputs.is_empty() && !self.own_existed {
            return Ok(());
        }
        let mut text = serde_json::to_string_pretty(&self.own).expect("the manifest serialises");
        text.push('\n');
        crate::output::write_atomic(&out.join(&self.own_name), text.as_bytes())
    }
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
