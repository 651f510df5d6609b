//! List items: `1. `, `2) `, `a. `, `iv) `, `• ` at the start of a line,
//! and the lists that consecutive items make.

use crate::model::{Block, BlockKind, Delimiter, ListItem, NumberStyle, Numbering};

/// A list marker at the start of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    /// The number, letter or bullet as written, with its `.` or `)`.
    pub text: String,
    /// Byte length of the marker and the space after it.
    pub len: usize,
    /// Position in its sequence (1 for `1`, `a`, `i`); `None` for bullets.
    pub ordinal: Option<u32>,
}

const BULLETS: [char; 7] = ['•', '◦', '▪', '●', '○', '‣', '·'];

/// Reads the list marker that starts `text`, if any. A marker is followed
/// by a space and then text.
pub fn parse_marker(text: &str) -> Option<Marker> {
    let first = text.chars().next()?;
    if BULLETS.contains(&first) {
        let rest = &text[first.len_utf8()..];
        let body = rest.trim_start();
        return (!body.is_empty() && rest.len() > body.len()).then(|| Marker {
            text: first.to_string(),
            len: text.len() - body.len(),
            ordinal: None,
        });
    }
    let end = text.find(['.', ')'])?;
    let label = &text[..end];
    let after = &text[end + 1..];
    let body = after.trim_start_matches(' ');
    if body.is_empty() || body.len() == after.len() {
        return None;
    }
    // `01.` is no item: the model numbers lists, and would drop its zero.
    let ordinal = if !label.is_empty()
        && label.len() <= 3
        && label.bytes().all(|b| b.is_ascii_digit())
        && !(label.len() > 1 && label.starts_with('0'))
    {
        label.parse().ok()
    } else if label.len() == 1 && label.bytes().all(|b| b.is_ascii_lowercase()) {
        Some(u32::from(label.as_bytes()[0] - b'a') + 1)
    } else {
        None
    }?;
    Some(Marker {
        text: text[..=end].to_string(),
        len: text.len() - body.len(),
        ordinal: Some(ordinal),
    })
}

impl Marker {
    /// How the list this marker opens is numbered; `None` for a bullet.
    pub fn numbering(&self) -> Option<Numbering> {
        let start = self.ordinal?;
        let style = if is_numeric(self) {
            NumberStyle::Decimal
        } else {
            NumberStyle::LowerAlpha
        };
        let delimiter = if self.text.ends_with(')') {
            Delimiter::Paren
        } else {
            Delimiter::Period
        };
        Some(Numbering {
            start,
            style,
            delimiter,
        })
    }
}

/// Adds the item that `marker` opened to `blocks`: to the list that ends them
/// when the item goes on with it (a bullet after bullets, the next number in
/// the same style), else as the first item of a new list.
pub fn add_item(blocks: &mut Vec<Block>, marker: &Marker, item: Block) {
    let numbering = marker.numbering();
    if let Some(Block {
        kind:
            BlockKind::List {
                numbering: open,
                items,
                ..
            },
        provenance,
        ..
    }) = blocks.last_mut()
    {
        let goes_on = match (open, numbering) {
            (None, None) => true,
            (Some(open), Some(next)) => {
                (open.style, open.delimiter) == (next.style, next.delimiter)
                    && next.start.checked_sub(open.start) == u32::try_from(items.len()).ok()
            }
            _ => false,
        };
        if goes_on {
            provenance.extend(&item.provenance);
            items.push(ListItem { blocks: vec![item] });
            return;
        }
    }
    blocks.push(Block {
        lang: item.lang.clone(),
        provenance: item.provenance.clone(),
        kind: BlockKind::List {
            numbering,
            tight: false,
            items: vec![ListItem { blocks: vec![item] }],
        },
    });
}

/// Follows the numbering of a list, so that a wrapped line that happens to
/// start with `15. ` is not taken for an item.
#[derive(Debug, Default)]
pub struct ListSequence {
    last: Option<(bool, u32)>,
}

impl ListSequence {
    /// Whether `marker` may start an item here: a bullet, a first item, or
    /// the next number of the current list.
    pub fn accepts(&self, marker: &Marker) -> bool {
        match (marker.ordinal, self.last) {
            (None, _) | (Some(1), _) => true,
            (Some(n), Some((numeric, last))) => numeric == is_numeric(marker) && n == last + 1,
            (Some(_), None) => false,
        }
    }

    pub fn record(&mut self, marker: &Marker) {
        self.last = marker.ordinal.map(|n| (is_numeric(marker), n));
    }
}

fn is_numeric(marker: &Marker) -> bool {
    marker
        .text
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers() {
        let m = parse_marker("1. In the past").unwrap();
        assert_eq!((m.text.as_str(), m.len, m.ordinal), ("1.", 3, Some(1)));
        assert_eq!(parse_marker("b) second").unwrap().ordinal, Some(2));
        assert_eq!(parse_marker("• point").unwrap().text, "•");
        for no in [
            "2023. A year",
            "1.5 metres",
            "Mr. Smith",
            "e.g. this",
            "1.",
            "(a) x",
            "COVID-19.",
            "01. zero-padded",
        ] {
            assert_eq!(parse_marker(no), None, "{no}");
        }
    }

    #[test]
    fn consecutive_items_make_one_list_and_a_new_style_another() {
        let mut blocks = Vec::new();
        for line in [
            "1. one",
            "2. two",
            "a) first",
            "b) second",
            "• point",
            "• more",
        ] {
            let marker = parse_marker(line).unwrap();
            let item = Block::new(BlockKind::paragraph(&line[marker.len..]), "en");
            add_item(&mut blocks, &marker, item);
        }
        let shapes: Vec<(Option<Numbering>, usize)> = blocks
            .iter()
            .map(|b| match &b.kind {
                BlockKind::List {
                    numbering, items, ..
                } => (*numbering, items.len()),
                other => panic!("not a list: {other:?}"),
            })
            .collect();
        let letters = Numbering {
            start: 1,
            style: NumberStyle::LowerAlpha,
            delimiter: Delimiter::Paren,
        };
        assert_eq!(
            shapes,
            [(Some(Numbering::DECIMAL), 2), (Some(letters), 2), (None, 2)]
        );
        // A list that starts at 5 goes on at 6, not at 2.
        let mut blocks = Vec::new();
        for line in ["5. five", "2. two"] {
            let marker = parse_marker(line).unwrap();
            add_item(
                &mut blocks,
                &marker,
                Block::new(BlockKind::paragraph("x"), "en"),
            );
        }
        assert_eq!(blocks.len(), 2);
    }

    #[test]
    fn sequence_accepts_only_the_next_number() {
        let mut seq = ListSequence::default();
        let one = parse_marker("1. a").unwrap();
        let two = parse_marker("2. b").unwrap();
        let five = parse_marker("5. c").unwrap();
        assert!(!seq.accepts(&two));
        assert!(seq.accepts(&one));
        seq.record(&one);
        assert!(seq.accepts(&two));
        assert!(!seq.accepts(&five));
    }
}
