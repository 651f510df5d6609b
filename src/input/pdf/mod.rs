//! PDF input: pages of lines, each line with its text and where the page drew it.
//!
//! `lopdf` parses (and decrypts) the file; `pdf-extract` interprets each page's content
//! stream and hands us every glyph with its text rendering matrix through [`OutputDev`].
//! We rebuild lines from glyph geometry ourselves rather than trusting drawing order, so a
//! footer drawn before the body still comes out at the bottom of its page.
//!
//! Nothing here normalises characters: ligatures (U+FB01), soft hyphens (U+00AD), U+2010
//! and CJK compatibility / Kangxi radicals pass through exactly as the PDF maps them; the
//! cleaner decides what to do with them. Three things do change what a glyph reads as:
//! `/ActualText` marked content, which is the producer's own statement of the text, wins
//! over the glyphs it covers; a spacing accent drawn over a letter is put into the letter
//! (`a` + `´` → `á`), since the page shows one character; and control characters become
//! a space (whitespace) or go.
//!
//! `pdf-extract` panics on many malformed inputs, so every call into it runs under
//! `catch_unwind` with the panic message silenced; a page that fails is reported in
//! [`PdfText::lost_pages`] instead of taking the whole document down. Known triggers
//! (missing /MediaBox, bad width tables, self-calling forms, images parsed as content) are
//! repaired or avoided before pdf-extract sees the document.

use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Once};
use std::thread;
use std::time::{Duration, Instant};

use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Document, LoadOptions, Object, ObjectId};
use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};

use crate::input::style::{Face, Style, StyledRun};

mod bidi;
mod cid;
mod columns;
mod face;
mod fontmap;
mod layout;
mod limits;
mod links;
mod measure;
mod tables;

#[cfg(test)]
use layout::is_cjk;
use layout::{build_lines, SAME_LINE_EM};

/// One line of text as the page drew it.
#[derive(Debug, Clone, PartialEq)]
pub struct PdfLine {
    pub text: String,
    /// `None` when the text came from the geometry-less fallback extractor.
    pub geometry: Option<LineGeometry>,
    /// Its runs set otherwise than plain text.
    pub styles: Vec<StyledRun>,
}

/// Where a line sits on its page, in PDF points, y measured DOWN from the top of the page.
///
/// `top` is the top of the em box (baseline − `font_size`), so the baseline is
/// `top + font_size`; `left`/`right` span the line's visible glyphs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LineGeometry {
    pub top: f32,
    pub left: f32,
    pub right: f32,
    /// Effective size in points: the `Tf` size scaled by the text and current
    /// transformation matrices, so text drawn at `1 Tf` with a `12 0 0 12` matrix is 12.
    pub font_size: f32,
    /// Where the text of the line's column starts: the left edge of its measure.
    pub column_left: f32,
    /// How many columns the part of the page the line is in has (1 for text that
    /// spans the page).
    pub columns: u8,
    /// The table cell the line is, when it is one.
    pub cell: Option<TableCell>,
}

/// Where a line stands in a table of its page: which table (counted on the
/// page), row and column, and how its column is aligned.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TableCell {
    pub table: u16,
    pub row: u32,
    pub column: u16,
    pub align: crate::model::Alignment,
}

/// One page of text lines, ordered top to bottom.
#[derive(Debug, Clone, PartialEq)]
pub struct PdfPage {
    /// 1-based page number.
    pub number: usize,
    pub height: f32,
    pub width: f32,
    pub lines: Vec<PdfLine>,
}

/// Why a PDF gave no text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PdfError {
    /// Encrypted with a user password and none was given.
    Encrypted,
    /// The password given is not the user password. (The owner password is accepted for
    /// AES-256 files only: for RC4/AES-128 files lopdf cannot derive the key from it.)
    WrongPassword,
    /// The document parsed but no page holds extractable text.
    NoText,
    /// The pages show glyphs, but (nearly) all of them are in fonts without a
    /// Unicode map, and no text could be recovered from them.
    UnmappedText {
        glyphs: usize,
        pages: usize,
        /// The fonts concerned, by name.
        fonts: Vec<String>,
    },
    /// Not a PDF, or too damaged to read; the string is a short reason.
    Malformed(String),
    /// Extraction did not finish within the time limit.
    TooSlow,
    /// Reading it would pass a limit (a stream's decoded size, a page's glyphs,
    /// the memory budget); the string says which.
    TooLarge(String),
}

impl fmt::Display for PdfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PdfError::Encrypted => f.write_str("encrypted; pass --password"),
            PdfError::WrongPassword => f.write_str("wrong password"),
            PdfError::NoText => f.write_str("no extractable text (scanned? run OCR first)"),
            PdfError::UnmappedText {
                glyphs,
                pages,
                fonts,
            } => {
                write!(
                    f,
                    "text in fonts without a Unicode map: {} glyph{} on {pages} page{}",
                    thousands(*glyphs),
                    if *glyphs == 1 { "" } else { "s" },
                    if *pages == 1 { "" } else { "s" },
                )?;
                if !fonts.is_empty() {
                    write!(f, " ({})", fonts.join(", "))?;
                }
                f.write_str("; no text could be recovered")
            }
            PdfError::Malformed(why) => write!(f, "not a readable PDF: {why}"),
            PdfError::TooSlow => f.write_str("gave up: text extraction took too long"),
            PdfError::TooLarge(why) => write!(f, "too large to read: {why}"),
        }
    }
}

impl std::error::Error for PdfError {}

/// `5210` as `5,210`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// Glyphs of one page that came out as no text: their font has no Unicode
/// map (or maps them to control characters only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnmappedGlyphs {
    /// 1-based page number.
    pub page: usize,
    pub count: usize,
    /// The fonts concerned, by name (empty when they cannot be told).
    pub fonts: Vec<String>,
}

/// Glyphs of fonts without /ToUnicode read through a character collection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovered {
    /// `Adobe-GB1`, `Adobe-CNS1`, `Adobe-Japan1` or `Adobe-Korea1`.
    pub collection: String,
    pub glyphs: usize,
}

/// The text of a whole document.
#[derive(Debug, Clone, PartialEq)]
pub struct PdfText {
    /// Every page of the document, in order (`pages[i].number == i + 1`).
    pub pages: Vec<PdfPage>,
    /// Pages whose text could not be read with positions. Their `PdfPage` holds what the
    /// fallback extractor recovered (lines without geometry), possibly nothing.
    pub lost_pages: Vec<usize>,
    /// Pages with glyphs that gave no text, in page order.
    pub unmapped: Vec<UnmappedGlyphs>,
    /// Text read through a character collection, per collection.
    pub recovered: Vec<Recovered>,
}

/// Time limit used by [`read_pdf`].
pub const DEFAULT_TIME_LIMIT: Duration = Duration::from_secs(120);

/// Reads the text of every page of a PDF.
///
/// An encrypted file is opened with the empty user password when that works (many PDFs
/// are "encrypted" only to carry permission bits), else with `password`.
pub fn read_pdf(bytes: &[u8], password: Option<&str>) -> Result<PdfText, PdfError> {
    read_pdf_with_limit(bytes, password, DEFAULT_TIME_LIMIT)
}

/// [`read_pdf`] with an explicit time limit.
///
/// The work runs on its own thread so that a pathological file cannot hang the caller:
/// past `limit` this returns [`PdfError::TooSlow`] and the worker stops at the next page
/// boundary (a single page cannot be interrupted, so it may run on a little longer).
pub fn read_pdf_with_limit(
    bytes: &[u8],
    password: Option<&str>,
    limit: Duration,
) -> Result<PdfText, PdfError> {
    let bytes = bytes.to_vec();
    let password = password.map(str::to_owned);
    let cancel = Arc::new(AtomicBool::new(false));
    let (tx, rx) = mpsc::channel();
    let worker_cancel = Arc::clone(&cancel);
    // A limit too far away to represent is no limit.
    let deadline = Instant::now().checked_add(limit);
    let spawned = thread::Builder::new()
        .name("pdf-read".into())
        // Generous stack: deeply nested (but legal) objects recurse in the parsers, and a
        // stack overflow aborts the process instead of unwinding.
        .stack_size(WORKER_STACK)
        .spawn(move || {
            let result = read_pdf_now(&bytes, password.as_deref(), &worker_cancel, deadline);
            // The receiver is gone only after a timeout; nobody wants the result then.
            let _ = tx.send(result);
        });
    if let Err(e) = spawned {
        return Err(PdfError::Malformed(format!(
            "could not start reader thread: {e}"
        )));
    }
    match rx.recv_timeout(limit) {
        Ok(result) => result,
        Err(mpsc::RecvTimeoutError::Timeout) => {
            cancel.store(true, Ordering::Relaxed);
            Err(PdfError::TooSlow)
        }
        // The worker died without sending: only possible if it panicked outside our guards.
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            Err(PdfError::Malformed("reader crashed".into()))
        }
    }
}

const WORKER_STACK: usize = 64 << 20;

/// US Letter, the size pdfium and pdf.js assume when a page has no usable /MediaBox.
const LETTER: [f32; 4] = [0.0, 0.0, 612.0, 792.0];

/// The synchronous reader behind [`read_pdf_with_limit`].
fn read_pdf_now(
    bytes: &[u8],
    password: Option<&str>,
    cancel: &AtomicBool,
    deadline: Option<Instant>,
) -> Result<PdfText, PdfError> {
    let encrypted = limits::check_streams(bytes)?;
    if !encrypted.is_empty() {
        // Loaded once without those streams' data, for the key to decrypt them with.
        if let Ok(blank) = load(&limits::without_data(bytes, &encrypted), password) {
            limits::check_decrypted(&blank, bytes, &encrypted)?;
        }
    }
    let mut doc = load(bytes, password)?;
    let page_ids: Vec<(u32, ObjectId)> = quietly(|| doc.get_pages().into_iter().collect())
        .map_err(|why| PdfError::Malformed(format!("broken page tree ({why})")))?;
    if page_ids.is_empty() {
        return Err(PdfError::Malformed("no pages".into()));
    }

    // Repairs go in before extraction so pdf-extract sees a document it can handle.
    break_parent_loops(&mut doc, &page_ids);
    repair_media_boxes(&mut doc, &page_ids);
    repair_font_widths(&mut doc);
    blank_images(&mut doc);
    for &(_, id) in &page_ids {
        rewrite_quote_operators(&mut doc, id);
    }
    let ids: Vec<ObjectId> = page_ids.iter().map(|&(_, id)| id).collect();
    let survey = quietly(|| fontmap::Survey::of(&doc, &ids)).unwrap_or_default();
    survey.repair(&mut doc);

    let mut pages = Vec::with_capacity(page_ids.len());
    let mut lost_pages = Vec::new();
    let mut unmapped = Vec::new();
    let mut recovered = std::collections::BTreeMap::new();
    let mut shown = 0usize;
    let mut form_cycles = FormCycleCache::default();
    let mut faces = face::Faces::default();
    let no_resources = lopdf::Dictionary::new();
    let mut extractor = quietly(|| pdf_extract::PageExtractor::new(&doc, &no_resources))
        .map_err(|why| PdfError::Malformed(format!("broken page tree ({why})")))?;
    for (index, &(number, id)) in page_ids.iter().enumerate() {
        // The worker checks the clock itself too, so that a limit reached
        // before a page starts gives the same answer however threads run.
        if cancel.load(Ordering::Relaxed) || deadline.is_some_and(|d| Instant::now() >= d) {
            return Err(PdfError::TooSlow);
        }
        crate::memory::check(|| format!("page {}", index + 1)).map_err(PdfError::TooLarge)?;
        let (width, height) =
            media_box(&doc, id).map_or((0.0, 0.0), |b| (b[2] - b[0], b[3] - b[1]));
        let mut page = PdfPage {
            number: index + 1,
            height,
            width,
            lines: Vec::new(),
        };
        match extract_page(
            &doc,
            &mut extractor,
            (number, id),
            &mut form_cycles,
            &mut faces,
        )? {
            Some((lines, counts)) => {
                page.lines = lines;
                shown += counts.shown;
                unmapped.extend(account_glyphs(&survey, index, &counts, &mut recovered));
            }
            None => {
                lost_pages.push(page.number);
                page.lines = fallback_lines(&doc, number);
            }
        }
        pages.push(page);
    }

    let has_text = pages
        .iter()
        .flat_map(|p| &p.lines)
        .any(|l| !l.text.trim().is_empty());
    // Glyphs shown but (almost) none read: fonts without a Unicode map, not a scan.
    let unread: usize = unmapped.iter().map(|u| u.count).sum();
    if unread > 0 && (!has_text || (shown - unread) * 20 < shown) {
        let mut fonts: Vec<String> = unmapped.iter().flat_map(|u| u.fonts.clone()).collect();
        fonts.sort();
        fonts.dedup();
        return Err(PdfError::UnmappedText {
            glyphs: unread,
            pages: unmapped.len(),
            fonts,
        });
    }
    if !has_text {
        return Err(if lost_pages.is_empty() {
            PdfError::NoText
        } else {
            // Every page failed to decode: that is damage or an unsupported font, not a scan.
            PdfError::Malformed("no page's text could be decoded".into())
        });
    }
    let recovered = recovered
        .into_iter()
        .map(|(collection, glyphs)| Recovered {
            collection: collection.to_owned(),
            glyphs,
        })
        .collect();
    Ok(PdfText {
        pages,
        lost_pages,
        unmapped,
        recovered,
    })
}

/// What the glyphs of page `index` came to: those read through a character
/// collection are added to `recovered`, and those read as nothing are returned with
/// the fonts to blame — each glyph's own string's font when the survey saw the same
/// strings pdf-extract showed, else the page's fonts without a Unicode map.
fn account_glyphs(
    survey: &fontmap::Survey,
    index: usize,
    counts: &GlyphCounts,
    recovered: &mut std::collections::BTreeMap<&'static str, usize>,
) -> Option<UnmappedGlyphs> {
    let strings = survey.strings.get(index).and_then(Option::as_deref);
    let aligned = strings.filter(|s| s.len() == counts.strings);
    if let Some(strings) = aligned {
        fontmap::count_by_collection(survey, strings, counts.read.iter().copied(), recovered);
    }
    if counts.unmapped.is_empty() {
        return None;
    }
    let fonts = match aligned {
        Some(strings) => {
            let names: std::collections::BTreeSet<&str> = counts
                .unmapped
                .iter()
                .filter_map(|&s| strings.get(s).copied().flatten())
                .filter_map(|f| survey.names.get(&f).map(String::as_str))
                .collect();
            names.into_iter().map(str::to_owned).collect()
        }
        None => survey.unmapped_on_page(index),
    };
    Some(UnmappedGlyphs {
        page: index + 1,
        count: counts.unmapped.len(),
        fonts,
    })
}

/// Whether the bytes are a PDF: a `%PDF-` header in the first kilobyte (real
/// PDFs may have a little junk before it, but not a whole kilobyte).
pub fn looks_like_pdf(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(1024)]
        .windows(5)
        .any(|w| w == b"%PDF-")
}

/// Parses the file and opens its encryption, mapping lopdf's errors to ours.
fn load(bytes: &[u8], password: Option<&str>) -> Result<Document, PdfError> {
    if bytes.is_empty() {
        return Err(PdfError::Malformed("empty file".into()));
    }
    if !looks_like_pdf(bytes) {
        return Err(PdfError::Malformed("not a PDF (no %PDF header)".into()));
    }
    // lopdf 0.42 decrypts while loading: it tries the empty user password first (many
    // files are "encrypted" only to carry permission bits), then the password in the load
    // options. Without a working password it returns the document still encrypted: /Encrypt
    // kept in the trailer, the other objects not loaded.
    let doc = parse(bytes, None)?;
    if !still_encrypted(&doc) {
        return Ok(doc);
    }
    let Some(password) = password else {
        return Err(PdfError::Encrypted);
    };
    // For revisions 2–4 lopdf derives the file key from whatever password it was given, as
    // if it were the user password; an owner password then "works" but decrypts to garbage.
    // So only a user password (or any password for AES-256, revisions 5–6) is used.
    let revision = doc
        .get_encrypted()
        .and_then(|d| d.get(b"R"))
        .and_then(Object::as_i64)
        .unwrap_or(0);
    let usable = doc.authenticate_user_password(password).is_ok()
        || (revision >= 5 && doc.authenticate_owner_password(password).is_ok());
    if !usable {
        return Err(PdfError::WrongPassword);
    }
    let doc = parse(bytes, Some(password))?;
    if still_encrypted(&doc) {
        return Err(PdfError::WrongPassword);
    }
    Ok(doc)
}

/// One lopdf parse, with its errors mapped to ours.
fn parse(bytes: &[u8], password: Option<&str>) -> Result<Document, PdfError> {
    match parse_as_is(bytes, password) {
        // lopdf wants `%%EOF` near the end; a file cut just before it (or
        // followed by junk) is otherwise whole, as pdftotext and qpdf agree.
        Err(PdfError::Malformed(why)) if !has_eof_marker(bytes) => {
            // lopdf takes exactly one line end between the xref offset and `%%EOF`.
            let mut mended = bytes.to_vec();
            if !mended.ends_with(b"\n") && !mended.ends_with(b"\r") {
                mended.push(b'\n');
            }
            mended.extend_from_slice(b"%%EOF\n");
            parse_as_is(&mended, password).map_err(|_| PdfError::Malformed(why))
        }
        result => result,
    }
}

/// Whether `%%EOF` ends the file (within its last kilobyte, as readers allow).
fn has_eof_marker(bytes: &[u8]) -> bool {
    bytes[bytes.len().saturating_sub(1024)..]
        .windows(5)
        .any(|w| w == b"%%EOF")
}

fn parse_as_is(bytes: &[u8], password: Option<&str>) -> Result<Document, PdfError> {
    let options = LoadOptions {
        password: password.map(str::to_owned),
        ..LoadOptions::default()
    };
    let loaded = quietly(|| Document::load_mem_with_options(bytes, options))
        .map_err(|why| PdfError::Malformed(format!("parser crashed ({why})")))?;
    match loaded {
        Ok(doc) => Ok(doc),
        Err(lopdf::Error::InvalidPassword)
        | Err(lopdf::Error::Decryption(lopdf::encryption::DecryptionError::IncorrectPassword)) => {
            Err(PdfError::WrongPassword)
        }
        Err(lopdf::Error::Decryption(e)) => {
            Err(PdfError::Malformed(format!("unsupported encryption ({e})")))
        }
        Err(e) => Err(PdfError::Malformed(short_reason(&e))),
    }
}

fn still_encrypted(doc: &Document) -> bool {
    doc.trailer.get(b"Encrypt").is_ok()
}

/// lopdf's messages are precise but long; keep the first clause for a one-line error.
fn short_reason(e: &lopdf::Error) -> String {
    let text = e.to_string();
    let first = text.split(';').next().unwrap_or(&text).trim();
    let mut reason: String = first.chars().take(100).collect();
    if reason.is_empty() {
        reason = "unparseable".into();
    }
    reason
}

// ---------------------------------------------------------------------------------------
// Panic containment
// ---------------------------------------------------------------------------------------

thread_local! {
    /// Set while this thread runs code whose panics we catch and report ourselves.
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`, turning a panic into `Err(message)` without printing the usual panic report.
///
/// The hook is process-wide, so instead of swapping it per call (racy with other threads)
/// we install one wrapper once that stays silent only on threads inside `quietly`.
pub(crate) fn quietly<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
    let was_quiet = QUIET.with(|q| q.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was_quiet));
    result.map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".into());
        message.chars().take(120).collect()
    })
}

// ---------------------------------------------------------------------------------------
// Document repairs
// ---------------------------------------------------------------------------------------

/// The page's effective /MediaBox (inherited through /Parent) as `[llx, lly, urx, ury]`,
/// if it is a usable four-number box.
fn media_box(doc: &Document, page: ObjectId) -> Option<[f32; 4]> {
    let mut dict = doc.get_dictionary(page).ok()?;
    // Bounded walk: a /Parent cycle must not loop forever.
    for _ in 0..64 {
        if let Ok(found) = dict.get(b"MediaBox") {
            return number_box(doc, found);
        }
        dict = dict
            .get(b"Parent")
            .and_then(Object::as_reference)
            .and_then(|id| doc.get_dictionary(id))
            .ok()?;
    }
    None
}

/// A rectangle array of four numbers, normalised so that ll < ur.
fn number_box(doc: &Document, object: &Object) -> Option<[f32; 4]> {
    let (_, object) = doc.dereference(object).ok()?;
    let items = object.as_array().ok()?;
    if items.len() != 4 {
        return None;
    }
    let mut v = [0.0f32; 4];
    for (slot, item) in v.iter_mut().zip(items) {
        // pdf-extract only accepts direct numbers here.
        *slot = item.as_float().ok().filter(|x| x.is_finite())?;
    }
    let b = [
        v[0].min(v[2]),
        v[1].min(v[3]),
        v[0].max(v[2]),
        v[1].max(v[3]),
    ];
    (b[2] - b[0] > 0.0 && b[3] - b[1] > 0.0).then_some(b)
}

/// Gives every page a direct, well-formed /MediaBox.
///
/// How far up a page's `/Parent` chain may go (real page trees are a few deep).
const MAX_PARENT_DEPTH: usize = 64;

/// pdf-extract looks up inherited attributes (resources, boxes) by recursing up a
/// page's `/Parent` chain: a chain that comes back on itself, or runs thousands
/// deep, overflows the stack. The link that closes a loop, or passes the depth,
/// goes (the page keeps what it has itself).
fn break_parent_loops(doc: &mut Document, pages: &[(u32, ObjectId)]) {
    for &(_, page) in pages {
        let mut seen = HashSet::new();
        let mut node = page;
        loop {
            seen.insert(node);
            let parent = doc
                .get_dictionary(node)
                .ok()
                .and_then(|d| d.get(b"Parent").ok())
                .and_then(|p| p.as_reference().ok());
            match parent {
                Some(parent) if !seen.contains(&parent) && seen.len() < MAX_PARENT_DEPTH => {
                    node = parent
                }
                Some(_) => {
                    if let Ok(dict) = doc.get_dictionary_mut(node) {
                        dict.remove(b"Parent");
                    }
                    break;
                }
                None => break,
            }
        }
    }
}

/// pdf-extract panics ("MediaBox") when a page has none and on malformed ones. Like
/// pdfium we substitute: the page's /CropBox, else the previous page's box (documents are
/// nearly always one size), else US Letter. Geometry on such a page is then approximate.
fn repair_media_boxes(doc: &mut Document, pages: &[(u32, ObjectId)]) {
    let mut last_good: Option<[f32; 4]> = None;
    for &(_, id) in pages {
        if let Some(found) = media_box(doc, id) {
            last_good = Some(found);
            continue;
        }
        let crop = doc
            .get_dictionary(id)
            .ok()
            .and_then(|d| d.get(b"CropBox").ok())
            .and_then(|o| number_box(doc, o));
        let chosen = crop.or(last_good).unwrap_or(LETTER);
        if let Ok(dict) = doc.get_dictionary_mut(id) {
            dict.set(
                "MediaBox",
                chosen.iter().map(|&x| Object::Real(x)).collect::<Vec<_>>(),
            );
        }
        last_good = Some(chosen);
    }
}

/// Replaces every image XObject with an empty form.
///
/// pdf-extract treats whatever `Do` names as a form: it decompresses image data and
/// parses the pixels as a content stream. That wastes time on image-heavy pages and can
/// hit its asserts on random operands. Images carry no text, so drop them up front.
fn blank_images(doc: &mut Document) {
    for object in doc.objects.values_mut() {
        let Object::Stream(stream) = object else {
            continue;
        };
        if stream.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Image".as_slice()) {
            let mut dict = Dictionary::new();
            dict.set("Type", Object::Name(b"XObject".to_vec()));
            dict.set("Subtype", Object::Name(b"Form".to_vec()));
            dict.set(
                "BBox",
                vec![
                    Object::Integer(0),
                    Object::Integer(0),
                    Object::Integer(0),
                    Object::Integer(0),
                ],
            );
            *object = Object::Stream(lopdf::Stream::new(dict, Vec::new()));
        }
    }
}

/// Rewrites font width tables into forms pdf-extract reads correctly.
///
/// pdf-extract 0.12 misreads the range form `c_first c_last w` of a CID font's /W array
/// (it takes the width from the wrong element and stops before `c_last`), so those glyphs
/// get the default width. Chromium/Skia writes such ranges for common letters; the wrong
/// advances then make glyph runs overlap and interleave ("CPsC D'epartment"). The
/// explicit form `c [w1 w2 …]` is read correctly, so we expand ranges into it. A real
/// /DW (pdf-extract wants an integer, else assumes 1000) is rounded, and Type 3 widths are
/// scaled by the font matrix, which pdf-extract ignores (it always divides by 1000).
fn repair_font_widths(doc: &mut Document) {
    let mut fixes: Vec<(ObjectId, &'static str, Object)> = Vec::new();
    for (&id, object) in &doc.objects {
        let Object::Dictionary(font) = object else {
            continue;
        };
        let subtype = font
            .get(b"Subtype")
            .and_then(Object::as_name)
            .unwrap_or_default();
        match subtype {
            b"CIDFontType0" | b"CIDFontType2" => {
                if let Ok(w) = font.get(b"W") {
                    if let Some(expanded) = expand_cid_widths(doc, w) {
                        fixes.push((id, "W", Object::Array(expanded)));
                    }
                }
                if let Ok(dw) = font
                    .get(b"DW")
                    .and_then(|o| doc.dereference(o))
                    .map(|(_, o)| o)
                {
                    if !matches!(dw, Object::Integer(_)) {
                        let width = dw.as_float().map_or(1000, |w| w.round() as i64);
                        fixes.push((id, "DW", Object::Integer(width)));
                    }
                }
            }
            b"Type3" => {
                if let Some(scaled) = scale_type3_widths(doc, font) {
                    fixes.push((id, "Widths", Object::Array(scaled)));
                }
            }
            b"Type1" | b"TrueType" | b"MMType1" => fixes.extend(
                simple_font_fixes(doc, font)
                    .into_iter()
                    .map(|(k, v)| (id, k, v)),
            ),
            _ => {}
        }
    }
    for (id, key, value) in fixes {
        if let Ok(font) = doc.get_dictionary_mut(id) {
            font.set(key, value);
        }
    }
}

/// A CID /W array in the all-explicit form, or `None` if it already is (or is unusable).
fn expand_cid_widths(doc: &Document, w: &Object) -> Option<Vec<Object>> {
    // Cap on glyphs a range may expand to, so a hostile `0 4294967295 500` stays cheap.
    const MAX_GLYPHS: i64 = 1 << 16;
    let number = |o: &Object| doc.dereference(o).ok().and_then(|(_, o)| o.as_float().ok());
    let (_, w) = doc.dereference(w).ok()?;
    let items = w.as_array().ok()?;
    let mut out = Vec::new();
    let mut changed = false;
    let mut budget = MAX_GLYPHS;
    let mut i = 0;
    while i < items.len() {
        let Some(first) = number(&items[i]) else {
            break;
        };
        let first = first as i64;
        let next = items
            .get(i + 1)
            .map(|o| doc.dereference(o).map_or(o, |(_, o)| o));
        if let Some(Object::Array(list)) = next {
            // Already explicit; still normalise indirect or malformed entries.
            let widths: Vec<Object> = list
                .iter()
                .map(|o| Object::Real(number(o).unwrap_or(0.0)))
                .collect();
            changed |= list
                .iter()
                .any(|o| !matches!(o, Object::Integer(_) | Object::Real(_)));
            changed |= !matches!(items[i], Object::Integer(_));
            out.push(Object::Integer(first));
            out.push(Object::Array(widths));
            i += 2;
        } else {
            let (Some(last), Some(width)) = (
                next.and_then(|o| o.as_float().ok()),
                items.get(i + 2).and_then(number),
            ) else {
                changed = true;
                break;
            };
            let count = (last as i64 - first + 1).clamp(0, budget);
            budget -= count;
            out.push(Object::Integer(first));
            out.push(Object::Array(vec![Object::Real(width); count as usize]));
            changed = true;
            i += 3;
        }
    }
    changed.then_some(out)
}

/// The 14 standard fonts, whose metrics pdf-extract has built in.
const CORE_FONTS: [&str; 14] = [
    "Courier",
    "Courier-Bold",
    "Courier-BoldOblique",
    "Courier-Oblique",
    "Helvetica",
    "Helvetica-Bold",
    "Helvetica-BoldOblique",
    "Helvetica-Oblique",
    "Symbol",
    "Times-Bold",
    "Times-BoldItalic",
    "Times-Italic",
    "Times-Roman",
    "ZapfDingbats",
];

/// Repairs for a simple font's widths that would otherwise panic or zero every advance.
///
/// - pdf-extract asserts `LastChar == FirstChar + len(Widths) - 1`; sloppy files break it,
///   so LastChar is made to agree with the array (and the array made of plain numbers).
/// - Without /Widths it means to fall back to Helvetica metrics for non-standard fonts
///   (e.g. /Arial), but compares the wrong name and ends with no widths at all: every
///   advance is 0 and each letter becomes a "word". Renaming the font to the closest
///   standard font gets it real metrics.
fn simple_font_fixes(doc: &Document, font: &Dictionary) -> Vec<(&'static str, Object)> {
    let mut fixes = Vec::new();
    let get = |key: &[u8]| {
        font.get(key)
            .ok()
            .and_then(|o| doc.dereference(o).ok())
            .map(|(_, o)| o)
    };
    if let Some(Object::Array(widths)) = get(b"Widths") {
        let plain = widths
            .iter()
            .all(|w| matches!(w, Object::Integer(_) | Object::Real(_)));
        if !plain {
            let numbers = widths.iter().map(|w| {
                Object::Real(
                    doc.dereference(w)
                        .ok()
                        .and_then(|(_, w)| w.as_float().ok())
                        .unwrap_or(0.0),
                )
            });
            fixes.push(("Widths", Object::Array(numbers.collect())));
        }
        if let Some(first) = get(b"FirstChar").and_then(|o| o.as_i64().ok()) {
            let last = first + widths.len() as i64 - 1;
            if get(b"LastChar").and_then(|o| o.as_i64().ok()) != Some(last) {
                fixes.push(("LastChar", Object::Integer(last)));
            }
        }
        return fixes;
    }
    let Some(name) = get(b"BaseFont").and_then(|o| o.as_name().ok()) else {
        return fixes;
    };
    let name = String::from_utf8_lossy(name);
    // Subset prefixes ("ABCDEF+") are not part of the font's name.
    let bare = name.split_once('+').map_or(&*name, |(_, rest)| rest);
    if CORE_FONTS.contains(&bare) {
        return fixes;
    }
    let lower = bare.to_ascii_lowercase();
    let family = if lower.contains("courier") || lower.contains("mono") {
        "Courier"
    } else if lower.contains("times") || (lower.contains("serif") && !lower.contains("sans")) {
        "Times"
    } else {
        "Helvetica"
    };
    let bold = lower.contains("bold") || lower.contains("black") || lower.contains("heavy");
    let slanted = lower.contains("italic") || lower.contains("oblique");
    let substitute = match (family, bold, slanted) {
        ("Times", false, false) => "Times-Roman".to_owned(),
        ("Times", true, false) => "Times-Bold".to_owned(),
        ("Times", false, true) => "Times-Italic".to_owned(),
        ("Times", true, true) => "Times-BoldItalic".to_owned(),
        (f, false, false) => f.to_owned(),
        (f, true, false) => format!("{f}-Bold"),
        (f, false, true) => format!("{f}-Oblique"),
        (f, true, true) => format!("{f}-BoldOblique"),
    };
    fixes.push(("BaseFont", Object::Name(substitute.into_bytes())));
    fixes
}

/// Type 3 /Widths rescaled to thousandths of text space, if the font matrix is not 1/1000.
fn scale_type3_widths(doc: &Document, font: &Dictionary) -> Option<Vec<Object>> {
    let matrix = font
        .get(b"FontMatrix")
        .ok()
        .and_then(|o| doc.dereference(o).ok())?
        .1
        .as_array()
        .ok()?;
    let scale = (matrix.first()?.as_float().ok()? * 1000.0).abs();
    if !scale.is_finite() || (scale - 1.0).abs() < 1e-3 {
        return None;
    }
    let widths = font
        .get(b"Widths")
        .ok()
        .and_then(|o| doc.dereference(o).ok())?
        .1
        .as_array()
        .ok()?;
    Some(
        widths
            .iter()
            .map(|w| Object::Real(w.as_float().unwrap_or(0.0) * scale))
            .collect(),
    )
}

/// pdf-extract ignores the `'` and `"` text operators, silently dropping their strings.
/// Rewrite them into the equivalent `T*`/`Tw`/`Tc`/`Tj` sequence (PDF 32000-1 §9.4.3).
fn rewrite_quote_operators(doc: &mut Document, page: ObjectId) {
    let Ok(raw) = doc.get_page_content(page) else {
        return;
    };
    // Cheap pre-scan so ordinary pages are not decoded twice: the operators follow a
    // string operand, so look for `)` or `>` then optional whitespace then `'` or `"`.
    let mut after_string = false;
    let hit = raw.iter().any(|&b| {
        let hit = after_string && (b == b'\'' || b == b'"');
        if !b.is_ascii_whitespace() {
            after_string = b == b')' || b == b'>';
        }
        hit
    });
    if !hit {
        return;
    }
    let Ok(content) = Content::decode(&raw) else {
        return;
    };
    if !content
        .operations
        .iter()
        .any(|op| op.operator == "'" || op.operator == "\"")
    {
        return;
    }
    let mut rewritten = Vec::with_capacity(content.operations.len() + 8);
    for op in content.operations {
        match (op.operator.as_str(), op.operands.as_slice()) {
            ("'", [text]) => {
                rewritten.push(Operation::new("T*", vec![]));
                rewritten.push(Operation::new("Tj", vec![text.clone()]));
            }
            ("\"", [word, char, text]) => {
                rewritten.push(Operation::new("Tw", vec![word.clone()]));
                rewritten.push(Operation::new("Tc", vec![char.clone()]));
                rewritten.push(Operation::new("T*", vec![]));
                rewritten.push(Operation::new("Tj", vec![text.clone()]));
            }
            _ => rewritten.push(op),
        }
    }
    if let Ok(bytes) = (Content {
        operations: rewritten,
    })
    .encode()
    {
        let _ = doc.change_page_content(page, bytes);
    }
}

/// Remembers which form XObjects can reach themselves through `Do`.
///
/// pdf-extract recurses into forms without a depth limit, so a self-referencing form
/// overflows the stack, which aborts the process (it cannot be caught). Pages that can
/// reach such a form are left to the fallback extractor.
#[derive(Default)]
struct FormCycleCache {
    /// Names invoked with `Do` by each form's content stream.
    invoked: HashMap<ObjectId, Vec<Vec<u8>>>,
}

impl FormCycleCache {
    /// True if some form reachable from the page calls itself, or nesting is absurdly deep.
    fn page_has_cycle(&mut self, doc: &Document, page: ObjectId) -> bool {
        let Some(resources) = page_resources(doc, page) else {
            return false;
        };
        let Some(xobjects) = dict_entry(doc, resources, b"XObject") else {
            return false;
        };
        // Every form the page could invoke is a root; over-approximating is harmless.
        let roots: Vec<ObjectId> = xobjects
            .iter()
            .filter_map(|(_, o)| o.as_reference().ok())
            .collect();
        let mut budget = 10_000usize;
        roots.into_iter().any(|root| {
            let mut path = HashSet::new();
            self.reaches_cycle(doc, root, resources, &mut path, &mut budget)
        })
    }

    fn reaches_cycle<'d>(
        &mut self,
        doc: &'d Document,
        form: ObjectId,
        inherited: &'d Dictionary,
        path: &mut HashSet<ObjectId>,
        budget: &mut usize,
    ) -> bool {
        if path.contains(&form) || path.len() > 32 || *budget == 0 {
            return true;
        }
        *budget -= 1;
        let Ok(Object::Stream(stream)) = doc.get_object(form) else {
            return false;
        };
        if stream.dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Form".as_slice()) {
            return false;
        }
        // Same rule as pdf-extract: a form without /Resources uses its caller's.
        let resources = dict_entry(doc, &stream.dict, b"Resources").unwrap_or(inherited);
        let names = self.invoked.entry(form).or_insert_with(|| {
            let data = stream
                .decompressed_content()
                .unwrap_or_else(|_| stream.content.clone());
            Content::decode(&data)
                .map(|c| {
                    c.operations
                        .into_iter()
                        .filter(|op| op.operator == "Do")
                        .filter_map(|op| {
                            op.operands
                                .first()
                                .and_then(|o| o.as_name().ok())
                                .map(<[u8]>::to_vec)
                        })
                        .collect()
                })
                .unwrap_or_default()
        });
        if names.is_empty() {
            return false;
        }
        let names = names.clone();
        let Some(xobjects) = dict_entry(doc, resources, b"XObject") else {
            return false;
        };
        path.insert(form);
        let found = names.iter().any(|name| {
            xobjects
                .get(name)
                .and_then(Object::as_reference)
                .is_ok_and(|child| self.reaches_cycle(doc, child, resources, path, budget))
        });
        path.remove(&form);
        found
    }
}

/// The page's /Resources, inherited through /Parent like pdf-extract does.
fn page_resources(doc: &Document, page: ObjectId) -> Option<&Dictionary> {
    let mut dict = doc.get_dictionary(page).ok()?;
    for _ in 0..64 {
        if let Some(found) = dict_entry(doc, dict, b"Resources") {
            return Some(found);
        }
        dict = dict
            .get(b"Parent")
            .and_then(Object::as_reference)
            .and_then(|id| doc.get_dictionary(id))
            .ok()?;
    }
    None
}

/// The object itself, or the one it refers to (one reference followed).
fn resolve<'d>(doc: &'d Document, object: &'d Object) -> &'d Object {
    doc.dereference(object).map_or(object, |(_, found)| found)
}

/// A dictionary-valued entry, following one reference.
fn dict_entry<'d>(doc: &'d Document, dict: &'d Dictionary, key: &[u8]) -> Option<&'d Dictionary> {
    let object = dict.get(key).ok()?;
    doc.dereference(object).ok()?.1.as_dict().ok()
}

// ---------------------------------------------------------------------------------------
// Per-page extraction
// ---------------------------------------------------------------------------------------

/// What a page's glyphs came to.
#[derive(Debug, Default)]
struct GlyphCounts {
    /// Glyphs shown.
    shown: usize,
    /// Strings shown.
    strings: usize,
    /// For each glyph that read as text, and each that read as nothing, the
    /// string that showed it.
    read: Vec<usize>,
    unmapped: Vec<usize>,
}

/// Lines of one page with geometry, or `None` if pdf-extract cannot read it;
/// an error if the page passes a limit.
fn extract_page(
    doc: &Document,
    extractor: &mut pdf_extract::PageExtractor,
    (number, id): (u32, ObjectId),
    forms: &mut FormCycleCache,
    faces: &mut face::Faces,
) -> Result<Option<(Vec<PdfLine>, GlyphCounts)>, PdfError> {
    if quietly(|| forms.page_has_cycle(doc, id)).unwrap_or(true) {
        return Ok(None);
    }
    let spans = quietly(|| actual_text_spans(doc, id)).unwrap_or_default();
    let mut collector = GlyphCollector {
        doc: Some(doc),
        faces: std::mem::take(faces),
        links: quietly(|| links::of_page(doc, id)).unwrap_or_default(),
        ..GlyphCollector::default()
    };
    let result = quietly(|| extractor.output_page(&mut collector, number));
    *faces = std::mem::take(&mut collector.faces);
    if let Some(why) = collector.too_large {
        return Err(PdfError::TooLarge(why));
    }
    Ok(match result {
        Ok(Ok(())) => {
            let counts = GlyphCounts {
                shown: collector.shown,
                strings: collector.strings,
                read: collector.glyphs.iter().map(|g| g.string).collect(),
                unmapped: collector.unmapped,
            };
            let lines = build_lines(apply_actual_text(collector.glyphs, &spans), collector.media);
            Some((lines, counts))
        }
        Ok(Err(_)) | Err(_) => None,
    })
}

/// Replacement text for a run of shown strings: strings `start..end` (counted in the order
/// pdf-extract shows them) are to be read as `text`.
#[derive(Debug, Clone, PartialEq)]
struct ActualText {
    start: usize,
    end: usize,
    text: String,
}

/// The page's `/ActualText` marked-content spans.
///
/// pdf-extract ignores marked content, but producers use /ActualText to say what glyphs
/// mean: Chromium draws a soft hyphen as an invisible space glyph inside
/// `/Span <</ActualText <FEFF00AD>>> BDC … EMC` (without it we would print "Gar ‐" for
/// "Gar\u{AD}‐"), and wraps ligature glyphs in `/ActualText (fi)`. pdf-extract calls
/// `begin_word` once per shown string, in content order, so we number strings the same
/// way here (following forms as it does) and map spans to string ranges.
fn actual_text_spans(doc: &Document, page: ObjectId) -> Vec<ActualText> {
    let Ok(raw) = doc.get_page_content(page) else {
        return Vec::new();
    };
    let Some(resources) = page_resources(doc, page) else {
        return Vec::new();
    };
    // Cheap test first: most pages have no ActualText at all.
    let named_properties = resources.has(b"Properties");
    if !named_properties && !raw.windows(10).any(|w| w == b"ActualText") {
        return Vec::new();
    }
    let mut walk = SpanWalk::default();
    walk.content(doc, &raw, resources, 0);
    walk.spans
}

#[derive(Default)]
struct SpanWalk {
    /// Strings shown so far.
    shown: usize,
    /// Open marked-content sections: `Some` for an ActualText span (outermost only).
    open: Vec<Option<(usize, String)>>,
    spans: Vec<ActualText>,
}

impl SpanWalk {
    fn content(&mut self, doc: &Document, raw: &[u8], resources: &Dictionary, depth: usize) {
        let Ok(content) = Content::decode(raw) else {
            return;
        };
        for op in &content.operations {
            match op.operator.as_str() {
                "BDC" => {
                    let inside = self.open.iter().any(Option::is_some);
                    let text = if inside {
                        None
                    } else {
                        span_actual_text(doc, &op.operands, resources)
                    };
                    self.open.push(text.map(|t| (self.shown, t)));
                }
                "BMC" => self.open.push(None),
                "EMC" => {
                    if let Some(Some((start, text))) = self.open.pop() {
                        self.spans.push(ActualText {
                            start,
                            end: self.shown,
                            text,
                        });
                    }
                }
                // Mirror pdf-extract: one shown string per Tj, one per string in a TJ array.
                "Tj" if matches!(op.operands.first(), Some(Object::String(..))) => self.shown += 1,
                "TJ" => {
                    if let Some(Object::Array(items)) = op.operands.first() {
                        self.shown += items
                            .iter()
                            .filter(|o| matches!(o, Object::String(..)))
                            .count();
                    }
                }
                "Do" if depth < 16 => self.form(doc, &op.operands, resources, depth),
                _ => {}
            }
        }
    }

    fn form(&mut self, doc: &Document, operands: &[Object], resources: &Dictionary, depth: usize) {
        if let Some((inner, data)) = named_form(doc, operands, resources) {
            self.content(doc, &data, inner, depth + 1);
        }
    }
}

/// The resources (its own, else the caller's) and decoded content of the form XObject
/// that a `Do` names.
fn named_form<'d>(
    doc: &'d Document,
    operands: &[Object],
    resources: &'d Dictionary,
) -> Option<(&'d Dictionary, Vec<u8>)> {
    let name = operands.first()?.as_name().ok()?;
    let xobjects = dict_entry(doc, resources, b"XObject")?;
    let Ok((_, Object::Stream(form))) = doc.dereference(xobjects.get(name).ok()?) else {
        return None;
    };
    let inner = dict_entry(doc, &form.dict, b"Resources").unwrap_or(resources);
    let data = form
        .decompressed_content()
        .unwrap_or_else(|_| form.content.clone());
    Some((inner, data))
}

/// The /ActualText of a `BDC` (inline property list or named in /Properties), decoded.
fn span_actual_text(doc: &Document, operands: &[Object], resources: &Dictionary) -> Option<String> {
    let properties = match operands.get(1)? {
        Object::Dictionary(d) => d,
        Object::Name(name) => dict_entry(doc, dict_entry(doc, resources, b"Properties")?, name)?,
        _ => return None,
    };
    let (_, value) = doc.dereference(properties.get(b"ActualText").ok()?).ok()?;
    // UTF-16BE with BOM or PDFDocEncoding; an undecodable string is ignored.
    lopdf::decode_text_string(value).ok()
}

/// Replaces the glyphs of each ActualText span with one glyph carrying the span's text,
/// spanning from the first glyph's origin to the last glyph's end.
fn apply_actual_text(glyphs: Vec<Glyph>, spans: &[ActualText]) -> Vec<Glyph> {
    if spans.is_empty() {
        return glyphs;
    }
    let mut out: Vec<Glyph> = Vec::with_capacity(glyphs.len());
    let mut spans = spans.iter().peekable();
    // Index in `out` of the glyph standing for the current span, if it has one yet.
    let mut current: Option<(&ActualText, Option<usize>)> = None;
    for g in glyphs {
        if current.is_some_and(|(span, _)| g.string >= span.end) {
            current = None;
        }
        if current.is_none() {
            while spans.peek().is_some_and(|s| s.end <= g.string) {
                spans.next();
            }
            if let Some(span) = spans.next_if(|s| s.start <= g.string) {
                current = Some((span, None));
            }
        }
        match current {
            None => out.push(g),
            Some((span, None)) => {
                current = Some((span, Some(out.len())));
                out.push(Glyph {
                    text: span.text.clone(),
                    ..g
                });
            }
            Some((_, Some(index))) => {
                // Stretch the span's glyph over this one too, if it is on the same line
                // (a span can run across a line break; its text then sits on the first).
                if let Some(first) = out.get_mut(index) {
                    let (sin, cos) = f64::from(first.angle).to_radians().sin_cos();
                    let (dx, dy) = (g.x - first.x, g.y - first.y);
                    let across = -dx * sin + dy * cos;
                    if across.abs() < SAME_LINE_EM * first.size {
                        first.advance = first.advance.max(dx * cos + dy * sin + g.advance);
                    }
                }
            }
        }
    }
    out
}

/// Text of a page pdf-extract could not read, from lopdf's simpler extractor: it knows
/// no positions, only the order in which text was drawn.
fn fallback_lines(doc: &Document, number: u32) -> Vec<PdfLine> {
    let chunks = quietly(|| doc.extract_text_chunks(&[number])).unwrap_or_default();
    chunks
        .into_iter()
        .filter_map(Result::ok)
        .flat_map(|chunk| {
            chunk
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .map(|text| PdfLine {
            text,
            geometry: None,
            styles: Vec::new(),
        })
        .collect()
}

/// One glyph as drawn, in page space (PDF user space, y up).
#[derive(Debug, Clone)]
struct Glyph {
    text: String,
    /// Origin of the glyph.
    x: f64,
    y: f64,
    /// Advance along the writing direction, in points.
    advance: f64,
    /// Effective font size in points.
    size: f64,
    /// Writing direction in whole degrees (0 = normal horizontal text).
    angle: i32,
    /// Which shown string (Tj operand, TJ array element) drew it, counted from 0.
    string: usize,
    /// Its font's face and the link over it (its raise is judged against its line).
    style: Style,
}

/// Receives glyphs from pdf-extract; all layout happens afterwards in [`build_lines`].
#[derive(Default)]
struct GlyphCollector<'d> {
    doc: Option<&'d Document>,
    faces: face::Faces,
    /// The font and face of the string being shown.
    font: *const Dictionary,
    face: Face,
    /// The page's link annotations.
    links: Vec<links::Link>,
    glyphs: Vec<Glyph>,
    media: [f64; 4],
    /// Strings shown so far (pdf-extract calls `begin_word` once per string).
    strings: usize,
    /// Glyphs shown so far.
    shown: usize,
    /// The string of each glyph that decoded to nothing (or to control
    /// characters only): its font has no usable Unicode map.
    unmapped: Vec<usize>,
    /// Why the page was given up: too many glyphs, or the memory budget.
    too_large: Option<String>,
}

impl GlyphCollector<'_> {
    /// Stops the page (pdf-extract gives up on an error) once it has shown
    /// more glyphs than a page can hold, or the heap has passed the budget.
    fn within_limits(&mut self) -> Result<(), OutputError> {
        if !self.shown.is_multiple_of(65_536) {
            return Ok(());
        }
        let why = if self.shown > limits::MAX_GLYPHS_PER_PAGE {
            Some(format!(
                "a page shows more than {} glyphs",
                thousands(limits::MAX_GLYPHS_PER_PAGE)
            ))
        } else {
            crate::memory::check(|| "a page's glyphs".into()).err()
        };
        match why {
            Some(why) => {
                self.too_large = Some(why);
                Err(OutputError::FormatError(fmt::Error))
            }
            None => Ok(()),
        }
    }
}

impl GlyphCollector<'_> {
    /// The link over a glyph: the one that holds the middle of its box, a third
    /// of an em up from its baseline.
    fn link_at(&self, trm: &Transform, advance: f64, size: f64, angle: i32) -> Option<Arc<str>> {
        if self.links.is_empty() {
            return None;
        }
        let (sin, cos) = f64::from(angle).to_radians().sin_cos();
        let middle = (
            trm.m31 + advance / 2.0 * cos - size / 3.0 * sin,
            trm.m32 + advance / 2.0 * sin + size / 3.0 * cos,
        );
        links::at(&self.links, middle)
    }
}

impl OutputDev for GlyphCollector<'_> {
    fn begin_page(
        &mut self,
        _page: u32,
        media: &MediaBox,
        _art: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.media = [media.llx, media.lly, media.urx, media.ury];
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    /// `trm` maps text space to user space for this glyph (font size not included);
    /// `width` is the glyph advance in text space units / 1000 (em fraction).
    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        text: &str,
    ) -> Result<(), OutputError> {
        // The text-space y axis mapped to user space gives the rendered em height; using
        // it (not the raw Tf operand) makes `1 Tf` + `12 0 0 12 Tm` come out as 12 pt.
        let size = font_size.abs() * trm.m21.hypot(trm.m22);
        let x_scale = trm.m11.hypot(trm.m12);
        let advance = width * font_size.abs() * x_scale;
        let finite = [trm.m31, trm.m32, size, advance]
            .iter()
            .all(|v| v.is_finite());
        // Within a line a control character can only be a word break (wkhtmltopdf maps its
        // space glyph to U+0009) or junk from a broken ToUnicode map.
        let text: String = text
            .chars()
            .filter_map(|c| match c {
                '\t' | '\n' | '\r' | '\u{b}' | '\u{c}' => Some(' '),
                c if c.is_control() => None,
                c => Some(c),
            })
            .collect();
        self.shown += 1;
        self.within_limits()?;
        let string = self.strings.saturating_sub(1);
        if text.is_empty() {
            self.unmapped.push(string);
            return Ok(());
        }
        if !finite || size <= 0.0 {
            return Ok(());
        }
        let angle = trm.m12.atan2(trm.m11).to_degrees().round() as i32;
        let style = Style {
            face: self.face,
            link: self.link_at(trm, advance, size, angle),
            ..Style::default()
        };
        self.glyphs.push(Glyph {
            text,
            x: trm.m31,
            y: trm.m32,
            advance,
            size,
            angle,
            string,
            style,
        });
        Ok(())
    }

    fn font(&mut self, font: &Dictionary) -> Result<(), OutputError> {
        // Most strings are shown in the font of the string before.
        if std::ptr::eq(font, self.font) {
            return Ok(());
        }
        self.font = font;
        if let Some(doc) = self.doc {
            self.face = self.faces.of(doc, font);
        }
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        self.strings += 1;
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::style::Raise;
    use lopdf::{dictionary, EncryptionState, EncryptionVersion, Permissions, Stream};

    /// A Letter-size document, one page per content stream, Helvetica as /F1. Resources
    /// and MediaBox sit on the /Pages node so that inheritance is exercised too.
    fn document(contents: &[&str]) -> Document {
        let mut doc = Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        let font = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        });
        let kids: Vec<Object> = contents
            .iter()
            .map(|content| {
                let stream =
                    doc.add_object(Stream::new(dictionary! {}, content.as_bytes().to_vec()));
                doc.add_object(
                    dictionary! { "Type" => "Page", "Parent" => pages_id, "Contents" => stream },
                )
                .into()
            })
            .collect();
        let count = kids.len() as i64;
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages", "Kids" => kids, "Count" => count,
                "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
                "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
            }),
        );
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        doc.trailer.set("Root", catalog);
        doc
    }

    fn bytes(doc: &mut Document) -> Vec<u8> {
        let mut out = Vec::new();
        doc.save_to(&mut out).expect("test document saves");
        out
    }

    fn pdf(contents: &[&str]) -> Vec<u8> {
        bytes(&mut document(contents))
    }

    fn texts(page: &PdfPage) -> Vec<&str> {
        page.lines.iter().map(|l| l.text.as_str()).collect()
    }

    /// The lines of a one-page document drawn by `content`.
    fn first_page_texts(content: &str) -> Vec<String> {
        let text = read_pdf(&pdf(&[content]), None).expect("readable");
        texts(&text.pages[0])
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    fn geometry(line: &PdfLine) -> LineGeometry {
        line.geometry.expect("line has geometry")
    }

    fn encrypted(user: &str, owner: &str) -> Vec<u8> {
        let mut doc = document(&["BT /F1 12 Tf 72 700 Td (Secret text) Tj ET"]);
        let id = Object::string_literal(b"0123456789abcdef".to_vec());
        doc.trailer.set("ID", vec![id.clone(), id]);
        let version = EncryptionVersion::V2 {
            document: &doc,
            owner_password: owner,
            user_password: user,
            key_length: 128,
            permissions: Permissions::all(),
        };
        let state = EncryptionState::try_from(version).expect("encryption state");
        doc.encrypt(&state).expect("encrypts");
        bytes(&mut doc)
    }

    #[test]
    fn a_font_name_that_names_another_font_on_the_next_page_reads_that_font() {
        // Fonts are parsed once per document (the patched pdf-extract keeps them
        // between pages): by their dictionary, never by a name that page 2's
        // resources give to another font.
        let mut doc = document(&[
            "BT /F1 12 Tf 72 700 Td (ABBA) Tj ET",
            "BT /F1 12 Tf 72 700 Td (ABBA) Tj ET",
            "BT /F1 12 Tf 72 700 Td (ABBA) Tj ET",
        ]);
        let other = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
            "Encoding" => dictionary! {
                "Type" => "Encoding",
                "Differences" => vec![65.into(), Object::Name(b"Z".to_vec())],
            },
        });
        let second = doc.get_pages()[&2];
        doc.get_dictionary_mut(second).unwrap().set(
            "Resources",
            dictionary! { "Font" => dictionary! { "F1" => other } },
        );
        let text = read_pdf(&bytes(&mut doc), None).expect("readable");
        let pages: Vec<Vec<&str>> = text.pages.iter().map(texts).collect();
        assert_eq!(pages, [vec!["ABBA"], vec!["ZBBZ"], vec!["ABBA"]]);
    }

    #[test]
    fn a_parent_chain_that_loops_or_runs_deep_is_cut() {
        // Without resources anywhere, pdf-extract's inherited lookup climbs the
        // whole chain: round a loop for ever, or 100,000 deep, it overflows the stack.
        let without_resources = |doc: &mut Document| {
            let page = doc.get_pages()[&1];
            let parent = doc.get_dictionary(page).unwrap().get(b"Parent").unwrap();
            let parent = parent.as_reference().unwrap();
            doc.get_dictionary_mut(parent).unwrap().remove(b"Resources");
            (page, parent)
        };
        let mut looped = document(&["BT /F1 12 Tf 72 700 Td (Looped) Tj ET"]);
        let (page, parent) = without_resources(&mut looped);
        looped
            .get_dictionary_mut(parent)
            .unwrap()
            .set("Parent", page);
        // The page has no font to read its text with: an error, not a crash.
        assert!(read_pdf(&bytes(&mut looped), None).is_err());

        let mut deep = document(&["BT /F1 12 Tf 72 700 Td (Deep) Tj ET"]);
        let (_, mut top) = without_resources(&mut deep);
        for _ in 0..100_000 {
            let above = deep.add_object(dictionary! { "Type" => "Pages" });
            deep.get_dictionary_mut(top).unwrap().set("Parent", above);
            top = above;
        }
        assert!(read_pdf(&bytes(&mut deep), None).is_err());
    }

    #[test]
    fn a_bomb_in_an_encrypted_file_is_measured_once_decrypted() {
        use std::io::Write;
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..300 {
            encoder.write_all(&zeros).unwrap();
        }
        let bomb = encoder.finish().unwrap();
        let mut doc = document(&["BT /F1 12 Tf 72 700 Td (Secret text) Tj ET"]);
        let content = doc.add_object(Stream::new(dictionary! { "Filter" => "FlateDecode" }, bomb));
        let page = doc.get_pages()[&1];
        doc.get_dictionary_mut(page)
            .unwrap()
            .set("Contents", content);
        let id = Object::string_literal(b"0123456789abcdef".to_vec());
        doc.trailer.set("ID", vec![id.clone(), id]);
        let version = EncryptionVersion::V2 {
            document: &doc,
            owner_password: "owner",
            user_password: "",
            key_length: 128,
            permissions: Permissions::all(),
        };
        let state = EncryptionState::try_from(version).expect("encryption state");
        doc.encrypt(&state).expect("encrypts");
        let encrypted = bytes(&mut doc);
        // The encrypted data does not inflate, so only its decryption tells.
        assert_eq!(limits::check_streams(&encrypted).unwrap().len(), 1);
        let err = read_pdf(&encrypted, None).unwrap_err();
        assert!(matches!(err, PdfError::TooLarge(_)), "{err}");
        assert!(
            err.to_string().contains("decodes to more than 256 MiB"),
            "{err}"
        );
    }

    #[test]
    fn lines_come_out_top_to_bottom_with_geometry() {
        // Footer drawn first, then a heading and body, as some producers do.
        let text = read_pdf(
            &pdf(&[
                "BT /F1 9 Tf 300 40 Td (Page 1) Tj ET \
                    BT /F1 18 Tf 72 720 Td (A Heading) Tj ET \
                    BT /F1 12 Tf 72 690 Td (First body line) Tj 0 -14 Td (Second body line) Tj ET",
            ]),
            None,
        )
        .expect("readable");
        assert!(text.lost_pages.is_empty());
        let page = &text.pages[0];
        assert_eq!((page.number, page.width, page.height), (1, 612.0, 792.0));
        assert_eq!(
            texts(page),
            ["A Heading", "First body line", "Second body line", "Page 1"]
        );
        let heading = geometry(&page.lines[0]);
        assert_eq!(heading.font_size, 18.0);
        assert!(
            (heading.top - (792.0 - 720.0 - 18.0)).abs() < 0.01,
            "{heading:?}"
        );
        assert!((heading.left - 72.0).abs() < 0.01);
        assert!(heading.right > heading.left + 50.0);
        let footer = geometry(&page.lines[3]);
        assert_eq!(footer.font_size, 9.0);
        assert!((footer.top - (792.0 - 40.0 - 9.0)).abs() < 0.01);
    }

    #[test]
    fn glyphs_carry_their_fonts_face_their_raise_and_the_link_over_them() {
        let mut doc = document(&["BT /F1 10 Tf 72 700 Td (Read the ) Tj /F2 10 Tf (register) Tj \
             /F1 10 Tf ( now) Tj 3.5 Ts /F1 6 Tf (1) Tj 0 Ts /F1 10 Tf ( at the ) Tj (archive) Tj (.) Tj ET"]);
        let italic = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica-Oblique",
        });
        let pages = doc
            .catalog()
            .unwrap()
            .get(b"Pages")
            .unwrap()
            .as_reference()
            .unwrap();
        let fonts = doc
            .get_dictionary_mut(pages)
            .unwrap()
            .get_mut(b"Resources")
            .and_then(Object::as_dict_mut)
            .and_then(|r| r.get_mut(b"Font"))
            .and_then(Object::as_dict_mut)
            .unwrap();
        fonts.set("F2", italic);
        // "archive" runs from x = 203.7 to 236 (Helvetica's widths).
        let link = doc.add_object(dictionary! {
            "Type" => "Annot", "Subtype" => "Link",
            "Rect" => vec![202.into(), 695.into(), 237.into(), 712.into()],
            "A" => dictionary! { "S" => "URI", "URI" => Object::string_literal("https://example.org/") },
        });
        let page = doc.get_pages()[&1];
        doc.get_dictionary_mut(page)
            .unwrap()
            .set("Annots", vec![link.into()]);
        let text = read_pdf(&bytes(&mut doc), None).expect("readable");
        let line = &text.pages[0].lines[0];
        assert_eq!(line.text, "Read the register now1 at the archive.");
        let runs: Vec<(&str, Face, Raise, Option<&str>)> = line
            .styles
            .iter()
            .map(|r| {
                (
                    &line.text[r.range.clone()],
                    r.style.face,
                    r.style.raise,
                    r.style.link.as_deref(),
                )
            })
            .collect();
        let italic = Face {
            italic: true,
            ..Face::default()
        };
        assert_eq!(
            runs,
            [
                ("register", italic, Raise::Baseline, None),
                ("1", Face::default(), Raise::Superscript, None),
                (
                    "archive",
                    Face::default(),
                    Raise::Baseline,
                    Some("https://example.org/")
                ),
            ]
        );
    }

    #[test]
    fn font_size_includes_text_and_page_matrices() {
        let text = read_pdf(
            &pdf(&["BT /F1 1 Tf 12 0 0 12 72 700 Tm (Scaled by Tm) Tj ET \
                    q 2 0 0 2 0 0 cm BT /F1 10 Tf 36 300 Td (Scaled by cm) Tj ET Q"]),
            None,
        )
        .expect("readable");
        let sizes: Vec<f32> = text.pages[0]
            .lines
            .iter()
            .map(|l| geometry(l).font_size)
            .collect();
        assert_eq!(texts(&text.pages[0]), ["Scaled by Tm", "Scaled by cm"]);
        assert_eq!(sizes, [12.0, 20.0]);
    }

    #[test]
    fn spaces_come_from_gaps_not_from_kerning() {
        // -300/1000 em is a word gap; -50 is a kern; +80 tightens.
        assert_eq!(
            first_page_texts(
                "BT /F1 12 Tf 72 700 Td [(Hello) -300 (world) -50 (wide) 80 (ly)] TJ ET"
            ),
            ["Hello worldwidely"]
        );
    }

    #[test]
    fn tight_word_spaces_are_told_from_letters_by_the_line_s_own_gaps() {
        // No space glyphs; words 0.08 em apart, letters touching: below the usual
        // threshold, but the line's own two kinds of gap tell them apart.
        let tight = first_page_texts(
            "BT /F1 10 Tf 72 700 Td [(Composition) -80 (of) -80 (the) -80 (pretraining) -80 (data)] TJ ET",
        );
        assert_eq!(tight, ["Composition of the pretraining data"]);
        // Normal spaces with one small kern stay as they are.
        let normal = first_page_texts(
            "BT /F1 10 Tf 72 700 Td [(Normal) -300 (spac) -80 (ing) -300 (in) -300 (this) -300 (line)] TJ ET",
        );
        assert_eq!(normal, ["Normal spacing in this line"]);
    }

    #[test]
    fn wide_gaps_split_a_baseline_into_separate_lines() {
        let text = read_pdf(
            &pdf(&[
                "BT /F1 8 Tf 24 770 Td (11/26/26, 7:10 PM) Tj 250 0 Td (Report title) Tj ET \
                    BT /F1 12 Tf 72 700 Td (Body) Tj ET",
            ]),
            None,
        )
        .expect("readable");
        let page = &text.pages[0];
        assert_eq!(texts(page), ["11/26/26, 7:10 PM", "Report title", "Body"]);
        assert_eq!(geometry(&page.lines[0]).top, geometry(&page.lines[1]).top);
    }

    #[test]
    fn two_columns_are_read_one_after_the_other_below_their_title() {
        // A title across the page, two columns of ten lines drawn row by row (as a
        // producer that fills both columns line by line would), and a folio centred
        // under the gutter.
        let mut content = String::from("BT /F1 16 Tf 200 740 Td (A Title Across) Tj ET ");
        for k in 0..10 {
            let y = 700 - 14 * k;
            content.push_str(&format!(
                "BT /F1 10 Tf 72 {y} Td (left line number {k} of the first column) Tj ET \
                 BT /F1 10 Tf 320 {y} Td (right line number {k} of the second column) Tj ET "
            ));
        }
        content.push_str("BT /F1 9 Tf 300 60 Td (7) Tj ET");
        let text = read_pdf(&pdf(&[&content]), None).expect("readable");
        let lines = texts(&text.pages[0]);
        assert_eq!(lines.len(), 22, "{lines:?}");
        assert_eq!(lines[0], "A Title Across");
        assert!(
            lines[1..11].iter().all(|l| l.starts_with("left")),
            "{lines:?}"
        );
        assert!(
            lines[11..21].iter().all(|l| l.starts_with("right")),
            "{lines:?}"
        );
        assert_eq!(lines[21], "7");
        let page = &text.pages[0];
        assert_eq!(geometry(&page.lines[0]).columns, 1);
        let right = geometry(&page.lines[11]);
        assert_eq!((right.columns, right.column_left), (2, right.left));
    }

    #[test]
    fn accents_set_over_letters_are_composed() {
        // "Ja", an acute (StandardEncoding 0302) drawn over the "a", then "n"; below,
        // a circumflex typed between two letters.
        let lines = first_page_texts(
            "BT /F1 12 Tf 72 700 Td (Ja) Tj ET BT /F1 12 Tf 79.2 700 Td (\\302) Tj ET \
             BT /F1 12 Tf 84.67 700 Td (n) Tj ET BT /F1 12 Tf 72 680 Td (x^y) Tj ET",
        );
        assert_eq!(lines, ["J\u{E1}n", "x^y"]);
    }

    #[test]
    fn superscripts_stay_on_their_line() {
        let text = read_pdf(
            &pdf(&["BT /F1 12 Tf 72 700 Td (E = mc) Tj /F1 7 Tf 4 Ts (2) Tj 0 Ts /F1 12 Tf ( holds) Tj ET \
                    BT /F1 12 Tf 72 686 Td (Next line) Tj ET"]),
            None,
        )
        .expect("readable");
        let page = &text.pages[0];
        assert_eq!(texts(page), ["E = mc2 holds", "Next line"]);
        assert_eq!(geometry(&page.lines[0]).font_size, 12.0);
    }

    #[test]
    fn duplicated_fake_bold_glyphs_are_read_once() {
        assert_eq!(
            first_page_texts(
                "BT /F1 12 Tf 72 700 Td (Bold) Tj ET BT /F1 12 Tf 72.3 700 Td (Bold) Tj ET"
            ),
            ["Bold"]
        );
    }

    #[test]
    fn rotated_text_is_one_line() {
        assert_eq!(first_page_texts("BT /F1 12 Tf 72 700 Td (Body text) Tj ET BT /F1 10 Tf 0 1 -1 0 580 200 Tm (Margin stamp) Tj ET"), ["Body text", "Margin stamp"]);
    }

    #[test]
    fn quote_operators_are_not_dropped() {
        assert_eq!(
            first_page_texts(
                "BT /F1 12 Tf 14 TL 72 700 Td (First) Tj (Second) ' 1 0.5 (Third) \" ET"
            ),
            ["First", "Second", "Third"]
        );
    }

    #[test]
    fn actual_text_replaces_the_glyphs_it_covers() {
        // Chromium's soft hyphen: an invisible space glyph tagged U+00AD, then a hyphen.
        let text = read_pdf(
            &pdf(&[
                "BT /F1 12 Tf 72 700 Td (Gar) Tj /Span <</ActualText <FEFF00AD>>> BDC ( ) Tj EMC \
                    [278 (-)] TJ ET \
                    BT /F1 12 Tf 72 680 Td /Span <</ActualText (fi)>> BDC (X) Tj EMC (sh) Tj ET \
                    BT /F1 12 Tf 72 660 Td (o) Tj /Span <</ActualText (ffi)>> BDC [(X) (Y)] TJ EMC \
                    (ce) Tj ET",
            ]),
            None,
        )
        .expect("readable");
        assert_eq!(texts(&text.pages[0]), ["Gar\u{AD}-", "fish", "office"]);
    }

    #[test]
    fn control_characters_do_not_reach_the_text() {
        // Like wkhtmltopdf, map the space glyph to U+0009; and "!" to U+0001 (junk).
        let cmap = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap \
            /CMapName /Test def 1 begincodespacerange <00> <FF> endcodespacerange \
            2 beginbfchar <20> <0009> <21> <0001> endbfchar \
            1 beginbfrange <61> <7A> <0061> endbfrange endcmap \
            CMapName currentdict /CMap defineresource pop end end";
        let mut doc = document(&["BT /F1 12 Tf 72 700 Td (tab separated!) Tj ET"]);
        let to_unicode = doc.add_object(Stream::new(dictionary! {}, cmap.to_vec()));
        for object in doc.objects.values_mut() {
            if let Object::Dictionary(d) = object {
                if d.get(b"BaseFont").is_ok() {
                    d.set("ToUnicode", to_unicode);
                }
            }
        }
        let text = read_pdf(&bytes(&mut doc), None).expect("readable");
        assert_eq!(texts(&text.pages[0]), ["tab separated"]);
    }

    #[test]
    fn missing_media_box_is_substituted_not_fatal() {
        let mut doc = document(&["BT /F1 12 Tf 72 700 Td (No box here) Tj ET"]);
        let pages = doc
            .catalog()
            .and_then(|c| c.get(b"Pages"))
            .and_then(Object::as_reference)
            .expect("pages");
        doc.get_dictionary_mut(pages)
            .expect("pages dict")
            .remove(b"MediaBox");
        let text = read_pdf(&bytes(&mut doc), None).expect("readable");
        assert!(text.lost_pages.is_empty());
        assert_eq!((text.pages[0].width, text.pages[0].height), (612.0, 792.0));
        assert_eq!(texts(&text.pages[0]), ["No box here"]);
    }

    #[test]
    fn a_page_pdf_extract_cannot_read_is_lost_not_fatal() {
        // /F9 is not in the resources: pdf-extract panics on it.
        let text = read_pdf(
            &pdf(&[
                "BT /F1 12 Tf 72 700 Td (Good page) Tj ET",
                "BT /F9 12 Tf 72 700 Td (Bad page) Tj ET",
            ]),
            None,
        )
        .expect("first page still readable");
        assert_eq!(text.lost_pages, [2]);
        assert_eq!(text.pages.len(), 2);
        assert_eq!(texts(&text.pages[0]), ["Good page"]);
        assert!(text.pages[1].lines.iter().all(|l| l.geometry.is_none()));
    }

    #[test]
    fn every_page_lost_is_malformed_not_no_text() {
        let result = read_pdf(&pdf(&["BT /F9 12 Tf 72 700 Td (Bad page) Tj ET"]), None);
        assert!(matches!(result, Err(PdfError::Malformed(_))), "{result:?}");
    }

    #[test]
    fn self_referencing_form_does_not_overflow_the_stack() {
        let mut doc = document(&["BT /F1 12 Tf 72 700 Td (Around the form) Tj ET /Fm1 Do"]);
        let form = doc.new_object_id();
        let resources = dictionary! { "XObject" => dictionary! { "Fm1" => form } };
        let stream = Stream::new(
            dictionary! { "Type" => "XObject", "Subtype" => "Form", "BBox" => vec![0.into(), 0.into(), 10.into(), 10.into()], "Resources" => resources.clone() },
            b"/Fm1 Do".to_vec(),
        );
        doc.objects.insert(form, Object::Stream(stream));
        let page = doc.page_iter().next().expect("a page");
        let mut page_resources = dictionary! { "Font" => dictionary! { "F1" => Object::Dictionary(dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica" }) } };
        page_resources.set("XObject", dictionary! { "Fm1" => form });
        doc.get_dictionary_mut(page)
            .expect("page")
            .set("Resources", page_resources);
        let text = read_pdf(&bytes(&mut doc), None).expect("fallback text");
        assert_eq!(text.lost_pages, [1]);
    }

    #[test]
    fn images_are_skipped() {
        let mut doc =
            document(&["q 100 0 0 100 72 500 cm /Im1 Do Q BT /F1 12 Tf 72 700 Td (Caption) Tj ET"]);
        let image = doc.add_object(Stream::new(
            dictionary! { "Type" => "XObject", "Subtype" => "Image", "Width" => 2, "Height" => 2, "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8 },
            b"Tm Tm BT ET cm".to_vec(),
        ));
        let page = doc.page_iter().next().expect("a page");
        let resources = dictionary! {
            "Font" => dictionary! { "F1" => Object::Dictionary(dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica" }) },
            "XObject" => dictionary! { "Im1" => image },
        };
        doc.get_dictionary_mut(page)
            .expect("page")
            .set("Resources", resources);
        let text = read_pdf(&bytes(&mut doc), None).expect("readable");
        assert!(text.lost_pages.is_empty());
        assert_eq!(texts(&text.pages[0]), ["Caption"]);
    }

    #[test]
    fn fonts_without_widths_get_standard_metrics() {
        // Arial without /Widths: pdf-extract alone gives every glyph zero advance, and the
        // gaps then read as a space between every letter.
        let mut doc = document(&["BT /F1 12 Tf 72 700 Td (Spaced out) Tj ET"]);
        for object in doc.objects.values_mut() {
            if let Object::Dictionary(d) = object {
                if d.get(b"BaseFont").is_ok() {
                    d.set("BaseFont", "Arial");
                }
            }
        }
        let text = read_pdf(&bytes(&mut doc), None).expect("readable");
        assert_eq!(texts(&text.pages[0]), ["Spaced out"]);
    }

    #[test]
    fn cid_width_ranges_are_expanded() {
        let doc = Document::with_version("1.5");
        let w: Object = vec![
            1.into(),
            3.into(),
            500.into(),
            10.into(),
            vec![250.into(), Object::Real(333.5)].into(),
        ]
        .into();
        let expanded = expand_cid_widths(&doc, &w).expect("range form rewritten");
        assert_eq!(
            expanded,
            vec![
                Object::Integer(1),
                Object::Array(vec![Object::Real(500.0); 3]),
                Object::Integer(10),
                Object::Array(vec![Object::Real(250.0), Object::Real(333.5)]),
            ]
        );
        let explicit: Object = vec![1.into(), vec![Object::Real(500.0)].into()].into();
        assert_eq!(expand_cid_widths(&doc, &explicit), None);
        // A hostile range stays bounded.
        let huge: Object = vec![0.into(), Object::Integer(i64::from(u32::MAX)), 1.into()].into();
        let capped = expand_cid_widths(&doc, &huge).expect("rewritten");
        assert!(matches!(&capped[1], Object::Array(a) if a.len() == 1 << 16));
    }

    /// [`document`] with a Type0 font as /F2: Identity-H, no /ToUnicode, CIDs
    /// of the collection `Adobe-<ordering>`.
    fn cid_document(contents: &[&str], ordering: &str, name: &str) -> Document {
        let mut doc = document(contents);
        let descriptor = doc.add_object(dictionary! {
            "Type" => "FontDescriptor", "FontName" => Object::Name(name.as_bytes().to_vec()),
            "Flags" => 4, "ItalicAngle" => 0, "Ascent" => 880, "Descent" => -120,
            "CapHeight" => 700, "StemV" => 80,
            "FontBBox" => vec![0.into(), (-120).into(), 1000.into(), 880.into()],
        });
        let descendant = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "CIDFontType0",
            "BaseFont" => Object::Name(name.as_bytes().to_vec()),
            "CIDSystemInfo" => dictionary! {
                "Registry" => Object::string_literal("Adobe"),
                "Ordering" => Object::string_literal(ordering),
                "Supplement" => 0,
            },
            "FontDescriptor" => descriptor, "DW" => 1000,
        });
        let font = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type0",
            "BaseFont" => Object::Name(format!("{name}-Identity-H").into_bytes()),
            "Encoding" => "Identity-H", "DescendantFonts" => vec![descendant.into()],
        });
        for object in doc.objects.values_mut() {
            if let Object::Dictionary(d) = object {
                if let Ok(Object::Dictionary(resources)) = d.get_mut(b"Resources") {
                    if let Ok(Object::Dictionary(fonts)) = resources.get_mut(b"Font") {
                        fonts.set("F2", font);
                    }
                }
            }
        }
        doc
    }

    #[test]
    fn cid_fonts_without_to_unicode_read_through_their_collection() {
        // 世界人权宣言 and 甚 by their Adobe-GB1 CIDs, shown as Identity-H codes.
        let mut doc = cid_document(
            &["BT /F2 12 Tf 72 700 Td <0D5708B80CA60C830FC60FFD> Tj ET \
               BT /F2 12 Tf 72 680 Td [<0D2E>] TJ ET"],
            "GB1",
            "STSong-Light",
        );
        let text = read_pdf(&bytes(&mut doc), None).expect("readable");
        assert_eq!(texts(&text.pages[0]), ["世界人权宣言", "甚"]);
        assert_eq!(
            text.recovered,
            [Recovered {
                collection: "Adobe-GB1".into(),
                glyphs: 7
            }]
        );
        assert!(text.unmapped.is_empty(), "{:?}", text.unmapped);
    }

    #[test]
    fn glyphs_that_read_as_nothing_are_counted_per_page_with_their_font() {
        // Adobe-Identity-0: CIDs are the font's own glyph numbers, no collection.
        let body = "(Plenty of ordinary text on this page, enough to outweigh three glyphs.) Tj";
        let mut doc = cid_document(
            &[
                &format!(
                    "BT /F1 12 Tf 72 700 Td {body} ET BT /F2 12 Tf 72 680 Td <000100020003> Tj ET"
                ),
                &format!("BT /F1 12 Tf 72 700 Td {body} ET"),
            ],
            "Identity",
            "ABCDEF+NotoSerifCJKjp-Regular",
        );
        let text = read_pdf(&bytes(&mut doc), None).expect("readable");
        assert_eq!(
            text.unmapped,
            [UnmappedGlyphs {
                page: 1,
                count: 3,
                fonts: vec!["NotoSerifCJKjp-Regular".into()]
            }]
        );
        assert!(text.recovered.is_empty());
    }

    #[test]
    fn a_document_of_unmapped_glyphs_fails_with_the_reason() {
        let mut doc = cid_document(
            &[
                "BT /F2 12 Tf 72 700 Td <0001000200030004> Tj ET",
                "BT /F2 12 Tf 72 700 Td <0005> Tj (A) Tj ET",
            ],
            "Identity",
            "ABCDEF+NotoSerifCJKjp-Regular",
        );
        let error = read_pdf(&bytes(&mut doc), None).expect_err("no text");
        assert_eq!(
            error,
            PdfError::UnmappedText {
                glyphs: 5,
                pages: 2,
                fonts: vec!["NotoSerifCJKjp-Regular".into()]
            }
        );
        assert_eq!(
            error.to_string(),
            "text in fonts without a Unicode map: 5 glyphs on 2 pages \
             (NotoSerifCJKjp-Regular); no text could be recovered"
        );
        assert_eq!(thousands(5210), "5,210");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(thousands(999), "999");
    }

    /// Gives the Type0 fonts of `doc` this /ToUnicode CMap.
    fn set_to_unicode(doc: &mut Document, cmap: Vec<u8>) {
        let to_unicode = doc.add_object(Stream::new(dictionary! {}, cmap));
        for object in doc.objects.values_mut() {
            if let Object::Dictionary(d) = object {
                if d.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Type0".as_slice()) {
                    d.set("ToUnicode", to_unicode);
                }
            }
        }
    }

    #[test]
    fn right_to_left_lines_come_out_in_reading_order() {
        // "سلام 12" as a right-to-left page shows it: the number at the left, then the
        // word's letters from its last to its first.
        let entries = [
            (0x01, 'س'),
            (0x02, 'ل'),
            (0x03, 'ا'),
            (0x04, 'م'),
            (0x06, '1'),
            (0x07, '2'),
        ];
        let cmap = fontmap::to_unicode(&entries, 2);
        let mut doc = cid_document(
            &["BT /F2 12 Tf 72 700 Td <00060007> Tj 30 0 Td <0004000300020001> Tj ET"],
            "Identity",
            "Test",
        );
        set_to_unicode(&mut doc, cmap);
        let text = read_pdf(&bytes(&mut doc), None).expect("readable");
        assert_eq!(texts(&text.pages[0]), ["سلام 12"]);
    }

    #[test]
    fn made_up_to_unicode_maps_read_back() {
        // A range, a lone BMP character and one beyond the BMP (a surrogate pair).
        let entries = [(0x10, '一'), (0x11, '丁'), (0x20, 'A'), (0x21, '\u{20000}')];
        let cmap = fontmap::to_unicode(&entries, 2);
        let mut doc = cid_document(
            &["BT /F2 12 Tf 72 700 Td <0010001100200021> Tj ET"],
            "Identity",
            "Test",
        );
        set_to_unicode(&mut doc, cmap);
        let text = read_pdf(&bytes(&mut doc), None).expect("readable");
        assert_eq!(texts(&text.pages[0]), ["一丁A\u{20000}"]);
        assert!(text.unmapped.is_empty() && text.recovered.is_empty());
    }

    #[test]
    fn type1_subsets_that_number_their_glyphs_are_told_apart() {
        let numbered =
            b"%!FontType1-1.0: X\n/Encoding 256 array\n0 1 255 {1 index exch /.notdef put} for\n\
            dup 1 /cid9537 put\ndup 2 /cid26987 put\nreadonly def\ncurrentfile eexec\n\x8f\x01";
        let named = b"/Encoding 256 array\ndup 65 /A put\ndup 2 /cid26987 put\nreadonly def\neexec";
        assert!(fontmap::sequential_type1(numbered));
        assert!(!fontmap::sequential_type1(named));
        assert!(!fontmap::sequential_type1(
            b"/Encoding StandardEncoding def eexec"
        ));
    }

    #[test]
    fn truetype_fonts_with_a_unicode_cmap_are_not_taken_for_numbered_subsets() {
        let font = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fonts/NotoSerif-Regular.ttf"
        ))
        .expect("bundled font");
        assert!(!fontmap::sequential_truetype(&font));
        assert!(!fontmap::sequential_truetype(b"not a font"));
    }

    #[test]
    fn no_text_is_reported_as_such() {
        assert_eq!(
            read_pdf(&pdf(&["0 0 1 rg 72 72 200 200 re f"]), None),
            Err(PdfError::NoText)
        );
    }

    #[test]
    fn bad_bytes_are_malformed_not_panics() {
        let good = pdf(&["BT /F1 12 Tf 72 700 Td (Some text) Tj ET"]);
        let mut random = Vec::with_capacity(4096);
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..4096 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            random.push(seed as u8);
        }
        let mut random_after_header = b"%PDF-1.7\n".to_vec();
        random_after_header.extend_from_slice(&random);
        for (name, input) in [
            ("empty", Vec::new()),
            ("random", random),
            ("random after a header", random_after_header),
            ("truncated", good[..good.len() / 2].to_vec()),
            ("header only", b"%PDF-1.4\n%%EOF\n".to_vec()),
        ] {
            match read_pdf(&input, None) {
                Err(PdfError::Malformed(why)) => assert!(!why.is_empty(), "{name}"),
                // lopdf can rebuild some damaged files; then the text must still be right.
                Ok(text) => assert_eq!(texts(&text.pages[0]), ["Some text"], "{name}"),
                other => panic!("{name}: {other:?}"),
            }
        }
    }

    #[test]
    fn user_password_is_required_and_checked() {
        let file = encrypted("user", "owner");
        assert_eq!(read_pdf(&file, None), Err(PdfError::Encrypted));
        assert_eq!(read_pdf(&file, Some("nope")), Err(PdfError::WrongPassword));
        let text = read_pdf(&file, Some("user")).expect("opens");
        assert_eq!(texts(&text.pages[0]), ["Secret text"]);
        // lopdf would "open" an RC4 file with its owner password but decrypt garbage.
        assert_eq!(read_pdf(&file, Some("owner")), Err(PdfError::WrongPassword));
    }

    #[test]
    fn empty_user_password_opens_silently() {
        let file = encrypted("", "owner");
        let text = read_pdf(&file, None).expect("opens without a password");
        assert_eq!(texts(&text.pages[0]), ["Secret text"]);
        // A password given for a file that does not need one is ignored.
        assert!(read_pdf(&file, Some("whatever")).is_ok());
    }

    #[test]
    fn time_limit_gives_too_slow() {
        let file = pdf(&["BT /F1 12 Tf 72 700 Td (Some text) Tj ET"]);
        assert_eq!(
            read_pdf_with_limit(&file, None, Duration::ZERO),
            Err(PdfError::TooSlow)
        );
    }

    #[test]
    fn errors_read_as_short_reasons() {
        assert_eq!(
            PdfError::Encrypted.to_string(),
            "encrypted; pass --password"
        );
        assert_eq!(
            PdfError::NoText.to_string(),
            "no extractable text (scanned? run OCR first)"
        );
        assert_eq!(
            PdfError::Malformed("empty file".into()).to_string(),
            "not a readable PDF: empty file"
        );
    }

    #[test]
    fn panics_inside_quietly_become_errors() {
        assert_eq!(quietly(|| -> u8 { panic!("boom") }), Err("boom".to_owned()));
        assert_eq!(quietly(|| 7), Ok(7));
    }
    // ---------------------------------------------------------------------------------
    // Corpus runner: every `<doc>.<producer>.pdf` next to a `<doc>.expected.md`.
    // ---------------------------------------------------------------------------------

    /// Kangxi radicals U+2F00… in order, as NFKC maps them (for comparison only: the
    /// reader itself passes them through).
    const KANGXI: &str = "一丨丶丿乙亅二亠人儿入八冂冖冫几凵刀力勹匕匚匸十卜卩厂厶又口囗土士夂夊夕大女子宀寸小尢尸屮山巛工己巾干幺广廴廾弋弓彐彡彳心戈戶手支攴文斗斤方无日曰月木欠止歹殳毋比毛氏气水火爪父爻爿片牙牛犬玄玉瓜瓦甘生用田疋疒癶白皮皿目矛矢石示禸禾穴立竹米糸缶网羊羽老而耒耳聿肉臣自至臼舌舛舟艮色艸虍虫血行衣襾見角言谷豆豕豸貝赤走足身車辛辰辵邑酉釆里金長門阜隶隹雨靑非面革韋韭音頁風飛食首香馬骨高髟鬥鬯鬲鬼魚鳥鹵鹿麥麻黃黍黑黹黽鼎鼓鼠鼻齊齒龍龜龠";
    /// Simplified-form radicals that CJK fonts share with common characters.
    const RADICALS: [(char, char); 10] = [
        ('⺠', '民'),
        ('⻔', '门'),
        ('⻚', '页'),
        ('⻩', '黄'),
        ('⻋', '车'),
        ('⻓', '长'),
        ('⻜', '飞'),
        ('⻢', '马'),
        ('⻰', '龙'),
        ('⻅', '见'),
    ];

    /// Folds what the cleaner will fold, so that tokens compare (test-side only).
    fn fold(c: char) -> String {
        match c {
            '\u{FB00}' => "ff".into(),
            '\u{FB01}' => "fi".into(),
            '\u{FB02}' => "fl".into(),
            '\u{FB03}' => "ffi".into(),
            '\u{FB04}' => "ffl".into(),
            '\u{AD}' => String::new(),
            '\u{2F00}'..='\u{2FD5}' => KANGXI
                .chars()
                .nth((u32::from(c) - 0x2F00) as usize)
                .map_or(String::new(), String::from),
            c => RADICALS
                .iter()
                .find(|(r, _)| *r == c)
                .map_or(c, |&(_, u)| u)
                .to_lowercase()
                .collect(),
        }
    }

    /// Words (runs of letters/digits) and single CJK characters.
    fn tokens(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut word = String::new();
        for c in text
            .chars()
            .flat_map(|c| fold(c).chars().collect::<Vec<_>>())
        {
            if is_cjk(c) && c.is_alphanumeric() {
                out.extend((!word.is_empty()).then(|| std::mem::take(&mut word)));
                out.push(c.to_string());
            } else if c.is_alphanumeric() {
                word.push(c);
            } else {
                out.extend((!word.is_empty()).then(|| std::mem::take(&mut word)));
            }
        }
        out.extend((!word.is_empty()).then_some(word));
        out
    }

    /// Body text of an expected.md: no front matter, no fenced-div markers.
    fn expected_text(md: &str) -> String {
        let mut body = md;
        if let Some(rest) = md.strip_prefix("---\n") {
            body = rest.split_once("\n---\n").map_or(rest, |(_, after)| after);
        }
        body.lines()
            .filter(|l| !l.starts_with(":::"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Lines joined for comparison, with line-end hyphenation undone.
    fn extracted_text(text: &PdfText) -> String {
        let mut out = String::new();
        for line in text.pages.iter().flat_map(|p| &p.lines) {
            let t = line.text.trim_end_matches('\u{AD}');
            if let Some(stem) = t.strip_suffix(['-', '\u{2010}']) {
                out.push_str(stem.trim_end_matches('\u{AD}'));
            } else {
                out.push_str(t);
                out.push('\n');
            }
        }
        out
    }

    fn multiset(tokens: &[String]) -> HashMap<&str, usize> {
        let mut m = HashMap::new();
        for t in tokens {
            *m.entry(t.as_str()).or_default() += 1;
        }
        m
    }

    fn cjk_gaps(text: &str) -> usize {
        let chars: Vec<char> = text.chars().collect();
        chars
            .windows(3)
            .filter(|w| is_cjk(w[0]) && w[1] == ' ' && is_cjk(w[2]))
            .count()
    }

    /// `$OFFPRINT_CORPUS` (colon-separated folders), else the crate's fixtures.
    fn corpus_dirs() -> Vec<std::path::PathBuf> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let listed = std::env::var("OFFPRINT_CORPUS").unwrap_or_default();
        let dirs: Vec<std::path::PathBuf> = if listed.is_empty() {
            vec![root.join("fixtures/corpus"), root.join("fixtures/brief")]
        } else {
            listed.split(':').map(std::path::PathBuf::from).collect()
        };
        dirs.into_iter().filter(|p| p.is_dir()).collect()
    }

    #[test]
    fn corpus_reads_like_the_expected_text() {
        let dirs = corpus_dirs();
        assert!(
            !dirs.is_empty(),
            "no corpus folder; the fixtures are part of the repository"
        );
        let mut failures = Vec::new();
        let mut files = 0;
        for dir in dirs {
            let mut pdfs: Vec<_> = std::fs::read_dir(&dir)
                .expect("corpus dir readable")
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
                .collect();
            pdfs.sort();
            for path in pdfs {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let Some(doc) = name.split('.').next() else {
                    continue;
                };
                let Ok(md) = std::fs::read_to_string(dir.join(format!("{doc}.expected.md"))) else {
                    continue;
                };
                files += 1;
                let bytes = std::fs::read(&path).expect("pdf readable");
                // The `*-notounicode` renders keep no Unicode map and no collection
                // to map through (fixtures/corpus/README.md): they must fail, saying why.
                let unmappable = name.contains("-notounicode.");
                let text = match read_pdf(&bytes, None) {
                    Err(PdfError::UnmappedText { .. }) if unmappable => continue,
                    Ok(_) if unmappable => {
                        failures.push(format!("{name}: read without a Unicode map"));
                        continue;
                    }
                    Ok(text) => text,
                    Err(e) => {
                        failures.push(format!("{name}: {e}"));
                        continue;
                    }
                };
                let want = tokens(&expected_text(&md));
                let got_text = extracted_text(&text);
                let got = tokens(&got_text);
                let (want_set, got_set) = (multiset(&want), multiset(&got));
                let common: usize = want_set
                    .iter()
                    .map(|(t, n)| (*n).min(got_set.get(t).copied().unwrap_or(0)))
                    .sum();
                let recall = common as f64 / want.len().max(1) as f64;
                let precision = common as f64 / got.len().max(1) as f64;
                // Words the PDF glued together or split apart, judged against the vocabulary.
                let vocab: HashSet<&str> = want.iter().map(String::as_str).collect();
                // Judged within lines, so that line-end hyphenation does not count.
                let words = |t: &str| t.chars().any(char::is_alphabetic) && !t.chars().any(is_cjk);
                let line_tokens: Vec<Vec<String>> = text
                    .pages
                    .iter()
                    .flat_map(|p| &p.lines)
                    .map(|l| tokens(&l.text))
                    .collect();
                let glued: Vec<&String> = line_tokens
                    .iter()
                    .flatten()
                    .filter(|t| words(t) && !vocab.contains(t.as_str()))
                    .filter(|t| {
                        // Halves of three or more letters: "a"+"s" pairs are noise.
                        (3..t.len().saturating_sub(2)).any(|i| {
                            t.is_char_boundary(i)
                                && vocab.contains(&t[..i])
                                && vocab.contains(&t[i..])
                        })
                    })
                    .collect();
                let split: Vec<String> = line_tokens
                    .iter()
                    .flat_map(|line| line.windows(2))
                    .filter(|w| words(&w[0]) && words(&w[1]))
                    .filter(|w| !vocab.contains(w[0].as_str()) || !vocab.contains(w[1].as_str()))
                    .map(|w| format!("{}{}", w[0], w[1]))
                    .filter(|joined| vocab.contains(joined.as_str()))
                    .collect();
                let all: String = text
                    .pages
                    .iter()
                    .flat_map(|p| &p.lines)
                    .map(|l| l.text.as_str())
                    .collect();
                let count = |f: fn(char) -> bool| all.chars().filter(|&c| f(c)).count();
                let gaps = (cjk_gaps(&got_text), cjk_gaps(&expected_text(&md)));
                eprintln!(
                    "{name:48} pages {:2} lost {:?} recall {recall:.3} precision {precision:.3} glued {} split {} \
                     cjk-gaps {}/{} lig {} shy {} u2010 {} radicals {}",
                    text.pages.len(),
                    text.lost_pages,
                    glued.len(),
                    split.len(),
                    gaps.0,
                    gaps.1,
                    count(|c| ('\u{FB00}'..='\u{FB06}').contains(&c)),
                    count(|c| c == '\u{AD}'),
                    count(|c| c == '\u{2010}'),
                    count(|c| ('\u{2E80}'..='\u{2FDF}').contains(&c)),
                );
                if !glued.is_empty() || !split.is_empty() {
                    eprintln!("    glued {glued:?} split {split:?}");
                }
                if !text.lost_pages.is_empty()
                    || recall < 0.97
                    || gaps.0 > gaps.1
                    || glued.len() + split.len() > 2
                {
                    failures.push(format!(
                        "{name}: lost {:?} recall {recall:.3} cjk gaps {gaps:?}",
                        text.lost_pages
                    ));
                }
            }
        }
        assert!(files > 0, "corpus folders hold no PDF with an expected.md");
        assert!(failures.is_empty(), "{failures:#?}");
    }
}
