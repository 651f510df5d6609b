//! Fonts whose glyphs pdf-extract cannot turn into text as the PDF stands,
//! found before extraction, and what is done about them.
//!
//! - A Type0 font without /ToUnicode decodes every glyph to nothing. When its
//!   CIDs are those of one of Adobe's CJK character collections (Registry
//!   `Adobe`, Ordering `GB1`, `CNS1`, `Japan1` or `Korea1`, and an
//!   `Identity-H`/`Identity-V` encoding, so that code = CID) the collection
//!   says which character each CID is: a /ToUnicode map is made for the codes
//!   the document shows in that font and set on it ([`Survey::repair`]).
//!   Other Type0 fonts without /ToUnicode (e.g. Adobe-Identity-0) stay
//!   unmapped.
//! - A subset simple font that declares no usable encoding but numbers its
//!   glyphs 1, 2, 3… in order of use (LibreOffice's subset TrueType fonts
//!   with a (1,0) cmap and no glyph names; Type 1 subsets whose built-in
//!   encoding names glyphs `cid1234`) reads as wrong letters: `!"#$`. Those
//!   codes are mapped to U+0000, so they come out as nothing and are counted
//!   as unmapped glyphs rather than read as text.
//!
//! The survey also records, for every page, the font of each string shown
//! (numbered as pdf-extract shows them), so that unmapped glyphs can be
//! blamed on their font.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId, Stream};

use super::cid::{self, Collection};
use super::{dict_entry, page_resources};

/// What pdf-extract makes of a font's glyphs without help.
#[derive(Debug, Clone, Copy)]
pub(super) enum FontMap {
    /// No Unicode map, but a character collection that gives one.
    Collection(&'static Collection),
    /// No Unicode map at all: the glyphs come out as nothing (`silence`:
    /// they would come out as wrong letters, so they are made to).
    Unmapped { silence: bool },
}

/// The document's fonts without a usable Unicode map, and where they are used.
#[derive(Debug, Default)]
pub(super) struct Survey {
    pub fonts: HashMap<ObjectId, FontMap>,
    /// Each font's name, subset prefix and `-Identity-H` dropped.
    pub names: HashMap<ObjectId, String>,
    /// Per page (by index), the font of each shown string; `None` when the
    /// document has no such fonts (nothing to blame) or the page was not walked.
    pub strings: Vec<Option<Vec<Option<ObjectId>>>>,
    /// Codes shown in each font that needs a made-up map.
    codes: HashMap<ObjectId, BTreeSet<u32>>,
}

impl Survey {
    /// Finds the fonts and walks the pages (only when there are such fonts).
    pub fn of(doc: &Document, pages: &[ObjectId]) -> Survey {
        let mut survey = Survey::default();
        for (&id, object) in &doc.objects {
            let Object::Dictionary(font) = object else {
                continue;
            };
            if let Some(map) = classify(doc, font) {
                survey.fonts.insert(id, map);
                survey.names.insert(id, font_name(doc, font));
            }
        }
        if survey.fonts.is_empty() {
            survey.strings = vec![None; pages.len()];
            return survey;
        }
        for &page in pages {
            let mut walk = Walk {
                fonts: &survey.fonts,
                codes: &mut survey.codes,
                names: HashMap::new(),
                strings: Vec::new(),
            };
            let walked = match (doc.get_page_content(page), page_resources(doc, page)) {
                (Ok(raw), Some(resources)) => {
                    walk.content(doc, &raw, resources, 0);
                    Some(walk.strings)
                }
                _ => None,
            };
            survey.strings.push(walked);
        }
        survey
    }

    /// Sets a made-up /ToUnicode on each font that needs one. Returns how
    /// many fonts got one.
    pub fn repair(&self, doc: &mut Document) -> usize {
        let mut repaired = 0;
        for (&id, codes) in &self.codes {
            let entries: Vec<(u32, char)> = match self.fonts.get(&id) {
                Some(FontMap::Collection(table)) => codes
                    .iter()
                    .filter_map(|&code| table.unicode(code).map(|c| (code, c)))
                    .collect(),
                Some(FontMap::Unmapped { silence: true }) => {
                    codes.iter().map(|&code| (code, '\0')).collect()
                }
                _ => continue,
            };
            if entries.is_empty() {
                continue;
            }
            let width = match self.fonts.get(&id) {
                Some(FontMap::Collection(_)) => 2,
                _ => 1,
            };
            let stream =
                doc.add_object(Stream::new(Dictionary::new(), to_unicode(&entries, width)));
            if let Ok(font) = doc.get_dictionary_mut(id) {
                font.set("ToUnicode", stream);
                repaired += 1;
            }
        }
        repaired
    }

    /// The collection a font's text was read through, if it was.
    pub fn collection(&self, font: ObjectId) -> Option<&'static str> {
        match self.fonts.get(&font) {
            Some(FontMap::Collection(table)) => Some(table.name),
            _ => None,
        }
    }

    /// Names of the fonts with no Unicode map used on a page (by index).
    pub fn unmapped_on_page(&self, index: usize) -> Vec<String> {
        let mut names: BTreeSet<&str> = BTreeSet::new();
        for font in self
            .strings
            .get(index)
            .and_then(Option::as_ref)
            .into_iter()
            .flatten()
            .flatten()
        {
            if matches!(self.fonts.get(font), Some(FontMap::Unmapped { .. })) {
                if let Some(name) = self.names.get(font) {
                    names.insert(name);
                }
            }
        }
        names.into_iter().map(str::to_owned).collect()
    }
}

/// How a font's glyphs fare without help, if badly.
fn classify(doc: &Document, font: &Dictionary) -> Option<FontMap> {
    if font.has(b"ToUnicode") {
        return None;
    }
    let subtype = get(doc, font, b"Subtype").and_then(|o| o.as_name().ok())?;
    match subtype {
        b"Type0" => {
            let descendant = get(doc, font, b"DescendantFonts")
                .and_then(|o| o.as_array().ok())
                .and_then(|a| a.first())
                .and_then(|o| doc.dereference(o).ok())
                .and_then(|(_, o)| o.as_dict().ok());
            let identity = matches!(
                get(doc, font, b"Encoding").and_then(|o| o.as_name().ok()),
                Some(b"Identity-H" | b"Identity-V")
            );
            let table = descendant
                .and_then(|d| get(doc, d, b"CIDSystemInfo"))
                .and_then(|o| o.as_dict().ok())
                .and_then(|info| {
                    let text = |key: &[u8]| get(doc, info, key).and_then(|o| o.as_str().ok());
                    cid::collection(text(b"Registry")?, text(b"Ordering")?)
                });
            Some(match table {
                Some(table) if identity => FontMap::Collection(table),
                _ => FontMap::Unmapped { silence: false },
            })
        }
        b"TrueType" if numbered_subset(doc, font, b"FontFile2", sequential_truetype) => {
            Some(FontMap::Unmapped { silence: true })
        }
        b"Type1" | b"MMType1" if numbered_subset(doc, font, b"FontFile", sequential_type1) => {
            Some(FontMap::Unmapped { silence: true })
        }
        _ => None,
    }
}

fn get<'d>(doc: &'d Document, dict: &'d Dictionary, key: &[u8]) -> Option<&'d Object> {
    let object = dict.get(key).ok()?;
    doc.dereference(object).ok().map(|(_, o)| o)
}

/// A subset simple font with no /Differences whose embedded program (`file`
/// in its descriptor) passes `test`.
fn numbered_subset(
    doc: &Document,
    font: &Dictionary,
    file: &[u8],
    test: fn(&[u8]) -> bool,
) -> bool {
    let subset = get(doc, font, b"BaseFont")
        .and_then(|o| o.as_name().ok())
        .is_some_and(|name| {
            name.len() > 7 && name[6] == b'+' && name[..6].iter().all(u8::is_ascii_uppercase)
        });
    let differences = get(doc, font, b"Encoding")
        .and_then(|o| o.as_dict().ok())
        .is_some_and(|e| e.has(b"Differences"));
    if !subset || differences {
        return false;
    }
    let Some(Object::Stream(program)) = get(doc, font, b"FontDescriptor")
        .and_then(|o| o.as_dict().ok())
        .and_then(|d| get(doc, d, file))
    else {
        return false;
    };
    let data = program
        .decompressed_content()
        .unwrap_or_else(|_| program.content.clone());
    test(&data)
}

/// A TrueType program whose only cmaps are symbolic ((1,0) or (3,0): codes
/// straight to glyphs) and whose glyphs have no names (post format 3).
pub(super) fn sequential_truetype(data: &[u8]) -> bool {
    use ttf_parser::PlatformId;
    let Ok(face) = ttf_parser::Face::parse(data, 0) else {
        return false;
    };
    let Some(cmap) = face.tables().cmap else {
        return false;
    };
    let mut symbolic = false;
    for table in cmap.subtables {
        if table.is_unicode() {
            return false;
        }
        symbolic |= matches!(
            (table.platform_id, table.encoding_id),
            (PlatformId::Macintosh, 0) | (PlatformId::Windows, 0)
        );
    }
    let named = (1..face.number_of_glyphs().min(8))
        .any(|g| face.glyph_name(ttf_parser::GlyphId(g)).is_some());
    symbolic && !named
}

/// A Type 1 program whose built-in encoding names every glyph by number
/// (`cid1234`, `glyph12`, `g12`): names that say nothing of the character.
pub(super) fn sequential_type1(data: &[u8]) -> bool {
    // The encoding is in the clear text, before `eexec`.
    let end = data
        .windows(5)
        .position(|w| w == b"eexec")
        .unwrap_or(data.len());
    let text = String::from_utf8_lossy(&data[..end]);
    let mut names = 0;
    let mut tokens = text.split_whitespace();
    while let Some(token) = tokens.next() {
        if token != "dup" {
            continue;
        }
        let (Some(code), Some(name), Some("put")) = (tokens.next(), tokens.next(), tokens.next())
        else {
            continue;
        };
        let Some(name) = name.strip_prefix('/') else {
            continue;
        };
        if code.parse::<u8>().is_err() || name == ".notdef" {
            continue;
        }
        let digits = ["cid", "glyph", "g"]
            .iter()
            .find_map(|p| name.strip_prefix(p))
            .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()));
        if !digits {
            return false;
        }
        names += 1;
    }
    names > 0
}

/// A font's name for messages: the descendant's for a Type0 font, without a
/// subset prefix or an `-Identity-H` suffix.
fn font_name(doc: &Document, font: &Dictionary) -> String {
    let own = get(doc, font, b"BaseFont").and_then(|o| o.as_name().ok());
    let descendant = get(doc, font, b"DescendantFonts")
        .and_then(|o| o.as_array().ok())
        .and_then(|a| a.first())
        .and_then(|o| doc.dereference(o).ok())
        .and_then(|(_, o)| o.as_dict().ok())
        .and_then(|d| get(doc, d, b"BaseFont"))
        .and_then(|o| o.as_name().ok());
    let Some(name) = descendant.or(own) else {
        return "unnamed font".into();
    };
    let name = String::from_utf8_lossy(name);
    let name = match name.split_once('+') {
        Some((prefix, rest)) if prefix.len() == 6 => rest,
        _ => &name,
    };
    let name = name
        .strip_suffix("-Identity-H")
        .or_else(|| name.strip_suffix("-Identity-V"))
        .unwrap_or(name);
    name.to_owned()
}

/// The content walk: which font each shown string is in, mirroring
/// pdf-extract (strings numbered in the same order as its `begin_word`
/// calls; fonts cached by resource name for the whole page, as it does).
struct Walk<'s> {
    fonts: &'s HashMap<ObjectId, FontMap>,
    codes: &'s mut HashMap<ObjectId, BTreeSet<u32>>,
    names: HashMap<Vec<u8>, Option<ObjectId>>,
    strings: Vec<Option<ObjectId>>,
}

impl Walk<'_> {
    fn content(&mut self, doc: &Document, raw: &[u8], resources: &Dictionary, depth: usize) {
        let Ok(content) = Content::decode(raw) else {
            return;
        };
        // Each stream starts with no font; q/Q save and restore it.
        let mut font = None;
        let mut saved = Vec::new();
        for op in &content.operations {
            match op.operator.as_str() {
                "q" => saved.push(font),
                "Q" => font = saved.pop().unwrap_or(font),
                "Tf" => {
                    if let Some(name) = op.operands.first().and_then(|o| o.as_name().ok()) {
                        font = *self.names.entry(name.to_vec()).or_insert_with(|| {
                            dict_entry(doc, resources, b"Font")
                                .and_then(|fonts| fonts.get(name).ok())
                                .and_then(|o| o.as_reference().ok())
                        });
                    }
                }
                "Tj" => {
                    if let Some(Object::String(bytes, _)) = op.operands.first() {
                        self.show(font, bytes);
                    }
                }
                "TJ" => {
                    if let Some(Object::Array(items)) = op.operands.first() {
                        for item in items {
                            if let Object::String(bytes, _) = item {
                                self.show(font, bytes);
                            }
                        }
                    }
                }
                "Do" if depth < 16 => self.form(doc, &op.operands, resources, depth),
                _ => {}
            }
        }
    }

    fn show(&mut self, font: Option<ObjectId>, bytes: &[u8]) {
        self.strings.push(font);
        let Some(font) = font else {
            return;
        };
        let codes: Vec<u32> = match self.fonts.get(&font) {
            Some(FontMap::Collection(_)) => bytes
                .chunks_exact(2)
                .map(|pair| u32::from(pair[0]) << 8 | u32::from(pair[1]))
                .collect(),
            Some(FontMap::Unmapped { silence: true }) => bytes.iter().map(|&b| b.into()).collect(),
            _ => return,
        };
        self.codes.entry(font).or_default().extend(codes);
    }

    fn form(&mut self, doc: &Document, operands: &[Object], resources: &Dictionary, depth: usize) {
        if let Some((inner, data)) = super::named_form(doc, operands, resources) {
            self.content(doc, &data, inner, depth + 1);
        }
    }
}

/// A /ToUnicode CMap as pdf-extract's parser reads it: `bfrange` for runs of
/// codes on consecutive BMP characters (never across a last-byte boundary),
/// `bfchar` for the rest; at most 100 entries a block.
pub(super) fn to_unicode(entries: &[(u32, char)], width: usize) -> Vec<u8> {
    let code = |c: u32| format!("<{:0w$X}>", c, w = width * 2);
    let utf16 = |c: char| {
        let mut units = [0u16; 2];
        c.encode_utf16(&mut units)
            .iter()
            .map(|u| format!("{u:04X}"))
            .collect::<String>()
    };
    // Runs of (first code, first char, length).
    let mut runs: Vec<(u32, char, u32)> = Vec::new();
    for &(c, ch) in entries {
        if let Some((first, start, len)) = runs.last_mut() {
            let bmp = (ch as u32) < 0x1_0000 && (*start as u32) < 0x1_0000;
            if bmp
                && c == *first + *len
                && ch as u32 == *start as u32 + *len
                && c >> 8 == *first >> 8
            {
                *len += 1;
                continue;
            }
        }
        runs.push((c, ch, 1));
    }
    let (ranges, chars): (Vec<_>, Vec<_>) = runs.into_iter().partition(|r| r.2 > 1);
    let mut out = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CMapName /Offprint-Recovered def\n/CMapType 2 def\n1 begincodespacerange\n",
    );
    out.push_str(&format!(
        "{} {}\nendcodespacerange\n",
        code(0),
        code((1u32 << (8 * width)) - 1)
    ));
    for block in chars.chunks(100) {
        out.push_str(&format!("{} beginbfchar\n", block.len()));
        for &(c, ch, _) in block {
            out.push_str(&format!("{} <{}>\n", code(c), utf16(ch)));
        }
        out.push_str("endbfchar\n");
    }
    for block in ranges.chunks(100) {
        out.push_str(&format!("{} beginbfrange\n", block.len()));
        for &(c, ch, len) in block {
            out.push_str(&format!(
                "{} {} <{}>\n",
                code(c),
                code(c + len - 1),
                utf16(ch)
            ));
        }
        out.push_str("endbfrange\n");
    }
    out.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    out.into_bytes()
}

/// Which collection each string's glyphs came through, counted per collection.
pub(super) fn count_by_collection(
    survey: &Survey,
    strings: &[Option<ObjectId>],
    glyph_strings: impl Iterator<Item = usize>,
    into: &mut BTreeMap<&'static str, usize>,
) {
    for string in glyph_strings {
        if let Some(name) = strings
            .get(string)
            .copied()
            .flatten()
            .and_then(|f| survey.collection(f))
        {
            *into.entry(name).or_default() += 1;
        }
    }
}
