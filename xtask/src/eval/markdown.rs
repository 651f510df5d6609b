//! Reads the Markdown that both the expected files and offprint's output use
//! into blocks of plain text, and builds the naive `pdftotext` baseline.
//!
//! The subset: optional YAML front matter (`title`, `date`), `::: {lang=xx}`
//! / `:::` fenced language sections, blocks separated by blank lines, `#`
//! headings and `1. ` / `a. ` / `- ` list items. Markdown syntax is dropped
//! so that only the text is compared.

/// A document reduced to what the metrics compare.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Doc {
    pub title: Option<String>,
    pub date: Option<String>,
    pub sections: Vec<Section>,
    /// Form feeds left in the body (they vanish from the normalised text).
    pub form_feeds: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// Language tag from the fence; `und` outside any fence.
    pub lang: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Heading,
    Paragraph,
    ListItem,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub kind: Kind,
    /// Text without markup or list marker, whitespace collapsed.
    pub text: String,
    /// A list item's number or letter (`3.`, `b)`); bullets have none.
    pub label: Option<String>,
}

impl Block {
    /// The block's text as compared: a numbered item keeps its number, which
    /// is content (a paragraph reading `1. Foo` has the same text).
    pub fn full_text(&self) -> String {
        match &self.label {
            Some(label) if self.text.is_empty() => label.clone(),
            Some(label) => format!("{label} {}", self.text),
            None => self.text.clone(),
        }
    }
}

impl Doc {
    /// All blocks in order, each with its section's language.
    pub fn blocks(&self) -> impl Iterator<Item = (&str, &Block)> {
        self.sections
            .iter()
            .flat_map(|s| s.blocks.iter().map(move |b| (s.lang.as_str(), b)))
    }

    /// Languages of the sections, sorted and deduplicated.
    pub fn langs(&self) -> Vec<String> {
        let mut langs: Vec<String> = self.sections.iter().map(|s| s.lang.clone()).collect();
        langs.sort();
        langs.dedup();
        langs
    }

    /// The sections in language `lang` only.
    pub fn only_lang(&self, lang: &str) -> Doc {
        Doc {
            sections: self
                .sections
                .iter()
                .filter(|s| s.lang == lang)
                .cloned()
                .collect(),
            ..Doc::default()
        }
    }
}

/// Parses the Markdown subset described in the module documentation.
pub fn parse(markdown: &str) -> Doc {
    let (front, body) = split_front_matter(markdown);
    let mut doc = Doc {
        title: front_field(front, "title"),
        date: front_field(front, "date"),
        form_feeds: body.matches('\x0c').count(),
        ..Doc::default()
    };
    let mut lang = None::<String>;
    let mut lines: Vec<&str> = Vec::new();
    for line in body.lines() {
        let trimmed = line.trim();
        let fence = trimmed.strip_prefix(":::");
        if fence.is_none() && !trimmed.is_empty() {
            lines.push(line);
            continue;
        }
        flush_block(&mut doc, lang.as_deref(), &mut lines);
        match fence.map(str::trim) {
            Some("") => lang = None,
            Some(attributes) => lang = Some(fence_lang(attributes).unwrap_or_else(|| "und".into())),
            None => {}
        }
    }
    flush_block(&mut doc, lang.as_deref(), &mut lines);
    doc
}

/// The naive baseline: pdftotext's lines joined with a space within runs
/// separated by blank lines (a form feed counts as one); each run is a
/// paragraph; one section in language `und`.
pub fn naive_doc(extracted: &str) -> Doc {
    let text = extracted.replace('\x0c', "\n\n");
    let blocks = text
        .split('\n')
        .collect::<Vec<_>>()
        .split(|line| line.trim().is_empty())
        .map(|run| collapse(&run.join(" ")))
        .filter(|text| !text.is_empty())
        .map(|text| Block {
            kind: Kind::Paragraph,
            text,
            label: None,
        })
        .collect();
    Doc {
        sections: vec![Section {
            lang: "und".into(),
            blocks,
        }],
        ..Doc::default()
    }
}

/// Collapses every run of white space (form feeds included) to one space
/// and trims the ends.
pub fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn split_front_matter(markdown: &str) -> (&str, &str) {
    let text = markdown.trim_start_matches('\u{feff}');
    let Some(rest) = text.strip_prefix("---\n") else {
        return ("", text);
    };
    // The closing `---` is the first line that is exactly that.
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            return (&rest[..offset], &rest[offset + line.len()..]);
        }
        offset += line.len();
    }
    ("", text)
}

/// A scalar `key: value` of the front matter, quotes removed.
fn front_field(front: &str, key: &str) -> Option<String> {
    let value = front.lines().find_map(|line| {
        line.strip_prefix(key)?
            .strip_prefix(':')
            .map(str::trim)
            .filter(|v| !v.is_empty())
    })?;
    let unquoted = match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        Some(inner) => unescape(inner),
        None => value.trim_matches('\'').to_string(),
    };
    Some(collapse(&unquoted))
}

/// `lang=xx` from fence attributes like `{lang=zh label="Chinese"}`.
fn fence_lang(attributes: &str) -> Option<String> {
    attributes
        .trim_matches(|c| c == '{' || c == '}')
        .split_whitespace()
        .find_map(|attribute| attribute.strip_prefix("lang="))
        .map(|lang| lang.trim_matches('"').to_string())
}

fn flush_block(doc: &mut Doc, lang: Option<&str>, lines: &mut Vec<&str>) {
    if lines.is_empty() {
        return;
    }
    let block = parse_block(&lines.join(" "));
    lines.clear();
    let lang = lang.unwrap_or("und");
    match doc.sections.last_mut() {
        Some(section) if section.lang == lang => section.blocks.push(block),
        _ => doc.sections.push(Section {
            lang: lang.to_string(),
            blocks: vec![block],
        }),
    }
}

fn parse_block(raw: &str) -> Block {
    let raw = raw.trim();
    let hashes = raw.chars().take_while(|&c| c == '#').count();
    if (1..=6).contains(&hashes) && raw[hashes..].starts_with([' ', '\t']) {
        return Block {
            kind: Kind::Heading,
            text: collapse(&unescape(&raw[hashes..])),
            label: None,
        };
    }
    if let Some((label, rest)) = list_marker(raw) {
        return Block {
            kind: Kind::ListItem,
            text: collapse(&unescape(rest)),
            label,
        };
    }
    Block {
        kind: Kind::Paragraph,
        text: collapse(&unescape(raw)),
        label: None,
    }
}

/// Splits `12. text`, `b) text` or `- text` into its label (none for a
/// bullet) and the text after the marker.
fn list_marker(raw: &str) -> Option<(Option<String>, &str)> {
    if let Some(rest) = raw
        .strip_prefix(['-', '*', '+'])
        .filter(|r| r.starts_with(' '))
    {
        return Some((None, rest));
    }
    let digits = raw.chars().take_while(char::is_ascii_digit).count();
    let label_len = if (1..=3).contains(&digits) {
        digits
    } else if raw.starts_with(|c: char| c.is_ascii_alphabetic()) {
        1
    } else {
        return None;
    };
    let after = &raw[label_len..];
    let rest = after.strip_prefix(['.', ')'])?;
    rest.starts_with(' ')
        .then(|| (Some(raw[..=label_len].to_string()), rest))
}

/// Removes Markdown backslash escapes (`\*`, `1\.`, `\"`).
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match chars.peek() {
            Some(&next) if c == '\\' && next.is_ascii_punctuation() => {
                out.push(next);
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "---\ntitle: \"A \\\"quoted\\\" title\"\ndate: 2024-07-04\n---\n\n\
        ::: {lang=en}\n# A heading\n\nA paragraph,\none line.\n\n1. An item.\n\n- A bullet.\n\n\
        1\\. Not an item.\n:::\n\n::: {lang=zh label=\"Chinese\"}\n# 标题\n\n段落。\n:::\n";

    #[test]
    fn parses_front_matter_sections_and_blocks() {
        let doc = parse(SAMPLE);
        assert_eq!(doc.title.as_deref(), Some("A \"quoted\" title"));
        assert_eq!(doc.date.as_deref(), Some("2024-07-04"));
        assert_eq!(doc.langs(), ["en", "zh"]);
        let blocks: Vec<_> = doc
            .blocks()
            .map(|(lang, b)| (lang, b.kind, b.full_text()))
            .collect();
        assert_eq!(
            blocks,
            [
                ("en", Kind::Heading, "A heading".to_string()),
                ("en", Kind::Paragraph, "A paragraph, one line.".into()),
                ("en", Kind::ListItem, "1. An item.".into()),
                ("en", Kind::ListItem, "A bullet.".into()),
                ("en", Kind::Paragraph, "1. Not an item.".into()),
                ("zh", Kind::Heading, "标题".into()),
                ("zh", Kind::Paragraph, "段落。".into()),
            ]
        );
    }

    #[test]
    fn text_outside_fences_is_undetermined() {
        let doc = parse("Just text.\n\n2\n");
        assert_eq!(doc.title, None);
        assert_eq!(doc.langs(), ["und"]);
        assert_eq!(doc.sections[0].blocks.len(), 2);
    }

    #[test]
    fn naive_baseline_joins_runs_and_breaks_at_form_feeds() {
        let doc = naive_doc("Header\n\nfirst line\nsecond line\n2\x0cnext page\n");
        let texts: Vec<_> = doc.blocks().map(|(_, b)| b.text.clone()).collect();
        assert_eq!(texts, ["Header", "first line second line 2", "next page"]);
        assert_eq!(doc.form_feeds, 0);
        assert_eq!(doc.langs(), ["und"]);
    }
}
