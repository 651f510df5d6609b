//! The one subsetting path of every writer: keep only the glyphs an output
//! uses, with the `subsetter` crate. Glyphs are renumbered densely from 1
//! (0 stays `.notdef`), and the new glyph ids are the CIDs a PDF writer uses
//! with Identity-H (the subset has no `cmap`; the writer supplies ToUnicode).
//!
//! A writer whose reader lays the text out itself (DOCX: Word, LibreOffice)
//! needs a font that stands alone: [`installable`] takes the same subset and
//! adds a `cmap` for the characters asked for and the face's `OS/2`, with its
//! embedding bits cleared when the licence allows it.

use super::Face;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};

/// A face cut down to the glyphs one output uses.
#[derive(Debug, Clone)]
pub struct Subset {
    /// The subset font program (TrueType outlines stay TrueType).
    pub bytes: Vec<u8>,
    /// Original glyph id → glyph id in the subset (= the CID).
    pub remap: BTreeMap<u16, u16>,
    /// Advance width of each new glyph id, in font units.
    pub advances: BTreeMap<u16, u16>,
    /// The six-letter tag that marks a subset font's name (`ABCDEF+Name`),
    /// derived from the glyph set so the same glyphs give the same tag.
    pub tag: String,
}

/// Subsets `face` to `glyphs` (plus `.notdef`), numbered in their order.
pub fn subset(face: &Face, glyphs: &BTreeSet<u16>) -> Result<Subset, String> {
    let mut remapper = subsetter::GlyphRemapper::new();
    for &gid in glyphs {
        remapper.remap(gid);
    }
    subset_with(face, &remapper, glyphs)
}

/// Subsets `face` to `glyphs` (plus `.notdef`), numbered as `remapper` says
/// (a writer that gave glyphs their new ids as it met them).
pub fn subset_with(
    face: &Face,
    remapper: &subsetter::GlyphRemapper,
    glyphs: &BTreeSet<u16>,
) -> Result<Subset, String> {
    let bytes = subsetter::subset(face.data, face.index, remapper)
        .map_err(|e| format!("cannot subset {}: {e}", face.post_script_name))?;
    let parsed = ttf_parser::Face::parse(face.data, face.index)
        .map_err(|e| format!("cannot read {}: {e}", face.post_script_name))?;
    let mut remap = BTreeMap::new();
    let mut advances = BTreeMap::new();
    for gid in std::iter::once(0).chain(glyphs.iter().copied()) {
        if let Some(new) = remapper.get(gid) {
            remap.insert(gid, new);
            let advance = parsed
                .glyph_hor_advance(ttf_parser::GlyphId(gid))
                .unwrap_or(0);
            advances.insert(new, advance);
        }
    }
    let mut hasher = Sha256::new();
    hasher.update(face.post_script_name.as_bytes());
    for gid in glyphs {
        hasher.update(gid.to_be_bytes());
    }
    let digest = hasher.finalize();
    let tag = digest[..6]
        .iter()
        .map(|b| char::from(b'A' + b % 26))
        .collect();
    Ok(Subset {
        bytes,
        remap,
        advances,
        tag,
    })
}

/// A subset that works as a font file of its own (see [`installable`]).
#[derive(Debug, Clone)]
pub struct Installable {
    /// The font program: the subset's tables, a `cmap` and an `OS/2`.
    pub bytes: Vec<u8>,
    /// The characters it maps, in code point order.
    pub chars: Vec<char>,
    /// The face's `OS/2` embedding bits (`fsType`) before and after.
    pub fs_type: (u16, u16),
}

/// Why a face cannot be embedded as an installable font.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotEmbeddable {
    /// Its outlines are CFF, which LibreOffice ignores when embedded.
    NotTrueType,
    /// Its `OS/2` forbids embedding (or subsetting) and its licence is not
    /// one that lets that be cleared.
    Restricted(u16),
    /// It could not be read or cut.
    Broken(String),
}

impl std::fmt::Display for NotEmbeddable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotEmbeddable::NotTrueType => write!(f, "its outlines are not TrueType"),
            NotEmbeddable::Restricted(bits) => {
                write!(f, "its licence restricts embedding (fsType {bits:#06x})")
            }
            NotEmbeddable::Broken(why) => f.write_str(why),
        }
    }
}

/// `fsType` bits: restricted licence embedding, and no subsetting.
const FS_RESTRICTED: u16 = 0x0002;
const FS_NO_SUBSETTING: u16 = 0x0100;

/// Whether the face's licence (name IDs 13 and 14) is the SIL Open Font
/// License, which allows embedding, subsetting and editing whatever the
/// `fsType` bits say.
pub fn is_ofl(face: &Face) -> bool {
    let Ok(parsed) = ttf_parser::Face::parse(face.data, face.index) else {
        return false;
    };
    parsed.names().into_iter().any(|name| {
        matches!(name.name_id, 13 | 14)
            && name.to_string().is_some_and(|text| {
                let text = text.to_ascii_lowercase();
                text.contains("open font license")
                    || text.contains("scripts.sil.org/ofl")
                    || text.contains("openfontlicense.org")
            })
    })
}

/// Subsets `face` to the glyphs of `chars` through [`subset`] and makes the
/// result a font of its own: a `cmap` (format 4, and format 12 when a
/// character lies beyond the BMP) maps each character the face covers to
/// its new glyph, and the face's `OS/2` comes along with `usFirst/LastCharIndex`
/// set to the subset's and `fsType` 0 (installable) when the face allows it
/// or its licence is the OFL.
pub fn installable(face: &Face, chars: &BTreeSet<char>) -> Result<Installable, NotEmbeddable> {
    let parsed = ttf_parser::Face::parse(face.data, face.index).map_err(|e| {
        NotEmbeddable::Broken(format!("cannot read {}: {e}", face.post_script_name))
    })?;
    if parsed.tables().glyf.is_none() {
        return Err(NotEmbeddable::NotTrueType);
    }
    let os2 = parsed
        .raw_face()
        .table(ttf_parser::Tag::from_bytes(b"OS/2"))
        .filter(|t| t.len() >= 68)
        .map(<[u8]>::to_vec);
    let fs_type = os2.as_ref().map_or(0, |t| u16::from_be_bytes([t[8], t[9]]));
    let cleared = if fs_type == 0 || is_ofl(face) {
        0
    } else if fs_type & (FS_RESTRICTED | FS_NO_SUBSETTING) != 0 {
        return Err(NotEmbeddable::Restricted(fs_type));
    } else {
        fs_type
    };
    let mut mapped: Vec<(char, u16)> = chars
        .iter()
        .filter_map(|&c| parsed.glyph_index(c).map(|g| (c, g.0)))
        .collect();
    mapped.sort();
    let glyphs: BTreeSet<u16> = mapped.iter().map(|&(_, g)| g).collect();
    let sub = subset(face, &glyphs).map_err(NotEmbeddable::Broken)?;
    let cmap_entries: Vec<(u32, u16)> = mapped
        .iter()
        .filter_map(|&(c, g)| sub.remap.get(&g).map(|&new| (c as u32, new)))
        .collect();
    let mut extra = vec![(*b"cmap", cmap(&cmap_entries))];
    if let Some(mut table) = os2 {
        table[8..10].copy_from_slice(&cleared.to_be_bytes());
        let bmp: Vec<u32> = cmap_entries
            .iter()
            .map(|&(c, _)| c)
            .filter(|&c| c <= 0xFFFF)
            .collect();
        let first = bmp.first().copied().unwrap_or(0xFFFF) as u16;
        let last = bmp.last().copied().unwrap_or(0xFFFF) as u16;
        table[64..66].copy_from_slice(&first.to_be_bytes());
        table[66..68].copy_from_slice(&last.to_be_bytes());
        extra.push((*b"OS/2", table));
    }
    let bytes = add_tables(&sub.bytes, extra).map_err(NotEmbeddable::Broken)?;
    Ok(Installable {
        bytes,
        chars: mapped.iter().map(|&(c, _)| c).collect(),
        fs_type: (fs_type, cleared),
    })
}

/// A `cmap` table for (code point, glyph) pairs sorted by code point:
/// format 4 (Windows, BMP) and, when needed, format 12 (Windows, full
/// repertoire). Runs where both the character and the glyph go up by one
/// share a segment.
fn cmap(entries: &[(u32, u16)]) -> Vec<u8> {
    // (first char, last char, first glyph) runs.
    let mut runs: Vec<(u32, u32, u16)> = Vec::new();
    for &(c, g) in entries {
        match runs.last_mut() {
            Some((first, last, glyph))
                if c == *last + 1 && u32::from(g) == u32::from(*glyph) + (c - *first) =>
            {
                *last = c
            }
            _ => runs.push((c, c, g)),
        }
    }
    let be16 = |out: &mut Vec<u8>, v: u16| out.extend_from_slice(&v.to_be_bytes());
    let be32 = |out: &mut Vec<u8>, v: u32| out.extend_from_slice(&v.to_be_bytes());

    // Format 4: the BMP runs (cut at U+FFFE), then the closing segment.
    let mut segments: Vec<(u16, u16, u16)> = runs
        .iter()
        .filter(|&&(first, _, _)| first < 0xFFFF)
        .map(|&(first, last, glyph)| {
            let last = last.min(0xFFFE);
            let delta = (u32::from(glyph).wrapping_sub(first) & 0xFFFF) as u16;
            (first as u16, last as u16, delta)
        })
        .collect();
    segments.push((0xFFFF, 0xFFFF, 1));
    let seg_count = segments.len() as u16;
    let entry_selector = 15 - seg_count.leading_zeros() as u16;
    let search_range = 2 * (1u16 << entry_selector);
    let mut f4 = Vec::new();
    be16(&mut f4, 4);
    be16(&mut f4, 16 + 8 * seg_count);
    be16(&mut f4, 0);
    be16(&mut f4, 2 * seg_count);
    be16(&mut f4, search_range);
    be16(&mut f4, entry_selector);
    be16(&mut f4, 2 * seg_count - search_range);
    for s in &segments {
        be16(&mut f4, s.1);
    }
    be16(&mut f4, 0);
    for s in &segments {
        be16(&mut f4, s.0);
    }
    for s in &segments {
        be16(&mut f4, s.2);
    }
    for _ in &segments {
        be16(&mut f4, 0);
    }

    let wide = runs.iter().any(|&(_, last, _)| last > 0xFFFF);
    let mut f12 = Vec::new();
    if wide {
        be16(&mut f12, 12);
        be16(&mut f12, 0);
        be32(&mut f12, 16 + 12 * runs.len() as u32);
        be32(&mut f12, 0);
        be32(&mut f12, runs.len() as u32);
        for &(first, last, glyph) in &runs {
            be32(&mut f12, first);
            be32(&mut f12, last);
            be32(&mut f12, u32::from(glyph));
        }
    }

    let records: u16 = if wide { 2 } else { 1 };
    let mut out = Vec::new();
    be16(&mut out, 0);
    be16(&mut out, records);
    let header = 4 + 8 * u32::from(records);
    be16(&mut out, 3);
    be16(&mut out, 1);
    be32(&mut out, header);
    if wide {
        be16(&mut out, 3);
        be16(&mut out, 10);
        be32(&mut out, header + f4.len() as u32);
    }
    out.extend_from_slice(&f4);
    out.extend_from_slice(&f12);
    out
}

/// The sum of a table's big-endian 32-bit words (zero-padded).
fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, chunk| {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

/// Rebuilds an sfnt with `extra` tables added (or replaced): table records
/// sorted by tag, tables 4-byte aligned, checksums and `head`'s
/// `checkSumAdjustment` computed again.
fn add_tables(font: &[u8], extra: Vec<([u8; 4], Vec<u8>)>) -> Result<Vec<u8>, String> {
    let bad = || "the subset is not a valid sfnt".to_string();
    let read16 = |at: usize| -> Result<u16, String> {
        font.get(at..at + 2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
            .ok_or_else(bad)
    };
    let read32 = |at: usize| -> Result<u32, String> {
        font.get(at..at + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
            .ok_or_else(bad)
    };
    let flavor = read32(0)?;
    let count = usize::from(read16(4)?);
    let mut tables: BTreeMap<[u8; 4], Vec<u8>> = BTreeMap::new();
    for k in 0..count {
        let record = 12 + 16 * k;
        let tag: [u8; 4] = font
            .get(record..record + 4)
            .and_then(|t| t.try_into().ok())
            .ok_or_else(bad)?;
        let offset = read32(record + 8)? as usize;
        let length = read32(record + 12)? as usize;
        let data = font.get(offset..offset + length).ok_or_else(bad)?;
        tables.insert(tag, data.to_vec());
    }
    for (tag, data) in extra {
        tables.insert(tag, data);
    }
    if let Some(head) = tables.get_mut(b"head") {
        if head.len() < 12 {
            return Err(bad());
        }
        head[8..12].fill(0);
    }
    let count = tables.len() as u16;
    let entry_selector = 15 - count.leading_zeros() as u16;
    let search_range = 16 * (1u16 << entry_selector);
    let mut out = Vec::new();
    out.extend_from_slice(&flavor.to_be_bytes());
    for v in [
        count,
        search_range,
        entry_selector,
        count * 16 - search_range,
    ] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    let mut offset = 12 + 16 * tables.len();
    let mut head_at = None;
    for (tag, data) in &tables {
        if tag == b"head" {
            head_at = Some(offset);
        }
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(data).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        offset += data.len().div_ceil(4) * 4;
    }
    for data in tables.values() {
        out.extend_from_slice(data);
        out.resize(out.len().div_ceil(4) * 4, 0);
    }
    if let Some(at) = head_at {
        let adjustment = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[at + 8..at + 12].copy_from_slice(&adjustment.to_be_bytes());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::{script::Class, FontBook, FontOptions, Role};

    #[test]
    fn a_subset_keeps_only_the_glyphs_asked_for() {
        let book = FontBook::new(&FontOptions::default()).unwrap();
        let face = book.face(book.primary(Role::Body, Class::Cjk).unwrap());
        let parsed = ttf_parser::Face::parse(face.data, face.index).unwrap();
        let glyphs: BTreeSet<u16> = "社会工作"
            .chars()
            .map(|c| parsed.glyph_index(c).unwrap().0)
            .collect();
        let sub = subset(face, &glyphs).unwrap();
        let small = ttf_parser::Face::parse(&sub.bytes, 0).unwrap();
        assert_eq!(small.number_of_glyphs(), 5);
        assert!(sub.bytes.len() < 20_000, "{}", sub.bytes.len());
        assert_eq!(sub.remap.len(), 5);
        assert_eq!(sub.tag.len(), 6);
        assert!(sub
            .advances
            .values()
            .skip(1)
            .all(|&a| a == face.units_per_em));
    }

    #[test]
    fn an_installable_subset_maps_its_characters_and_may_be_embedded() {
        let book = FontBook::new(&FontOptions::default()).unwrap();
        for (class, text) in [
            (Class::Cjk, "社会工作，“中国”。"),
            (Class::Latin, "Politique é—x"),
        ] {
            let face = book.face(book.primary(Role::Body, class).unwrap());
            let chars: BTreeSet<char> = text.chars().chain(['\u{10FFFD}']).collect();
            let sub = installable(face, &chars).unwrap();
            let small = ttf_parser::Face::parse(&sub.bytes, 0).unwrap();
            let original = ttf_parser::Face::parse(face.data, face.index).unwrap();
            for c in text.chars() {
                let new = small.glyph_index(c).expect("mapped");
                assert_ne!(new.0, 0, "{c}");
                assert_eq!(
                    small.glyph_hor_advance(new),
                    original.glyph_hor_advance(original.glyph_index(c).unwrap()),
                    "{c}"
                );
            }
            assert!(small.glyph_index('\u{10FFFD}').is_none());
            assert!(!sub.chars.contains(&'\u{10FFFD}'));
            let os2 = small.tables().os2.expect("OS/2 kept");
            assert_eq!(
                os2.permissions(),
                Some(ttf_parser::Permissions::Installable)
            );
            assert_eq!(sub.fs_type.1, 0);
            assert_eq!(
                small
                    .names()
                    .into_iter()
                    .find(|n| n.name_id == 1 && n.is_unicode())
                    .and_then(|n| n.to_string()),
                Some(face.family.clone())
            );
            // The whole file checks out: checkSumAdjustment makes it 0xB1B0AFBA.
            assert_eq!(checksum(&sub.bytes), 0xB1B0_AFBA);
        }
        assert!(is_ofl(
            book.face(book.primary(Role::Body, Class::Latin).unwrap())
        ));
    }

    #[test]
    fn a_cmap_beyond_the_bmp_has_format_12() {
        let table = cmap(&[(0x41, 1), (0x42, 2), (0x20000, 3)]);
        let parsed = ttf_parser::cmap::Table::parse(&table).unwrap();
        let mut count = 0;
        for sub in parsed.subtables {
            count += 1;
            assert_eq!(sub.glyph_index(0x42), Some(ttf_parser::GlyphId(2)));
            assert_eq!(sub.glyph_index(0x43), None);
        }
        assert_eq!(count, 2);
    }
}
