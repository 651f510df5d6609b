//! What a PDF may make offprint decode, bounded.
//!
//! lopdf inflates object and cross-reference streams while it loads the file,
//! and pdf-extract every content stream and font map it meets, with no bound on
//! the result; a predictor's `/Colors` or `/Columns` sizes a row buffer unchecked.
//! So the file's bytes are surveyed first: every stream that is not an image
//! (images are never decoded) must inflate to at most [`MAX_DECODED_STREAM`],
//! and every predictor's rows must fit in [`MAX_PREDICTOR_ROW`]. Deflate
//! expands at most 1032 times, so only streams longer than the limit / 1032
//! need inflating to know.
//!
//! While pages are read, each may show at most [`MAX_GLYPHS_PER_PAGE`] glyphs
//! (a dense page shows ten thousand), and the heap is checked against the
//! memory budget (see [`crate::memory`]).

use super::PdfError;
use crate::memory::human;
use memchr::memmem;

/// The most a single stream may decode to: 256 MiB.
pub const MAX_DECODED_STREAM: usize = 256 << 20;
/// The longest row a PNG predictor may need: 64 MiB.
pub const MAX_PREDICTOR_ROW: u64 = 64 << 20;
/// The most glyphs one page may show.
pub const MAX_GLYPHS_PER_PAGE: usize = 1_000_000;
/// Deflate's greatest expansion (a run of one byte).
const DEFLATE_MAX_RATIO: usize = 1032;
/// How far back from `stream` its dictionary may start.
const DICTIONARY_REACH: usize = 64 << 10;

/// Fails on the first stream that would decode past a limit.
pub fn check_streams(bytes: &[u8]) -> Result<(), PdfError> {
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
        if is_image(dictionary) || !is_flate(dictionary) {
            continue;
        }
        let end = end_finder
            .find(&bytes[start..])
            .map_or(bytes.len(), |k| start + k);
        let data = &bytes[start..end];
        if data.len().saturating_mul(DEFLATE_MAX_RATIO) <= MAX_DECODED_STREAM {
            continue;
        }
        if inflates_past(data, MAX_DECODED_STREAM) {
            return Err(PdfError::TooLarge(format!(
                "the stream at byte {at} inflates to more than {} (a decompression bomb?)",
                human(MAX_DECODED_STREAM)
            )));
        }
    }
    Ok(())
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

fn is_flate(dictionary: &[u8]) -> bool {
    memmem::find(dictionary, b"/FlateDecode").is_some()
        || memmem::find(dictionary, b"/Fl").is_some()
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

/// Whether the zlib data inflates to more than `limit` bytes (inflated into a
/// small buffer and thrown away, so the test itself is bounded).
fn inflates_past(data: &[u8], limit: usize) -> bool {
    let mut inflater = flate2::Decompress::new(true);
    let mut buffer = vec![0u8; 64 << 10];
    loop {
        let consumed = inflater.total_in() as usize;
        let before = inflater.total_out();
        let status = inflater.decompress(
            &data[consumed.min(data.len())..],
            &mut buffer,
            flate2::FlushDecompress::None,
        );
        if inflater.total_out() as usize > limit {
            return true;
        }
        match status {
            Ok(flate2::Status::Ok) if inflater.total_out() > before => {}
            // The end of the data, an error, or no progress: it stops here.
            _ => return false,
        }
    }
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
            err.to_string().contains("inflates to more than 256 MiB"),
            "{err}"
        );
        // Images are blanked, never decoded: no need to know.
        assert!(check_streams(&object("/Subtype /Image /Filter /FlateDecode", &bomb)).is_ok());
        // A long stream that inflates within the limit passes.
        assert!(check_streams(&object("/Filter /FlateDecode", &zeros_deflated(200))).is_ok());
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
