//! The face of a PDF font (italic, bold, monospaced) from its name and its
//! descriptor, as pdfminer.six and poppler judge it: producers name their fonts
//! `Times-Italic`, `ArialMT-BoldItalic`, `CMTI10` or `LMMono10-Regular` and set
//! the descriptor's `/Flags`, `/ItalicAngle` and `/FontWeight` more or less
//! faithfully, so either says so.

use std::collections::HashMap;

use lopdf::{Dictionary, Document};

use super::resolve;

use crate::input::style::Face;

/// `/Flags` bits (PDF 32000-1, table 123).
const FIXED_PITCH: i64 = 1;
const ITALIC: i64 = 1 << 6;
const FORCE_BOLD: i64 = 1 << 18;

/// Faces already judged, by font dictionary (which stays in place while the
/// document is read).
#[derive(Default)]
pub(super) struct Faces {
    known: HashMap<*const Dictionary, Face>,
}

impl Faces {
    pub fn of(&mut self, doc: &Document, font: &Dictionary) -> Face {
        *self
            .known
            .entry(font as *const Dictionary)
            .or_insert_with(|| face_of(doc, font))
    }
}

fn face_of(doc: &Document, font: &Dictionary) -> Face {
    let name = base_name(font);
    let descendant = font
        .get(b"DescendantFonts")
        .ok()
        .and_then(|d| resolve(doc, d).as_array().ok())
        .and_then(|a| a.first())
        .and_then(|d| resolve(doc, d).as_dict().ok());
    let descriptor = descendant
        .unwrap_or(font)
        .get(b"FontDescriptor")
        .ok()
        .and_then(|d| resolve(doc, d).as_dict().ok());
    let number = |key: &[u8]| {
        descriptor
            .and_then(|d| d.get(key).ok())
            .map(|n| resolve(doc, n))
            .and_then(|n| {
                n.as_float()
                    .ok()
                    .or_else(|| n.as_i64().ok().map(|i| i as f32))
            })
    };
    let flags = number(b"Flags").map_or(0, |f| f as i64);
    let by_name = face_by_name(&name);
    Face {
        italic: by_name.italic
            || flags & ITALIC != 0
            || number(b"ItalicAngle").is_some_and(|a| a.abs() >= 5.0),
        bold: by_name.bold
            || flags & FORCE_BOLD != 0
            || number(b"FontWeight").is_some_and(|w| w >= 600.0),
        // CJK fonts are fixed-pitch by nature: only a simple font's flag means a typewriter face.
        mono: by_name.mono || (descendant.is_none() && flags & FIXED_PITCH != 0),
    }
}

/// The font's name without its subset prefix (`ABCDEF+`).
fn base_name(font: &Dictionary) -> String {
    let name = font
        .get(b"BaseFont")
        .ok()
        .and_then(|n| n.as_name().ok())
        .unwrap_or_default();
    let name = String::from_utf8_lossy(name);
    match name.split_once('+') {
        Some((prefix, rest)) if prefix.len() == 6 => rest.to_owned(),
        _ => name.into_owned(),
    }
}

/// What the words of a font's name say of its face.
fn face_by_name(name: &str) -> Face {
    let lower = name.to_ascii_lowercase();
    // The style part: after the family's `-` or `,` when there is one (`Arial,BoldItalic`).
    let style = lower.rsplit_once(['-', ',']).map_or("", |(_, s)| s);
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    // TeX's Computer Modern and Latin Modern name their faces by short codes.
    let tex = |codes: &[&str]| {
        codes.iter().any(|c| {
            lower
                .strip_prefix(c)
                .is_some_and(|rest| rest.starts_with(|ch: char| ch.is_ascii_digit()))
        })
    };
    Face {
        italic: has(&["italic", "oblique", "slant", "kursiv"])
            || style.ends_with("it")
            || style.ends_with("ital")
            || tex(&["cmti", "cmsl", "cmbxti", "cmitt"]),
        bold: has(&["bold", "black", "heavy", "semibold", "demi"])
            || style.starts_with("bd")
            || style.ends_with("bd")
            || tex(&["cmbx", "cmb"]),
        mono: has(&["mono", "courier", "consolas", "typewriter", "code"])
            || tex(&["cmtt", "cmitt", "cmsltt"]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{dictionary, Object};

    fn face(name: &str) -> (bool, bool, bool) {
        let f = face_by_name(name);
        (f.italic, f.bold, f.mono)
    }

    #[test]
    fn names_say_the_face() {
        assert_eq!(face("Times-Italic"), (true, false, false));
        assert_eq!(face("TimesNewRomanPS-BoldItalicMT"), (true, true, false));
        assert_eq!(face("Arial,BoldItalic"), (true, true, false));
        assert_eq!(face("ArialMT"), (false, false, false));
        assert_eq!(face("LiberationSerif-Italic"), (true, false, false));
        assert_eq!(face("CMTI10"), (true, false, false));
        assert_eq!(face("CMBX12"), (false, true, false));
        assert_eq!(face("CMTT10"), (false, false, true));
        assert_eq!(face("CMR10"), (false, false, false));
        assert_eq!(face("LMMono10-Regular"), (false, false, true));
        assert_eq!(face("DejaVuSans-Bold"), (false, true, false));
        assert_eq!(face("Courier"), (false, false, true));
        // A family whose name merely ends in the letters of a style is not one.
        assert_eq!(face("Edit"), (false, false, false));
        assert_eq!(face("NotoSerifCJKsc-Regular"), (false, false, false));
    }

    #[test]
    fn a_descriptor_says_the_face_when_the_name_does_not() {
        let mut doc = Document::with_version("1.5");
        let descriptor = doc.add_object(dictionary! {
            "Type" => "FontDescriptor", "Flags" => 64 | 32, "ItalicAngle" => -12, "FontWeight" => 700,
        });
        let font = dictionary! {
            "Type" => "Font", "Subtype" => "TrueType", "BaseFont" => "ABCDEF+F1",
            "FontDescriptor" => descriptor,
        };
        let got = Faces::default().of(&doc, &font);
        assert!(got.italic && got.bold && !got.mono);
        let cjk = dictionary! {
            "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "SimSun",
            "DescendantFonts" => vec![Object::Dictionary(dictionary! {
                "FontDescriptor" => Object::Dictionary(dictionary! { "Flags" => 1 | 4 }),
            })],
        };
        assert_eq!(Faces::default().of(&doc, &cjk), Face::default());
    }
}
