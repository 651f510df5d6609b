//! The one subsetting path of every writer: keep only the glyphs an output
//! uses, with the `subsetter` crate. Glyphs are renumbered densely from 1
//! (0 stays `.notdef`), and the new glyph ids are the CIDs a PDF writer uses
//! with Identity-H (the subset has no `cmap`; the writer supplies ToUnicode).

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
}
