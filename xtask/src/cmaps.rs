//! `cargo xtask cmaps`: CID → Unicode tables for the four Adobe CJK character
//! collections, made from the Unicode → CID CMaps that Debian's `poppler-data`
//! installs (Adobe's files, under Adobe's BSD-3-Clause licence, which each
//! file's header holds). `poppler-data`'s `cidToUnicode/` folder is under a
//! different licence and is not used.
//!
//! Each `UniXX-UTF32-H` CMap maps Unicode code points to CIDs (`cidchar` and
//! `cidrange` entries). Inverted, several code points can land on one CID (a
//! Kangxi radical and its unified ideograph, a compatibility ideograph, a
//! full-width form); the table keeps the lowest code point outside those
//! compatibility blocks, and a compatibility code point only when nothing
//! else maps to the CID.
//!
//! The tables go to `src/input/pdf/cid/Adobe-<Ordering>.bin`, with a
//! `LICENSE` (the headers' licence texts) and a `README.md` naming the
//! source files and their SHA-256. `cargo xtask cmaps --check` checks the
//! sources' SHA-256 and regenerates everything in memory, failing if any
//! committed file differs.
//!
//! Table format (read by `offprint::input::pdf::cid`): the magic `OCID1`,
//! then a LEB128 count of runs, then for each run of consecutive CIDs mapped
//! to consecutive code points, three LEB128 numbers: the gap from the end of
//! the previous run's CIDs, the zigzag-coded difference between its first
//! code point and the previous run's last code point + 1, and its length − 1.

use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

struct Source {
    ordering: &'static str,
    /// Path under poppler-data's CMap folder.
    path: &'static str,
    sha256: &'static str,
}

const CMAP_DIR: &str = "/usr/share/poppler/cMap";

const SOURCES: &[Source] = &[
    Source {
        ordering: "GB1",
        path: "Adobe-GB1/UniGB-UTF32-H",
        sha256: "ac2fe0ff7876345122fdd9eb38629644b5660054c002027fa0e1b0694d430188",
    },
    Source {
        ordering: "CNS1",
        path: "Adobe-CNS1/UniCNS-UTF32-H",
        sha256: "be10503afb2d8c081c8ceb62d39b107f23022646e3204d99c0a9e9b4c441b9b8",
    },
    Source {
        ordering: "Japan1",
        path: "Adobe-Japan1/UniJIS-UTF32-H",
        sha256: "1c6a4b07e994dfb29e32522a928e86cfa3d18dfd3ae287044de97a923fa578fd",
    },
    Source {
        ordering: "Korea1",
        path: "Adobe-Korea1/UniKS-UTF32-H",
        sha256: "576367b865cd64eee2b9a70824176597e0f0639b4a4073b13078a2d9fd6ebd0c",
    },
];

pub const MAGIC: &[u8] = b"OCID1";

fn out_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .join("src/input/pdf/cid")
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Code points whose glyphs are a compatibility or presentation form of
/// another character: chosen only when nothing else maps to the CID.
fn is_compatibility(cp: u32) -> bool {
    matches!(cp, 0xF900..=0xFAFF | 0x2F00..=0x2FDF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF)
}

fn hex(token: &str) -> Result<u32, String> {
    let inner = token
        .strip_prefix('<')
        .and_then(|t| t.strip_suffix('>'))
        .ok_or_else(|| format!("expected <hex>, found {token:?}"))?;
    u32::from_str_radix(inner, 16).map_err(|e| format!("{token:?}: {e}"))
}

fn number(token: &str) -> Result<u32, String> {
    token
        .parse()
        .map_err(|e| format!("expected a CID, found {token:?}: {e}"))
}

/// The CMap's Unicode → CID entries, inverted into CID → chosen code point.
pub fn invert(text: &str) -> Result<BTreeMap<u32, u32>, String> {
    let mut candidates: BTreeMap<u32, u32> = BTreeMap::new();
    let mut offer = |cid: u32, cp: u32| {
        let key = |c: u32| (is_compatibility(c), c);
        candidates
            .entry(cid)
            .and_modify(|best| {
                if key(cp) < key(*best) {
                    *best = cp;
                }
            })
            .or_insert(cp);
    };
    let mut tokens = text
        .lines()
        .filter(|l| !l.starts_with('%'))
        .flat_map(str::split_whitespace);
    let (mut chars, mut ranges) = (0usize, 0usize);
    while let Some(token) = tokens.next() {
        match token {
            "begincidchar" => loop {
                let code = tokens.next().ok_or("cidchar block not closed")?;
                if code == "endcidchar" {
                    break;
                }
                let cid = number(tokens.next().ok_or("cidchar entry cut short")?)?;
                offer(cid, hex(code)?);
                chars += 1;
            },
            "begincidrange" => loop {
                let low = tokens.next().ok_or("cidrange block not closed")?;
                if low == "endcidrange" {
                    break;
                }
                let (low, high) = (
                    hex(low)?,
                    hex(tokens.next().ok_or("cidrange entry cut short")?)?,
                );
                let cid = number(tokens.next().ok_or("cidrange entry cut short")?)?;
                if high < low || high - low > 0x10000 {
                    return Err(format!("bad cidrange <{low:x}> <{high:x}>"));
                }
                for (i, cp) in (low..=high).enumerate() {
                    offer(cid + i as u32, cp);
                }
                ranges += 1;
            },
            _ => {}
        }
    }
    if chars + ranges == 0 {
        return Err("no cidchar or cidrange entries".into());
    }
    Ok(candidates)
}

fn leb128(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// The compact table of a CID → code point map.
pub fn encode(map: &BTreeMap<u32, u32>) -> Vec<u8> {
    let mut runs: Vec<(u32, u32, u32)> = Vec::new();
    for (&cid, &cp) in map {
        match runs.last_mut() {
            Some((c, u, len)) if *c + *len == cid && *u + *len == cp => *len += 1,
            _ => runs.push((cid, cp, 1)),
        }
    }
    let mut out = MAGIC.to_vec();
    leb128(&mut out, runs.len() as u64);
    let (mut next_cid, mut next_cp) = (0i64, 0i64);
    for (cid, cp, len) in runs {
        leb128(&mut out, (i64::from(cid) - next_cid) as u64);
        let delta = i64::from(cp) - next_cp;
        leb128(&mut out, ((delta << 1) ^ (delta >> 63)) as u64);
        leb128(&mut out, u64::from(len - 1));
        next_cid = i64::from(cid + len);
        next_cp = i64::from(cp + len);
    }
    out
}

/// The licence text of a CMap's header (its `%%Copyright:` lines).
fn licence(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("%%Copyright:") {
            let rest = rest.strip_prefix(' ').unwrap_or(rest).trim_end();
            if !rest.chars().all(|c| c == '-') || rest.is_empty() {
                out.push_str(rest);
                out.push('\n');
            }
        }
    }
    out.trim().to_owned() + "\n"
}

/// Every file the task writes, by name, made from the sources.
fn generate() -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut files = Vec::new();
    let mut licence_text = String::from(
        "The tables in this folder are derived from Adobe's CMap files named in\n\
         README.md, which carry the following licence.\n",
    );
    let mut readme = String::from(
        "# CID → Unicode tables\n\n\
         Made by `cargo xtask cmaps` (see `xtask/src/cmaps.rs`) from Adobe's\n\
         Unicode → CID CMaps as Debian's `poppler-data` package installs them\n\
         (under `/usr/share/poppler/cMap/`), inverted: for each CID, the lowest code\n\
         point mapped to it outside the compatibility blocks (U+2F00–2FDF,\n\
         U+F900–FAFF, U+FE30–FE4F, U+FF00–FFEF), else the lowest one. The\n\
         licence of the sources is in `LICENSE` (BSD-3-Clause); poppler-data's\n\
         `cidToUnicode/` files are not used. `cargo xtask cmaps --check` checks\n\
         the sources and that these files are what they make.\n\n\
         | Table | Source | SHA-256 of the source | CIDs | Bytes |\n\
         |---|---|---|---|---|\n",
    );
    for source in SOURCES {
        let path = Path::new(CMAP_DIR).join(source.path);
        let bytes = std::fs::read(&path).map_err(|e| {
            format!(
                "{}: {e} (install Debian's poppler-data package)",
                path.display()
            )
        })?;
        let got = sha256_hex(&bytes);
        if got != source.sha256 {
            return Err(format!(
                "{}: SHA-256 is {got}, expected {} (poppler-data changed)",
                path.display(),
                source.sha256
            ));
        }
        let text = String::from_utf8(bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        let map = invert(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let table = encode(&map);
        let name = format!("Adobe-{}.bin", source.ordering);
        readme.push_str(&format!(
            "| `{name}` | `{}` | `{got}` | {} | {} |\n",
            source.path,
            map.len(),
            table.len()
        ));
        licence_text.push_str(&format!(
            "\n---- {} ----\n\n{}",
            source.path,
            licence(&text)
        ));
        files.push((name, table));
    }
    files.push(("LICENSE".into(), licence_text.into_bytes()));
    files.push(("README.md".into(), readme.into_bytes()));
    Ok(files)
}

pub fn run(mut args: impl Iterator<Item = String>) -> Result<(), String> {
    let check_only = match args.next().as_deref() {
        None => false,
        Some("--check") => true,
        Some(other) => return Err(format!("unknown argument {other:?} (expected --check)")),
    };
    let files = generate()?;
    let dir = out_dir();
    if check_only {
        let mut bad = Vec::new();
        for (name, bytes) in &files {
            let path = dir.join(name);
            let ok = std::fs::read(&path).is_ok_and(|have| &have == bytes);
            println!("{} {name}", if ok { "ok " } else { "BAD" });
            if !ok {
                bad.push(name.as_str());
            }
        }
        return if bad.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "not what `cargo xtask cmaps` makes: {}",
                bad.join(", ")
            ))
        };
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for (name, bytes) in &files {
        std::fs::write(dir.join(name), bytes).map_err(|e| format!("{name}: {e}"))?;
        println!("wrote {name} ({} bytes)", bytes.len());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compatibility_forms_lose_to_unified_ones() {
        let cmap = "begincmap\n2 begincidchar\n<00002f00> 1\n<00004e00> 1\nendcidchar\n\
                    1 begincidrange\n<0000ff01> <0000ff02> 7\nendcidrange\n\
                    1 begincidchar\n<00000021> 8\nendcidchar\nendcmap\n";
        let map = invert(cmap).expect("parses");
        assert_eq!(map.get(&1), Some(&0x4e00));
        assert_eq!(map.get(&7), Some(&0xff01));
        assert_eq!(map.get(&8), Some(&0x21));
    }

    #[test]
    fn runs_are_encoded_compactly() {
        let map: BTreeMap<u32, u32> = (1..=95).map(|c| (c, c + 31)).collect();
        let table = encode(&map);
        assert_eq!(&table[..5], MAGIC);
        // one run: count, gap 1, delta 32 (zigzag 64), length-1 94
        assert_eq!(&table[5..], &[1, 1, 64, 94]);
    }
}
