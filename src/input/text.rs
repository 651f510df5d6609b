//! Reader for text that was already extracted: UTF-8, a form feed (U+000C)
//! starts a new page, as `pdftotext` writes it.

use super::{RawDoc, RawLine, RawPage};

/// Why a text input could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextError {
    /// The bytes are not UTF-8; the offset of the first bad byte, and what
    /// they look like instead.
    InvalidUtf8 { offset: usize, looks: Encoding },
}

/// What bytes that are not UTF-8 seem to be, for the hint of the error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// A UTF-16 byte-order mark.
    Utf16,
    /// NUL bytes: not text at all.
    Binary,
    /// Anything else: most often Latin-1 or Windows-1252.
    SingleByte,
}

impl Encoding {
    fn of(bytes: &[u8]) -> Encoding {
        if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
            Encoding::Utf16
        } else if bytes.iter().take(8192).any(|&b| b == 0) {
            Encoding::Binary
        } else {
            Encoding::SingleByte
        }
    }
}

impl std::fmt::Display for TextError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TextError::InvalidUtf8 { offset, looks } => {
                write!(f, "not valid UTF-8 (first bad byte at offset {offset}); ")?;
                f.write_str(match looks {
                    Encoding::Utf16 => "it is UTF-16: convert it with `iconv -f utf-16 -t utf-8`",
                    Encoding::Binary => "it holds NUL bytes, so it is neither text nor a PDF",
                    Encoding::SingleByte => {
                        "if it is Latin-1, convert it with `iconv -f latin1 -t utf-8`"
                    }
                })
            }
        }
    }
}

/// Splits UTF-8 text into pages (at form feeds) and lines (at LF, CRLF or CR).
/// A leading byte-order mark is dropped.
pub fn read_text(bytes: &[u8]) -> Result<RawDoc, TextError> {
    let text = std::str::from_utf8(bytes).map_err(|e| TextError::InvalidUtf8 {
        offset: e.valid_up_to(),
        looks: Encoding::of(bytes),
    })?;
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut pages = vec![RawPage {
        number: 1,
        ..RawPage::default()
    }];
    for (index, line) in split_lines(text).into_iter().enumerate() {
        let line_number = index + 1;
        // A form feed inside a line moves what follows it to a new page.
        let mut parts = line.split('\u{000C}');
        let mut part = parts.next().unwrap_or_default();
        let mut after_form_feed = false;
        loop {
            let page = pages.last_mut().expect("pages is never empty");
            let next = parts.next();
            // An empty piece beside a form feed is not a line of its own.
            if !(part.is_empty() && (next.is_some() || after_form_feed)) {
                page.lines.push(RawLine {
                    text: part.to_string(),
                    number: line_number,
                    geometry: None,
                    styles: Vec::new(),
                });
            }
            match next {
                Some(rest) => {
                    // Pages are kept to the end: none holds room for lines it will not get.
                    page.lines.shrink_to_fit();
                    let number = pages.len() + 1;
                    pages.push(RawPage {
                        number,
                        ..RawPage::default()
                    });
                    part = rest;
                    after_form_feed = true;
                }
                None => break,
            }
        }
    }
    if let Some(page) = pages.last_mut() {
        page.lines.shrink_to_fit();
    }
    Ok(RawDoc {
        pages,
        ..RawDoc::default()
    })
}

/// Lines split at LF, CRLF or a lone CR; no empty last line for a final newline.
fn split_lines(text: &str) -> Vec<&str> {
    if text.is_empty() {
        return Vec::new();
    }
    let body = text
        .strip_suffix("\r\n")
        .or_else(|| text.strip_suffix(['\n', '\r']))
        .unwrap_or(text);
    body.split('\n')
        .flat_map(|l| l.strip_suffix('\r').unwrap_or(l).split('\r'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(doc: &RawDoc) -> Vec<(usize, usize, &str)> {
        doc.lines()
            .map(|(page, l)| (page, l.number, l.text.as_str()))
            .collect()
    }

    #[test]
    fn form_feed_starts_a_page() {
        let doc = read_text(b"one\ntwo\n\x0cthree\n").unwrap();
        assert_eq!(doc.pages.len(), 2);
        assert_eq!(
            texts(&doc),
            vec![(1, 1, "one"), (1, 2, "two"), (2, 3, "three")]
        );
    }

    #[test]
    fn crlf_bom_and_lone_cr_are_accepted() {
        let doc = read_text("\u{FEFF}a\r\nb\rc".as_bytes()).unwrap();
        assert_eq!(texts(&doc), vec![(1, 1, "a"), (1, 2, "b"), (1, 3, "c")]);
    }

    #[test]
    fn invalid_utf8_names_the_offset_and_what_to_do() {
        let latin1 = read_text(b"caf\xe9 cr\xe8me").unwrap_err();
        assert_eq!(
            latin1,
            TextError::InvalidUtf8 {
                offset: 3,
                looks: Encoding::SingleByte
            }
        );
        let message = latin1.to_string();
        assert!(message.contains("offset 3"), "{message}");
        assert!(message.contains("iconv -f latin1 -t utf-8"), "{message}");
        let utf16 = read_text(b"\xff\xfea\0b\0").unwrap_err().to_string();
        assert!(utf16.contains("iconv -f utf-16 -t utf-8"), "{utf16}");
        let binary = read_text(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
            .unwrap_err()
            .to_string();
        assert!(binary.contains("neither text nor a PDF"), "{binary}");
    }

    #[test]
    fn empty_input_is_one_empty_page() {
        let doc = read_text(b"").unwrap();
        assert_eq!(doc.pages.len(), 1);
        assert!(doc.pages[0].lines.is_empty());
    }

    #[test]
    fn trailing_form_feed_leaves_an_empty_last_page() {
        let doc = read_text(b"a\x0c").unwrap();
        assert_eq!(doc.pages.len(), 2);
        assert_eq!(texts(&doc), vec![(1, 1, "a")]);
    }
}
