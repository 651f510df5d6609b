//! The one subsetting path of every writer: keep only the glyphs an output
//! uses, with the `subsetter` crate. Glyphs are renumbered densely from 1
//! (0 stays `.notdef`), and the new glyph ids are the CIDs a PDF writer uses
//! with Identity-H (the subset has no `cmap`; the writer supplies ToUnicode).
//!
//! A reading system (EPUB) maps characters to glyphs itself, so
//! [`web_font`] takes the same subset and gives it back the tables a font
//! file on its own needs: a `cmap` for exactly the characters the output
//! sets with this face, and the face's `OS/2`.

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

/// Subsets `face` to `glyphs` (plus `.notdef`).
pub fn subset(face: &Face, glyphs: &BTreeSet<u16>) -> Result<Subset, String> {
    let mut remapper = subsetter::GlyphRemapper::new();
    for &gid in glyphs {
        remapper.remap(gid);
    }
    let bytes = subsetter::subset(&face.data, face.index, &remapper)
        .map_err(|e| format!("cannot subset {}: {e}", face.post_script_name))?;
    let parsed = ttf_parser::Face::parse(&face.data, face.index)
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

/// A face cut down to the characters one output sets with it, as a font
/// file a reading system can load (`@font-face`).
#[derive(Debug, Clone)]
pub struct WebFont {
    pub bytes: Vec<u8>,
    /// `font/ttf` (TrueType outlines) or `font/otf` (CFF outlines).
    pub media_type: &'static str,
    /// `ttf` or `otf`.
    pub extension: &'static str,
    /// The characters its `cmap` maps (those the face has, of those asked for).
    pub chars: BTreeSet<char>,
}

/// Subsets `face` to the glyphs of `chars` through [`subset`] and adds a
/// `cmap` for those characters and the face's `OS/2` table. Characters the
/// face lacks are left out.
pub fn web_font(face: &Face, chars: &BTreeSet<char>) -> Result<WebFont, String> {
    let parsed = ttf_parser::Face::parse(&face.data, face.index)
        .map_err(|e| format!("cannot read {}: {e}", face.post_script_name))?;
    let mut by_char = BTreeMap::new();
    for &c in chars {
        if let Some(gid) = parsed.glyph_index(c) {
            by_char.insert(c, gid.0);
        }
    }
    let glyphs: BTreeSet<u16> = by_char.values().copied().collect();
    let sub = subset(face, &glyphs)?;
    let cmap_of: BTreeMap<u32, u16> = by_char
        .iter()
        .filter_map(|(&c, gid)| sub.remap.get(gid).map(|&new| (c as u32, new)))
        .collect();
    let mut tables = read_tables(&sub.bytes)
        .ok_or_else(|| format!("cannot read the subset of {}", face.post_script_name))?;
    tables.retain(|(tag, _)| tag != b"cmap" && tag != b"OS/2");
    tables.push((*b"cmap", cmap(&cmap_of)));
    if let Some(os2) = parsed
        .raw_face()
        .table(ttf_parser::Tag::from_bytes(b"OS/2"))
    {
        let mut os2 = os2.to_vec();
        if os2.len() >= 68 {
            // usFirstCharIndex, usLastCharIndex: of this subset.
            let bmp = |c: &u32| u16::try_from(*c).unwrap_or(0xFFFF);
            let first = cmap_of.keys().next().map_or(0xFFFF, bmp);
            let last = cmap_of.keys().next_back().map_or(0, bmp);
            os2[64..66].copy_from_slice(&first.to_be_bytes());
            os2[66..68].copy_from_slice(&last.to_be_bytes());
        }
        tables.push((*b"OS/2", os2));
    }
    let cff = sub.bytes.starts_with(b"OTTO");
    let flavor: [u8; 4] = sub.bytes[..4].try_into().expect("a font has a header");
    Ok(WebFont {
        bytes: write_tables(flavor, tables),
        media_type: if cff { "font/otf" } else { "font/ttf" },
        extension: if cff { "otf" } else { "ttf" },
        chars: by_char.keys().copied().collect(),
    })
}

fn be16(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(data.get(at..at + 2)?.try_into().ok()?))
}

fn be32(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

/// The tables of an sfnt font (not a collection): tag and bytes each.
fn read_tables(font: &[u8]) -> Option<Vec<([u8; 4], Vec<u8>)>> {
    let count = usize::from(be16(font, 4)?);
    (0..count)
        .map(|k| {
            let record = 12 + 16 * k;
            let tag: [u8; 4] = font.get(record..record + 4)?.try_into().ok()?;
            let offset = be32(font, record + 8)? as usize;
            let length = be32(font, record + 12)? as usize;
            Some((tag, font.get(offset..offset.checked_add(length)?)?.to_vec()))
        })
        .collect()
}

/// Sum of a table's big-endian u32 words (zero-padded), as the sfnt
/// directory wants.
fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, chunk| {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

/// An sfnt font of `tables` (sorted by tag, 4-byte aligned), with its
/// table checksums and the `head` checksum adjustment.
fn write_tables(flavor: [u8; 4], mut tables: Vec<([u8; 4], Vec<u8>)>) -> Vec<u8> {
    tables.sort_by_key(|(tag, _)| *tag);
    let count = tables.len() as u16;
    let selector = 15 - count.max(1).leading_zeros() as u16;
    let search_range = (1u16 << selector) * 16;
    let mut out = Vec::new();
    out.extend_from_slice(&flavor);
    for v in [count, search_range, selector, count * 16 - search_range] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    let mut offset = 12 + 16 * tables.len();
    let mut head_at = None;
    for (tag, data) in &mut tables {
        if tag == b"head" && data.len() >= 12 {
            data[8..12].fill(0);
            head_at = Some(offset + 8);
        }
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(data).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        offset += data.len().next_multiple_of(4);
    }
    for (_, data) in &tables {
        out.extend_from_slice(data);
        out.resize(out.len().next_multiple_of(4), 0);
    }
    if let Some(at) = head_at {
        let adjustment = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[at..at + 4].copy_from_slice(&adjustment.to_be_bytes());
    }
    out
}

/// A `cmap` table mapping `chars` (code point → glyph id): a format 4
/// subtable (Windows, Unicode BMP) and, when a character lies beyond the
/// BMP, a format 12 one (Windows, Unicode full).
fn cmap(chars: &BTreeMap<u32, u16>) -> Vec<u8> {
    // Runs of consecutive code points with consecutive glyph ids.
    let mut runs: Vec<(u32, u32, u16)> = Vec::new();
    for (&c, &gid) in chars {
        let extend = runs.last().is_some_and(|&(start, end, first_gid)| {
            end + 1 == c && u32::from(first_gid) + (c - start) == u32::from(gid)
        });
        if extend {
            runs.last_mut().expect("checked").1 = c;
        } else {
            runs.push((c, c, gid));
        }
    }
    // Format 4: the BMP runs (cut at U+FFFE), as many as its 16-bit length
    // holds, then the closing segment.
    let mut segments: Vec<(u16, u16, u16)> = runs
        .iter()
        .filter(|&&(start, _, _)| start <= 0xFFFE)
        .map(|&(start, end, gid)| {
            let (start, end) = (start as u16, end.min(0xFFFE) as u16);
            (start, end, gid.wrapping_sub(start))
        })
        .collect();
    const MAX_SEGMENTS: usize = (0xFFFF - 16) / 8;
    let complete = segments.len() < MAX_SEGMENTS;
    segments.truncate(MAX_SEGMENTS - 1);
    segments.push((0xFFFF, 0xFFFF, 1));
    let seg_count = segments.len() as u16;
    let selector = 15 - seg_count.leading_zeros() as u16;
    let search_range = 2 * (1u16 << selector);
    let mut f4 = Vec::new();
    let length = 16 + 8 * segments.len();
    for v in [
        4,
        length as u16,
        0,
        seg_count * 2,
        search_range,
        selector,
        seg_count * 2 - search_range,
    ] {
        f4.extend_from_slice(&v.to_be_bytes());
    }
    segments
        .iter()
        .for_each(|s| f4.extend_from_slice(&s.1.to_be_bytes()));
    f4.extend_from_slice(&[0, 0]);
    segments
        .iter()
        .for_each(|s| f4.extend_from_slice(&s.0.to_be_bytes()));
    segments
        .iter()
        .for_each(|s| f4.extend_from_slice(&s.2.to_be_bytes()));
    segments.iter().for_each(|_| f4.extend_from_slice(&[0, 0]));

    let mut subtables = vec![(1u16, f4)];
    if !complete || chars.keys().any(|&c| c > 0xFFFE) {
        let mut f12 = Vec::new();
        f12.extend_from_slice(&12u16.to_be_bytes());
        f12.extend_from_slice(&[0, 0]);
        f12.extend_from_slice(&((16 + 12 * runs.len()) as u32).to_be_bytes());
        f12.extend_from_slice(&0u32.to_be_bytes());
        f12.extend_from_slice(&(runs.len() as u32).to_be_bytes());
        for &(start, end, gid) in &runs {
            for v in [start, end, u32::from(gid)] {
                f12.extend_from_slice(&v.to_be_bytes());
            }
        }
        subtables.push((10, f12));
    }
    let mut out = Vec::new();
    out.extend_from_slice(&0u16.to_be_bytes());
    out.extend_from_slice(&(subtables.len() as u16).to_be_bytes());
    let mut offset = 4 + 8 * subtables.len();
    for (encoding, data) in &subtables {
        out.extend_from_slice(&3u16.to_be_bytes());
        out.extend_from_slice(&encoding.to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        offset += data.len();
    }
    for (_, data) in subtables {
        out.extend_from_slice(&data);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::{script::Class, FontBook, FontOptions, Role};

    #[test]
    fn a_subset_keeps_only_the_glyphs_asked_for() {
        let book = FontBook::new(&FontOptions::default()).unwrap();
        let face = book.face(book.primary(Role::Body, Class::Cjk).unwrap());
        let parsed = ttf_parser::Face::parse(&face.data, face.index).unwrap();
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
    fn a_web_font_maps_exactly_the_characters_it_sets() {
        let book = FontBook::new(&FontOptions::default()).unwrap();
        let face = book.face(book.primary(Role::Body, Class::Cjk).unwrap());
        let chars: BTreeSet<char> = "社会工作部，。".chars().collect();
        let font = web_font(face, &chars).unwrap();
        assert_eq!(font.media_type, "font/ttf");
        assert_eq!(font.chars, chars);
        let small = ttf_parser::Face::parse(&font.bytes, 0).unwrap();
        assert_eq!(small.number_of_glyphs(), 8);
        let full = ttf_parser::Face::parse(&face.data, face.index).unwrap();
        for &c in &chars {
            let gid = small.glyph_index(c).unwrap_or_else(|| panic!("{c} mapped"));
            assert_eq!(
                small.glyph_hor_advance(gid),
                full.glyph_hor_advance(full.glyph_index(c).unwrap()),
                "{c}"
            );
        }
        assert!(small.glyph_index('社').unwrap().0 > 0);
        assert!(small.glyph_index('a').is_none());
        assert!(small.glyph_index('国').is_none());
        assert!(small.tables().os2.is_some());
        // The checksum adjustment makes the whole file sum to the magic number.
        assert_eq!(checksum(&font.bytes), 0xB1B0_AFBA);
        // Beyond the BMP, a format 12 subtable maps the character too.
        let wide: BTreeMap<u32, u16> = [(0x41, 1), (0x42, 2), (0x2_0000, 3)].into();
        let table = cmap(&wide);
        let parsed = ttf_parser::cmap::Table::parse(&table).unwrap();
        let found = |c: u32| {
            parsed
                .subtables
                .into_iter()
                .find_map(|s| s.glyph_index(c))
                .map(|g| g.0)
        };
        assert_eq!(found(0x42), Some(2));
        assert_eq!(found(0x2_0000), Some(3));
        assert_eq!(found(0x43), None);
    }
}
