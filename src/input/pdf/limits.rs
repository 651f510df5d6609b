//! What a PDF may make offprint decode, bounded.
//!
//! lopdf inflates object and cross-reference streams while it loads the file,
//! and pdf-extract every content stream and font map it meets, with no bound on
//! the result; a predictor's `/Colors` or `/Columns` sizes a row buffer unchecked.
//! So the file's bytes are surveyed first: every stream that is not an image
//! (images are never decoded) must decode to at most [`MAX_DECODED_STREAM`]
//! through its filters (measured by [`super::measure`]), and every predictor's
//! rows must fit in [`MAX_PREDICTOR_ROW`]. Each filter has a greatest expansion
//! (deflate 1032 times), so only long streams need decoding to know. The
//! streams of an encrypted file are measured once decrypted.
//!
//! While pages are read, each may show at most [`MAX_GLYPHS_PER_PAGE`] glyphs
//! (a dense page shows ten thousand), and the heap is checked against the
//! memory budget (see [`crate::memory`]).

use super::measure::{decodes_past, greatest_decoded, Filter};
use super::PdfError;
use crate::memory::human;
use memchr::memmem;

/// The most a single stream may decode to: 256 MiB.
pub const MAX_DECODED_STREAM: usize = 256 << 20;
/// The longest row a PNG predictor may need: 64 MiB.
pub const MAX_PREDICTOR_ROW: u64 = 64 << 20;
/// The most glyphs one page may show.
pub const MAX_GLYPHS_PER_PAGE: usize = 1_000_000;
/// How far back from `stream` its dictionary may start.
const DICTIONARY_REACH: usize = 64 << 10;

/// A stream whose data is encrypted, so that what it decodes to can only be
/// measured once it is decrypted (see [`check_decrypted`]).
#[derive(Debug, Clone)]
pub struct Encrypted {
    pub id: lopdf::ObjectId,
    /// Where its data is in the file.
    pub data: std::ops::Range<usize>,
    filters: Vec<Filter>,
}

/// Fails on the first stream that would decode past a limit; in an encrypted
/// file, returns the streams that must be measured once decrypted.
pub fn check_streams(bytes: &[u8]) -> Result<Vec<Encrypted>, PdfError> {
    let encrypted = memmem::find(bytes, b"/Encrypt").is_some();
    let mut unmeasured = Vec::new();
    let end_finder = memmem::Finder::new(b"endstream");
    for at in memmem::find_iter(bytes, b"stream") {
        if at >= 3 && &bytes[at - 3..at] == b"end" {
            continue;
        }
        let start = match bytes.get(at + 6..at + 8) {
            Some([b'\r', b'\n']) => at + 8,
            Some([b'\n' | b'\r', _]) => at + 7,
            _ => continue,
        };
        let dictionary = dictionary_before(bytes, at);
        check_predictor(dictionary, at)?;
        let filters = filters_of(dictionary);
        if is_image(dictionary) || filters.is_empty() {
            continue;
        }
        let mut end = end_finder
            .find(&bytes[start..])
            .map_or(bytes.len(), |k| start + k);
        // The line end before `endstream` is not data.
        for eol in [b'\n', b'\r'] {
            if end > start && bytes[end - 1] == eol {
                end -= 1;
            }
        }
        let data = &bytes[start..end];
        if greatest_decoded(data.len(), &filters) <= MAX_DECODED_STREAM {
            continue;
        }
        match object_id_before(bytes, at) {
            Some(id) if encrypted => unmeasured.push(Encrypted {
                id,
                data: start..end,
                filters,
            }),
            _ => refuse_past_limit(data, &filters, at)?,
        }
    }
    Ok(unmeasured)
}

/// Measures the streams of an encrypted file, decrypted with the state of
/// `doc` (the file loaded without those streams' data).
pub fn check_decrypted(
    doc: &lopdf::Document,
    bytes: &[u8],
    streams: &[Encrypted],
) -> Result<(), PdfError> {
    for stream in streams {
        let data = &bytes[stream.data.clone()];
        let Some(state) = &doc.encryption_state else {
            refuse_past_limit(data, &stream.filters, stream.data.start)?;
            continue;
        };
        let Some(dict) = doc
            .objects
            .get(&stream.id)
            .and_then(|o| o.as_stream().ok())
            .map(|s| s.dict.clone())
        else {
            continue;
        };
        let mut object = lopdf::Object::Stream(lopdf::Stream::new(dict, data.to_vec()));
        if lopdf::encryption::decrypt_object(state, stream.id, &mut object).is_ok() {
            if let lopdf::Object::Stream(decrypted) = &object {
                refuse_past_limit(&decrypted.content, &stream.filters, stream.data.start)?;
            }
        }
    }
    Ok(())
}

/// A copy of `bytes` with the data of `streams` blanked: loading it gives the
/// decryption state without decoding them.
pub fn without_data(bytes: &[u8], streams: &[Encrypted]) -> Vec<u8> {
    let mut copy = bytes.to_vec();
    for stream in streams {
        copy[stream.data.clone()].fill(0);
    }
    copy
}

fn refuse_past_limit(data: &[u8], filters: &[Filter], at: usize) -> Result<(), PdfError> {
    if decodes_past(data, filters, MAX_DECODED_STREAM) {
        return Err(PdfError::TooLarge(format!(
            "the stream at byte {at} decodes to more than {} (a decompression bomb?)",
            human(MAX_DECODED_STREAM)
        )));
    }
    Ok(())
}

/// The filters lopdf would decode a stream with, in order: those named by its
/// `/Filter` (a name or an array of names), up to the first it does not decode.
fn filters_of(dictionary: &[u8]) -> Vec<Filter> {
    let Some(at) = memmem::find(dictionary, b"/Filter") else {
        return Vec::new();
    };
    let rest = &dictionary[at + b"/Filter".len()..];
    let rest = &rest[rest.iter().take_while(|b| b.is_ascii_whitespace()).count()..];
    let names: &[u8] = match rest.first() {
        Some(b'[') => &rest[1..rest.iter().position(|&b| b == b']').unwrap_or(rest.len())],
        Some(b'/') => {
            let end = rest[1..]
                .iter()
                .position(|b| b.is_ascii_whitespace() || b"/[]<>()".contains(b))
                .map_or(rest.len(), |k| k + 1);
            &rest[..end]
        }
        _ => return Vec::new(),
    };
    let early_change = integer_after(dictionary, b"/EarlyChange") != Some(0);
    names
        .split(|&b| b == b'/')
        .map(|name| name.trim_ascii())
        .filter(|name| !name.is_empty())
        .map_while(|name| Filter::of_name(name, early_change))
        .collect()
}

/// The object number and generation of the object whose `obj` keyword comes
/// last before `at` (`12 0 obj`).
fn object_id_before(bytes: &[u8], at: usize) -> Option<lopdf::ObjectId> {
    let from = at.saturating_sub(DICTIONARY_REACH);
    let window = &bytes[from..at];
    let keyword = memmem::rfind(window, b"obj")?;
    let head = std::str::from_utf8(&window[keyword.saturating_sub(24)..keyword]).ok()?;
    let mut words = head.split_ascii_whitespace().rev();
    let generation = words.next()?.parse().ok()?;
    let number = words
        .next()?
        .trim_start_matches(|c: char| !c.is_ascii_digit())
        .parse()
        .ok()?;
    Some((number, generation))
}

/// The bytes from the start of the object holding the stream at `at` (its
/// `obj` keyword) to the `stream` keyword: the stream's dictionary.
fn dictionary_before(bytes: &[u8], at: usize) -> &[u8] {
    let from = at.saturating_sub(DICTIONARY_REACH);
    let window = &bytes[from..at];
    let start = memmem::rfind(window, b"obj").map_or(0, |k| k + 3);
    &window[start..]
}

fn is_image(dictionary: &[u8]) -> bool {
    let compact: Vec<u8> = dictionary
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    memmem::find(&compact, b"/Subtype/Image").is_some()
}

/// The integer after `/key` in `dictionary`, if any.
fn integer_after(dictionary: &[u8], key: &[u8]) -> Option<u64> {
    let at = memmem::find(dictionary, key)? + key.len();
    let rest = &dictionary[at..];
    // A longer name that starts with the key (`/ColorSpace` for `/Colors`) is not it.
    if rest.first().is_some_and(u8::is_ascii_alphanumeric) {
        return None;
    }
    let digits: Vec<u8> = rest
        .iter()
        .copied()
        .skip_while(u8::is_ascii_whitespace)
        .take_while(u8::is_ascii_digit)
        .take(20)
        .collect();
    if digits.is_empty() {
        return None;
    }
    // Twenty digits that overflow are as good as infinite.
    Some(
        std::str::from_utf8(&digits)
            .ok()?
            .parse()
            .unwrap_or(u64::MAX),
    )
}

/// Fails if a PNG predictor in `dictionary` would need rows longer than the limit.
fn check_predictor(dictionary: &[u8], at: usize) -> Result<(), PdfError> {
    if memmem::find(dictionary, b"/Predictor").is_none() {
        return Ok(());
    }
    let colors = integer_after(dictionary, b"/Colors").unwrap_or(1).max(1);
    let columns = integer_after(dictionary, b"/Columns").unwrap_or(1).max(1);
    let bits = integer_after(dictionary, b"/BitsPerComponent")
        .unwrap_or(8)
        .max(8);
    let row = colors.saturating_mul(bits / 8).saturating_mul(columns);
    if row > MAX_PREDICTOR_ROW {
        return Err(PdfError::TooLarge(format!(
            "the stream at byte {at} has predictor rows of {} bytes (/Colors {colors}, /Columns {columns}), more than {}",
            crate::input::pdf::thousands(usize::try_from(row).unwrap_or(usize::MAX)),
            human(MAX_PREDICTOR_ROW as usize)
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn object(dictionary: &str, data: &[u8]) -> Vec<u8> {
        let mut out = format!(
            "%PDF-1.7\n4 0 obj\n<< {dictionary} /Length {} >>\nstream\n",
            data.len()
        )
        .into_bytes();
        out.extend_from_slice(data);
        out.extend_from_slice(b"\nendstream\nendobj\n");
        out
    }

    fn zeros_deflated(megabytes: usize) -> Vec<u8> {
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        let chunk = vec![0u8; 1 << 20];
        for _ in 0..megabytes {
            encoder.write_all(&chunk).unwrap();
        }
        encoder.finish().unwrap()
    }

    #[test]
    fn a_flate_bomb_is_refused_and_a_big_image_is_not_inflated() {
        let bomb = zeros_deflated(300);
        let err = check_streams(&object("/Filter /FlateDecode", &bomb)).unwrap_err();
        assert!(
            err.to_string().contains("decodes to more than 256 MiB"),
            "{err}"
        );
        // Images are blanked, never decoded: no need to know.
        assert!(check_streams(&object("/Subtype /Image /Filter /FlateDecode", &bomb)).is_ok());
        // A long stream that inflates within the limit passes.
        assert!(check_streams(&object("/Filter /FlateDecode", &zeros_deflated(200))).is_ok());
    }

    #[test]
    fn a_bomb_behind_another_filter_or_a_broken_header_is_refused() {
        let bomb = zeros_deflated(300);
        let mut twice = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        twice.write_all(&bomb).unwrap();
        let twice = twice.finish().unwrap();
        let nested = object("/Filter [/FlateDecode /FlateDecode]", &twice);
        let err = check_streams(&nested).unwrap_err();
        assert!(err.to_string().contains("decodes to more than"), "{err}");
        // lopdf inflates a zlib stream with a bad header as raw deflate data.
        let mut headless = bomb.clone();
        headless[..2].copy_from_slice(b"\0\0");
        assert!(check_streams(&object("/Filter /FlateDecode", &headless)).is_err());
        // A filter lopdf does not decode stops the chain: nothing past it is decoded.
        assert!(check_streams(&object("/Filter [/DCTDecode /FlateDecode]", &bomb)).is_ok());
        assert_eq!(
            filters_of(
                b"<< /Length 5 /Filter[/ASCII85Decode/LZWDecode] /DecodeParms << /EarlyChange 0 >>"
            ),
            [
                Filter::Ascii85,
                Filter::Lzw {
                    early_change: false
                }
            ]
        );
    }

    #[test]
    fn an_encrypted_files_long_streams_wait_for_decryption() {
        let mut file = b"%PDF-1.7\ntrailer << /Encrypt 9 0 R >>\n".to_vec();
        file.extend(object("/Filter /FlateDecode", &zeros_deflated(300)));
        let waiting = check_streams(&file).unwrap();
        assert_eq!(waiting.len(), 1);
        assert_eq!(waiting[0].id, (4, 0));
        let blank = without_data(&file, &waiting);
        assert!(blank[waiting[0].data.clone()].iter().all(|&b| b == 0));
        assert!(blank.ends_with(b"\nendstream\nendobj\n"), "line ends stay");
    }

    #[test]
    fn predictor_rows_are_bounded() {
        let data = b"x\x9c\x03\x00\x00\x00\x00\x01";
        let huge =
            "/Filter /FlateDecode /DecodeParms << /Predictor 12 /Colors 2147483647 /Columns 1 >>";
        let err = check_streams(&object(huge, data)).unwrap_err();
        assert!(err.to_string().contains("/Colors 2147483647"), "{err}");
        let usual = "/Type /XRef /Filter /FlateDecode /DecodeParms << /Columns 5 /Predictor 12 >> /ColorSpace /DeviceRGB";
        assert!(check_streams(&object(usual, data)).is_ok());
    }
}
