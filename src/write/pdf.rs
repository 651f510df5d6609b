//! The PDF writer: the pages of a typeset edition into PDF bytes.
//!
//! Each face is embedded as a CID font (Identity-H) subset to the glyphs the
//! edition uses ([`crate::fonts::subset`]); the subset's glyph ids are the
//! CIDs, and every glyph carries the source text of its cluster so the
//! ToUnicode map gives the text back (copy-paste of Chinese works). printpdf
//! makes the font objects, from one inventory page that shows each glyph
//! once; the pages themselves are written here, each content stream made and
//! deflated in turn (a line's run of glyphs is one `TJ`). The lopdf document
//! is then finished: a nested outline (sections, headings), `/Lang`, the
//! information dictionary and a file identifier derived from the content, so
//! the same input gives the same bytes.

use crate::fonts::{subset::subset_with, FaceId, FontBook};
use crate::layout::{OutlineEntry, Typeset};
use pdf_lopdf::{Dictionary, Object, StringFormat};
use printpdf::{
    Codepoint, FontId, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Pt,
    Rect, TextItem,
};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};

/// What the information dictionary and catalog say.
#[derive(Debug, Clone)]
pub struct PdfInfo {
    pub title: Option<String>,
    pub authors: Vec<String>,
    /// BCP 47 tag of the edition (`/Lang`).
    pub lang: String,
    /// Creation date, seconds since the Unix epoch.
    pub created: i64,
}

/// `offprint x.y.z`.
pub fn producer() -> String {
    format!("offprint {}", env!("CARGO_PKG_VERSION"))
}

/// A PDF edition written page by page ([`PdfPages::add`], as the typesetter
/// hands on each page), then finished ([`PdfPages::finish`]).
///
/// Each page's content stream is made and deflated at once, its glyphs given
/// their CIDs in the order they first appear (the subset's glyph ids); only
/// the compressed streams and, per face, the glyphs used and their text stay.
/// At the end printpdf makes the fonts, each subset face a Type0 font with its
/// widths and ToUnicode map, from one inventory page that shows every glyph
/// once; the pages are put in its place.
pub struct PdfPages {
    faces: BTreeMap<FaceId, FaceUse>,
    /// The deflated content stream of each page.
    contents: Vec<Vec<u8>>,
    /// The links of each page (most pages have none).
    links: Vec<Vec<crate::layout::LinkArea>>,
    /// One deflate state for every page: a fresh one a page (a quarter of a
    /// megabyte) would fragment the heap between the pages kept.
    deflater: flate2::Compress,
}

impl Default for PdfPages {
    fn default() -> PdfPages {
        PdfPages {
            faces: BTreeMap::new(),
            contents: Vec::new(),
            links: Vec::new(),
            deflater: flate2::Compress::new(flate2::Compression::default(), true),
        }
    }
}

/// What the pages use of one face.
struct FaceUse {
    /// The font's resource name: `F1`, `F2`, … in order of first use.
    name: String,
    /// Original glyph id → CID (the glyph id in the subset).
    remapper: subsetter::GlyphRemapper,
    /// The original glyph ids used.
    glyphs: BTreeSet<u16>,
    /// The text of each CID (the first non-empty text seen: one ToUnicode entry).
    texts: BTreeMap<u16, String>,
    /// The advance of each CID, in font units (for the `TJ` adjustments).
    advances: BTreeMap<u16, u16>,
    units_per_em: f32,
    parsed: ttf_parser::Face<'static>,
}

impl FaceUse {
    /// The CID of `glyph`, noted with its text and advance on first use.
    fn cid(&mut self, glyph: &crate::layout::paragraph::Glyph) -> u16 {
        let cid = self.remapper.remap(glyph.gid);
        if self.glyphs.insert(glyph.gid) {
            let advance = self
                .parsed
                .glyph_hor_advance(ttf_parser::GlyphId(glyph.gid))
                .unwrap_or(0);
            self.advances.insert(cid, advance);
        }
        let text = self.texts.entry(cid).or_default();
        if text.is_empty() && !glyph.text.is_empty() {
            *text = glyph.text.to_string();
        }
        cid
    }
}

impl PdfPages {
    pub fn new() -> PdfPages {
        PdfPages::default()
    }

    /// Writes one page, whose glyphs' faces are in `book`.
    pub fn add(&mut self, book: &FontBook, page: &crate::layout::Page) -> Result<(), String> {
        crate::memory::check(|| format!("writing PDF page {}", self.contents.len() + 1))?;
        let content = self.page_content(book, page)?;
        let deflated = deflate(&mut self.deflater, &content)?;
        self.contents.push(deflated);
        self.links.push(page.links.clone());
        Ok(())
    }

    fn face_use(&mut self, book: &FontBook, id: FaceId) -> Result<&mut FaceUse, String> {
        let next = self.faces.len() + 1;
        if let std::collections::btree_map::Entry::Vacant(entry) = self.faces.entry(id) {
            let face = book.face(id);
            let parsed = ttf_parser::Face::parse(face.data, face.index)
                .map_err(|e| format!("cannot read {}: {e}", face.post_script_name))?;
            entry.insert(FaceUse {
                name: format!("F{next}"),
                remapper: subsetter::GlyphRemapper::new(),
                glyphs: BTreeSet::new(),
                texts: BTreeMap::new(),
                advances: BTreeMap::new(),
                units_per_em: f32::from(face.units_per_em),
                parsed,
            });
        }
        Ok(self.faces.get_mut(&id).expect("just made"))
    }

    /// The content stream of one page: its rules, then its text, a line's run
    /// of glyphs in one face and size as one `TJ` whose adjustments put each
    /// glyph where the layout placed it.
    fn page_content(
        &mut self,
        book: &FontBook,
        page: &crate::layout::Page,
    ) -> Result<Vec<u8>, String> {
        use std::fmt::Write;
        let mut out = String::new();
        if !page.rules.is_empty() {
            out.push_str("0.55 G\n0.4 w\n");
            for &(x1, y1, x2, y2) in &page.rules {
                let _ = writeln!(out, "{} {} m {} {} l S", num(x1), num(y1), num(x2), num(y2));
            }
        }
        out.push_str("BT\n");
        let mut current: Option<(FaceId, u32)> = None;
        for placed in &page.lines {
            // Where the next glyph of the run would fall by its advance, and the size.
            let mut run: Option<(f32, f32)> = None;
            for g in &placed.line.glyphs {
                let font = self.face_use(book, g.face)?;
                let cid = font.cid(g);
                let advance = f32::from(font.advances.get(&cid).copied().unwrap_or(0)) * g.size
                    / font.units_per_em;
                let key = (g.face, g.size.to_bits());
                let x = placed.x + g.x;
                let y = placed.baseline + g.y;
                match run.filter(|_| current == Some(key) && g.y == 0.0) {
                    Some((expected, size)) => {
                        let adjustment = (expected - x) * 1000.0 / size;
                        if adjustment.abs() >= 0.001 {
                            let _ = write!(out, " {}", num(adjustment));
                        }
                    }
                    None => {
                        if run.is_some() {
                            out.push_str("] TJ\n");
                        }
                        if current != Some(key) {
                            let _ = writeln!(out, "/{} {} Tf", font.name, num(g.size));
                            current = Some(key);
                        }
                        let _ = write!(out, "1 0 0 1 {} {} Tm\n[", num(x), num(y));
                    }
                }
                let _ = write!(out, "<{cid:04X}>");
                // A glyph raised or lowered (a mark) is set on its own.
                run = (g.y == 0.0).then_some((x + advance, g.size));
                if run.is_none() {
                    out.push_str("] TJ\n");
                }
            }
            if run.is_some() {
                out.push_str("] TJ\n");
            }
        }
        out.push_str("ET\n");
        Ok(out.into_bytes())
    }

    /// The PDF: the fonts, the pages written, the outline and the metadata.
    pub fn finish(
        mut self,
        book: &FontBook,
        edition: &Typeset,
        info: &PdfInfo,
    ) -> Result<Vec<u8>, String> {
        let mut lo = fonts_document(std::mem::take(&mut self.faces), book, edition, info)?;
        let (pages_id, resources) = take_inventory_page(&mut lo)?;
        let resources_id = lo.add_object(resources);
        let page_box = Object::Array(vec![
            0.into(),
            0.into(),
            Object::Real(edition.width),
            Object::Real(edition.height),
        ]);
        let mut kids = Vec::with_capacity(self.contents.len());
        let links = std::mem::take(&mut self.links);
        // Every page's object id first: a link may lead to any page.
        let page_ids: Vec<pdf_lopdf::ObjectId> =
            self.contents.iter().map(|_| lo.new_object_id()).collect();
        let contents = std::mem::take(&mut self.contents);
        for ((content, links), page_id) in contents.into_iter().zip(links).zip(&page_ids) {
            let mut stream_dict = Dictionary::new();
            stream_dict.set("Filter", "FlateDecode");
            let contents = lo.add_object(pdf_lopdf::Stream::new(stream_dict, content));
            let mut page = Dictionary::from_iter(vec![
                ("Type", Object::Name(b"Page".to_vec())),
                ("Parent", Object::Reference(pages_id)),
                ("MediaBox", page_box.clone()),
                ("CropBox", page_box.clone()),
                ("TrimBox", page_box.clone()),
                ("Resources", Object::Reference(resources_id)),
                ("Contents", Object::Reference(contents)),
            ]);
            let annotations: Vec<Object> = links
                .iter()
                .filter_map(|link| link_annotation(link, &page_ids))
                .map(|annotation| Object::Reference(lo.add_object(annotation)))
                .collect();
            if !annotations.is_empty() {
                page.set("Annots", Object::Array(annotations));
            }
            lo.objects.insert(*page_id, Object::Dictionary(page));
            kids.push(Object::Reference(*page_id));
        }
        let pages = lo
            .get_object_mut(pages_id)
            .and_then(Object::as_dict_mut)
            .map_err(|e| format!("printpdf wrote no page tree: {e}"))?;
        pages.set("Count", Object::Integer(kids.len() as i64));
        pages.set("Kids", Object::Array(kids));
        finish(&mut lo, &edition.outline, info)?;
        lo.prune_objects();
        lo.renumber_objects();
        compress_streams(&mut lo, &mut self.deflater)?;
        save_with_identifier(&mut lo)
    }
}

/// A link annotation: the box around the link's text, with no border,
/// leading to its URI (non-ASCII bytes percent-encoded, as a URI's must be)
/// or to a place on one of `pages`.
fn link_annotation(
    link: &crate::layout::LinkArea,
    pages: &[pdf_lopdf::ObjectId],
) -> Option<Dictionary> {
    use crate::layout::LinkTo;
    let (x1, y1, x2, y2) = link.rect;
    let mut annotation = Dictionary::from_iter(vec![
        ("Type", Object::Name(b"Annot".to_vec())),
        ("Subtype", Object::Name(b"Link".to_vec())),
        (
            "Rect",
            Object::Array([x1, y1, x2, y2].map(|v| Object::Real(round(v))).to_vec()),
        ),
        ("Border", Object::Array(vec![0.into(), 0.into(), 0.into()])),
        ("F", Object::Integer(4)),
    ]);
    match &link.target {
        LinkTo::Uri(target) => {
            let mut uri = String::new();
            for byte in target.bytes() {
                if byte.is_ascii_graphic() {
                    uri.push(char::from(byte));
                } else {
                    uri.push_str(&format!("%{byte:02X}"));
                }
            }
            let action = Dictionary::from_iter(vec![
                ("S", Object::Name(b"URI".to_vec())),
                (
                    "URI",
                    Object::String(uri.into_bytes(), StringFormat::Literal),
                ),
            ]);
            annotation.set("A", Object::Dictionary(action));
        }
        LinkTo::Place { page, top } => {
            let page = *pages.get(*page)?;
            annotation.set(
                "Dest",
                Object::Array(vec![
                    Object::Reference(page),
                    Object::Name(b"XYZ".to_vec()),
                    Object::Null,
                    Object::Real(round(*top)),
                    Object::Null,
                ]),
            );
        }
        // A note never placed leads nowhere: no annotation.
        LinkTo::Note(_) => return None,
    }
    Some(annotation)
}

/// printpdf's document of the fonts: each face subset to the glyphs used,
/// shown once each, in the order of their names, on one inventory page.
fn fonts_document(
    faces: BTreeMap<FaceId, FaceUse>,
    book: &FontBook,
    edition: &Typeset,
    info: &PdfInfo,
) -> Result<pdf_lopdf::Document, String> {
    let mut doc = PdfDocument::new(info.title.as_deref().unwrap_or(""));
    let mut inventory = vec![Op::StartTextSection];
    let mut faces: Vec<(FaceId, FaceUse)> = faces.into_iter().collect();
    faces.sort_by(|a, b| a.1.name.cmp(&b.1.name));
    for (face_id, used) in faces {
        let face = book.face(face_id);
        let sub = subset_with(face, &used.remapper, &used.glyphs)?;
        let parsed = parsed_font(face, &sub)?;
        let id = FontId(used.name);
        doc.resources
            .fonts
            .map
            .insert(id.clone(), printpdf::PdfFont::new(parsed));
        inventory.push(Op::SetFont {
            font: PdfFontHandle::External(id),
            size: Pt(10.0),
        });
        let codepoints = used
            .texts
            .into_iter()
            .map(|(cid, text)| Codepoint::with_cid(cid, 0.0, text))
            .collect();
        inventory.push(Op::ShowText {
            items: vec![TextItem::GlyphIds(codepoints)],
        });
    }
    inventory.push(Op::EndTextSection);
    let (width, height) = (Pt(edition.width), Pt(edition.height));
    doc.pages.push(PdfPage {
        media_box: Rect::from_wh(width, height),
        trim_box: Rect::from_wh(width, height),
        crop_box: Rect::from_wh(width, height),
        ops: inventory,
    });
    let options = PdfSaveOptions {
        optimize: false,
        subset_fonts: false,
        secure: true,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    Ok(doc.to_lopdf_document(&options, &mut warnings))
}

/// Takes printpdf's one page (the inventory) out of the page tree; its
/// resources, which name every font, serve every page of the edition.
fn take_inventory_page(
    lo: &mut pdf_lopdf::Document,
) -> Result<(pdf_lopdf::ObjectId, Dictionary), String> {
    let missing = |what: &str| format!("printpdf wrote no {what}");
    let page_id = *lo.get_pages().get(&1).ok_or_else(|| missing("page"))?;
    let page = lo
        .get_dictionary(page_id)
        .map_err(|_| missing("page dictionary"))?;
    let pages_id = page
        .get(b"Parent")
        .and_then(Object::as_reference)
        .map_err(|_| missing("page tree"))?;
    let resources = match page.get(b"Resources").map_err(|_| missing("resources"))? {
        Object::Reference(id) => lo
            .get_dictionary(*id)
            .map_err(|_| missing("resources"))?
            .clone(),
        Object::Dictionary(dict) => dict.clone(),
        _ => return Err(missing("resources dictionary")),
    };
    lo.objects.remove(&page_id);
    Ok((pages_id, resources))
}

/// A number as a content stream writes it: at most three decimals, no
/// trailing zeros, so that the stream is compact and stable.
fn num(v: f32) -> String {
    let rounded = round(v);
    let text = format!("{rounded:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.into()
    }
}

/// `bytes` as a zlib stream, made with `deflater` (reset first).
fn deflate(deflater: &mut flate2::Compress, bytes: &[u8]) -> Result<Vec<u8>, String> {
    deflater.reset();
    let mut out = Vec::with_capacity(bytes.len() / 4 + 64);
    loop {
        let consumed = usize::try_from(deflater.total_in()).unwrap_or(bytes.len());
        let status = deflater
            .compress_vec(&bytes[consumed..], &mut out, flate2::FlushCompress::Finish)
            .map_err(|e| format!("cannot compress the PDF: {e}"))?;
        if status == flate2::Status::StreamEnd {
            out.shrink_to_fit();
            return Ok(out);
        }
        out.reserve(out.capacity().max(64));
    }
}

/// Deflates every stream not compressed yet, at zlib's default level: as
/// small as the best level within a percent or two, and several times
/// faster (lopdf's `compress` always uses the best).
fn compress_streams(
    lo: &mut pdf_lopdf::Document,
    deflater: &mut flate2::Compress,
) -> Result<(), String> {
    for object in lo.objects.values_mut() {
        let Object::Stream(stream) = object else {
            continue;
        };
        if stream.dict.has(b"Filter") {
            continue;
        }
        let compressed = deflate(deflater, &stream.content)?;
        if compressed.len() < stream.content.len() {
            stream.dict.set("Filter", "FlateDecode");
            stream.set_content(compressed);
        }
    }
    Ok(())
}

/// Positions to 1/1000 pt, so that the content stream is compact and stable.
fn round(v: f32) -> f32 {
    (v * 1000.0).round() / 1000.0
}

/// printpdf's view of a subset face: the subset program with its widths,
/// named `TAG+PostScriptName` as a subset font must be.
fn parsed_font(
    face: &crate::fonts::Face,
    sub: &crate::fonts::subset::Subset,
) -> Result<ParsedFont, String> {
    let parsed = ttf_parser::Face::parse(face.data, face.index)
        .map_err(|e| format!("cannot read {}: {e}", face.post_script_name))?;
    let bbox = parsed.global_bounding_box();
    let hhea_slope = {
        // Italic angle → caret slope (rise, run) as printpdf expects.
        let angle = parsed.italic_angle();
        if angle == 0.0 {
            (1i16, 0i16)
        } else {
            (1000, (-(angle.to_radians().tan()) * 1000.0).round() as i16)
        }
    };
    let weight = parsed.weight().to_number();
    Ok(ParsedFont {
        original_bytes: sub.bytes.clone(),
        font_index: 0,
        font_name: Some(format!("{}+{}", sub.tag, face.post_script_name)),
        codepoint_to_glyph: BTreeMap::new(),
        glyph_widths: sub.advances.clone(),
        units_per_em: face.units_per_em,
        font_metrics: printpdf::FontMetrics {
            ascent: face.ascender,
            descent: face.descender,
        },
        font_type: printpdf::FontType::TrueType,
        pdf_font_metrics: printpdf::PdfFontMetricsStub {
            units_per_em: face.units_per_em,
            x_min: bbox.x_min,
            y_min: bbox.y_min,
            x_max: bbox.x_max,
            y_max: bbox.y_max,
            caret_slope_rise: hhea_slope.0,
            caret_slope_run: hhea_slope.1,
            us_weight_class: weight,
        },
    })
}

/// A PDF text string: UTF-16BE with a byte-order mark.
fn text_string(text: &str) -> Object {
    let mut bytes = vec![0xFE, 0xFF];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}

/// `D:YYYYMMDDHHmmSSZ` of a Unix time.
pub fn pdf_date(seconds: i64) -> String {
    let t = super::utc(seconds);
    format!(
        "D:{:04}{:02}{:02}{:02}{:02}{:02}Z",
        t.year, t.month, t.day, t.hour, t.minute, t.second
    )
}

/// Finishes printpdf's document: information dictionary, `/Lang` and the
/// outline.
fn finish(
    doc: &mut pdf_lopdf::Document,
    outline: &[OutlineEntry],
    info: &PdfInfo,
) -> Result<(), String> {
    doc.version = "1.7".into();
    let date = Object::String(pdf_date(info.created).into_bytes(), StringFormat::Literal);
    let mut dict = Dictionary::new();
    if let Some(title) = &info.title {
        dict.set("Title", text_string(title));
    }
    if !info.authors.is_empty() {
        dict.set("Author", text_string(&info.authors.join("; ")));
    }
    dict.set("Creator", text_string("offprint"));
    dict.set("Producer", text_string(&producer()));
    dict.set("CreationDate", date.clone());
    dict.set("ModDate", date);
    // printpdf's own information dictionary goes (it is pruned below).
    let info_id = doc.add_object(dict);
    doc.trailer.set("Info", Object::Reference(info_id));

    let catalog_id = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|e| format!("printpdf wrote no catalog: {e}"))?;
    let page_ids: Vec<_> = doc.get_pages().into_values().collect();
    let outline = build_outline(doc, outline, &page_ids);
    let catalog = doc
        .get_object_mut(catalog_id)
        .and_then(Object::as_dict_mut)
        .map_err(|e| format!("printpdf wrote no catalog: {e}"))?;
    catalog.set(
        "Lang",
        Object::String(info.lang.clone().into_bytes(), StringFormat::Literal),
    );
    if let Some(outline) = outline {
        catalog.set("Outlines", Object::Reference(outline));
        catalog.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
    } else {
        catalog.set("PageMode", Object::Name(b"UseNone".to_vec()));
    }
    catalog.set(
        "ViewerPreferences",
        Dictionary::from_iter(vec![("DisplayDocTitle", Object::Boolean(true))]),
    );

    Ok(())
}

/// Stands in the trailer's `/ID` while the bytes it is computed from are written.
const PLACEHOLDER_ID: &[u8; 16] = b"offprint:file-id";

/// Serialises the document with its file identifier: the first half of the
/// SHA-256 of the file itself (written with a placeholder identifier), so
/// it changes with the content and never with the time or the run. The
/// identifier is written over the placeholder in the trailer; it has the
/// same length, so no offset moves.
fn save_with_identifier(doc: &mut pdf_lopdf::Document) -> Result<Vec<u8>, String> {
    let placeholder = Object::String(PLACEHOLDER_ID.to_vec(), StringFormat::Hexadecimal);
    doc.trailer
        .set("ID", Object::Array(vec![placeholder.clone(), placeholder]));
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes)
        .map_err(|e| format!("cannot serialise the PDF: {e}"))?;
    let upper_hex = |b: &[u8]| b.iter().map(|x| format!("{x:02X}")).collect::<String>();
    let needle = upper_hex(PLACEHOLDER_ID);
    let id = upper_hex(&Sha256::digest(&bytes)[..16]);
    // The trailer is the end of the file: its two copies are the last two.
    let mut end = bytes.len();
    for _ in 0..2 {
        let at = bytes[..end]
            .windows(needle.len())
            .rposition(|w| w == needle.as_bytes())
            .ok_or("the PDF's trailer has no file identifier")?;
        bytes[at..at + needle.len()].copy_from_slice(id.as_bytes());
        end = at;
    }
    Ok(bytes)
}

/// The outline: a section (depth 0) holds the headings that follow it; a
/// heading holds the deeper headings after it.
fn build_outline(
    doc: &mut pdf_lopdf::Document,
    entries: &[OutlineEntry],
    pages: &[pdf_lopdf::ObjectId],
) -> Option<pdf_lopdf::ObjectId> {
    if entries.is_empty() {
        return None;
    }
    // Parent index of each entry (None: top level).
    let mut parents: Vec<Option<usize>> = Vec::with_capacity(entries.len());
    let mut stack: Vec<usize> = Vec::new();
    for (k, entry) in entries.iter().enumerate() {
        while let Some(&top) = stack.last() {
            if entries[top].depth < entry.depth {
                break;
            }
            stack.pop();
        }
        parents.push(stack.last().copied());
        stack.push(k);
    }
    let root = doc.new_object_id();
    let ids: Vec<_> = entries.iter().map(|_| doc.new_object_id()).collect();
    let children = |parent: Option<usize>| -> Vec<usize> {
        (0..entries.len())
            .filter(|&k| parents[k] == parent)
            .collect()
    };
    for (k, entry) in entries.iter().enumerate() {
        let mut dict = Dictionary::new();
        dict.set("Title", text_string(&entry.title));
        dict.set(
            "Parent",
            Object::Reference(parents[k].map_or(root, |p| ids[p])),
        );
        let siblings = children(parents[k]);
        let position = siblings.iter().position(|&s| s == k).unwrap_or(0);
        if position > 0 {
            dict.set("Prev", Object::Reference(ids[siblings[position - 1]]));
        }
        if let Some(&next) = siblings.get(position + 1) {
            dict.set("Next", Object::Reference(ids[next]));
        }
        let kids = children(Some(k));
        if let (Some(&first), Some(&last)) = (kids.first(), kids.last()) {
            dict.set("First", Object::Reference(ids[first]));
            dict.set("Last", Object::Reference(ids[last]));
            dict.set("Count", Object::Integer(kids.len() as i64));
        }
        if let Some(&page) = pages.get(entry.page) {
            dict.set(
                "Dest",
                Object::Array(vec![
                    Object::Reference(page),
                    Object::Name(b"XYZ".to_vec()),
                    Object::Null,
                    Object::Real(round(entry.top)),
                    Object::Null,
                ]),
            );
        }
        doc.objects.insert(ids[k], Object::Dictionary(dict));
    }
    let top = children(None);
    let mut dict = Dictionary::new();
    dict.set("Type", Object::Name(b"Outlines".to_vec()));
    dict.set("First", Object::Reference(ids[top[0]]));
    dict.set(
        "Last",
        Object::Reference(ids[*top.last().unwrap_or(&top[0])]),
    );
    dict.set("Count", Object::Integer(entries.len() as i64));
    doc.objects.insert(root, Object::Dictionary(dict));
    Some(root)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_pdf_dates_in_utc() {
        assert_eq!(pdf_date(crate::write::FIXED_DATE), "D:20000101000000Z");
        assert_eq!(pdf_date(1_720_051_200), "D:20240704000000Z");
        assert_eq!(pdf_date(0), "D:19700101000000Z");
    }

    #[test]
    fn the_file_identifier_follows_the_content() {
        let saved = |text: &str| {
            let mut doc = pdf_lopdf::Document::with_version("1.7");
            let info = doc.add_object(Dictionary::from_iter(vec![(
                "Title",
                Object::string_literal(text),
            )]));
            doc.trailer.set("Info", info);
            save_with_identifier(&mut doc).unwrap()
        };
        let id_of = |bytes: &[u8]| {
            let doc = pdf_lopdf::Document::load_mem(bytes).unwrap();
            let Ok(Object::Array(ids)) = doc.trailer.get(b"ID") else {
                panic!("no /ID");
            };
            assert_eq!(ids.len(), 2);
            assert_eq!(ids[0], ids[1]);
            ids[0].as_str().unwrap().to_vec()
        };
        let a = saved("one");
        assert_eq!(a, saved("one"), "the same content, the same bytes");
        let id = id_of(&a);
        assert_eq!(id.len(), 16);
        assert_ne!(id, PLACEHOLDER_ID);
        assert_ne!(id, id_of(&saved("two")));
    }
}
