//! Language sections: labels such as `Chinese:` that open a translated
//! section, a language detector for every block, and the grouping of blocks
//! into sections.

use super::chars::is_cjk;
use super::lists::{add_item, Marker};
use super::report::{EditKind, Report};
use super::Line;
use crate::model::{Block, BlockKind, Section};
use unicode_script::{Script, UnicodeScript};
use whatlang::{Detector, Lang};

/// Language names a label may use (in English, in the language itself and
/// in the other languages offprint writes), with their BCP 47 tag.
const LANGUAGE_NAMES: [(&str, &str); 33] = [
    ("english", "en"),
    ("anglais", "en"),
    ("inglés", "en"),
    ("ingles", "en"),
    ("英文", "en"),
    ("英语", "en"),
    ("chinese", "zh"),
    ("simplified chinese", "zh"),
    ("mandarin", "zh"),
    ("中文", "zh"),
    ("简体中文", "zh"),
    ("汉语", "zh"),
    ("chinois", "zh"),
    ("chino", "zh"),
    ("french", "fr"),
    ("français", "fr"),
    ("francais", "fr"),
    ("francés", "fr"),
    ("法文", "fr"),
    ("法语", "fr"),
    ("spanish", "es"),
    ("español", "es"),
    ("espanol", "es"),
    ("espagnol", "es"),
    ("西班牙文", "es"),
    ("西班牙语", "es"),
    ("german", "de"),
    ("deutsch", "de"),
    ("italian", "it"),
    ("portuguese", "pt"),
    ("russian", "ru"),
    ("arabic", "ar"),
    ("japanese", "ja"),
];

/// A label line: a language name and a colon, nothing else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// BCP 47 tag of the language named.
    pub lang: String,
    /// The name as written, without the colon ("Chinese").
    pub name: String,
}

/// Reads `Chinese:`, `Français :`, `中文：` as a label.
pub fn parse_label(text: &str) -> Option<Label> {
    let name = text.trim().strip_suffix([':', '：'])?.trim_end();
    let lower = name.to_lowercase();
    LANGUAGE_NAMES
        .iter()
        .find(|(n, _)| *n == lower)
        .map(|(_, lang)| Label {
            lang: lang.to_string(),
            name: name.to_string(),
        })
}

/// Takes label lines out of the text; the label lives on in the model.
pub fn take_labels(lines: &mut [Line], report: &mut Report) {
    for line in lines.iter_mut().filter(|l| l.is_content()) {
        if let Some(label) = parse_label(&line.text) {
            report.push(
                EditKind::SectionLabel,
                line.page,
                line.number,
                line.text.as_ref(),
                "",
            );
            line.make_label(label);
        }
    }
}

/// Deterministic language detection of one block, or `None` when the text
/// is too short or too mixed to say.
pub struct LanguageDetector {
    detector: Detector,
}

impl Default for LanguageDetector {
    fn default() -> Self {
        // The four languages of offprint's editions: a short list keeps the
        // detector from mistaking Spanish for Portuguese or Catalan.
        LanguageDetector {
            detector: Detector::with_allowlist(vec![Lang::Eng, Lang::Fra, Lang::Spa, Lang::Cmn]),
        }
    }
}

/// Fewer letters than this and a Latin-script block inherits its section's language.
const MIN_LETTERS: usize = 24;

impl LanguageDetector {
    pub fn detect(&self, text: &str) -> Option<String> {
        let (mut han, mut kana, mut hangul, mut letters) = (0, 0, 0, 0);
        let (mut arabic, mut hebrew) = (0, 0);
        for c in text.chars().filter(|c| c.is_alphabetic()) {
            letters += 1;
            if c.is_ascii() {
                continue;
            }
            match c.script() {
                Script::Hiragana | Script::Katakana => kana += 1,
                Script::Hangul => hangul += 1,
                Script::Arabic => arabic += 1,
                Script::Hebrew => hebrew += 1,
                _ if is_cjk(c) => han += 1,
                _ => {}
            }
        }
        // Scripts decide East Asian and right-to-left languages (Arabic script is
        // taken for Arabic, Hebrew for Hebrew); statistics only Latin ones.
        if kana > 0 && (kana + han) * 3 >= letters {
            return Some("ja".into());
        }
        if hangul * 3 >= letters && hangul > 0 {
            return Some("ko".into());
        }
        if han * 3 >= letters && han > 0 {
            return Some("zh".into());
        }
        if arabic * 2 > letters {
            return Some("ar".into());
        }
        if hebrew * 2 > letters {
            return Some("he".into());
        }
        if letters < MIN_LETTERS {
            return None;
        }
        let info = self.detector.detect(sample(text))?;
        if !info.is_reliable() && letters < 4 * MIN_LETTERS {
            return None;
        }
        Some(
            match info.lang() {
                Lang::Eng => "en",
                Lang::Fra => "fr",
                Lang::Spa => "es",
                _ => return None,
            }
            .into(),
        )
    }
}

/// Enough of a long block to tell its language: detection is linear in
/// the text and the first few sentences decide it.
fn sample(text: &str) -> &str {
    const SAMPLE_BYTES: usize = 200;
    if text.len() <= SAMPLE_BYTES {
        return text;
    }
    let end = (0..=SAMPLE_BYTES)
        .rev()
        .find(|&k| text.is_char_boundary(k))
        .unwrap_or(0);
    &text[..end]
}

/// A block, a list item or a label, in reading order, before sections are formed.
pub enum Item {
    Block(Block),
    /// A paragraph opened by a list marker: consecutive ones become a list.
    ListItem {
        marker: Marker,
        block: Block,
    },
    Label(Label),
}

impl Item {
    pub fn is_heading(&self) -> bool {
        matches!(
            self,
            Item::Block(Block {
                kind: BlockKind::Heading { .. },
                ..
            })
        )
    }
}

/// Groups blocks into sections. A label opens a section in its language;
/// a block confidently detected in another language than its section's
/// opens a new unlabelled one. A heading takes the language of the first
/// non-heading block under it, and a block too short to detect takes its
/// section's.
pub fn group_sections(items: Vec<Item>, detector: &LanguageDetector) -> Vec<Section> {
    let detected: Vec<Option<String>> = items
        .iter()
        .map(|item| match item {
            Item::Block(block) | Item::ListItem { block, .. } => {
                detector.detect(&block.kind.plain_text())
            }
            Item::Label(_) => None,
        })
        .collect();
    let deciding = deciding_languages(&items, &detected);
    let mut sections: Vec<Section> = Vec::new();
    for ((item, own), lang) in items.into_iter().zip(detected).zip(deciding) {
        let (mut block, marker) = match item {
            Item::Label(label) => {
                sections.push(Section {
                    lang: label.lang.as_str().into(),
                    label: Some(label.name),
                    blocks: Vec::new(),
                });
                continue;
            }
            Item::Block(block) => (block, None),
            Item::ListItem { marker, block } => (block, Some(marker)),
        };
        let opens_section = match (sections.last(), &lang) {
            (None, _) => true,
            // The first block under a label belongs to it whatever it looks like.
            (Some(section), _) if section.label.is_some() && section.blocks.is_empty() => false,
            (Some(section), Some(lang)) => section.lang != lang.as_str() && section.lang != "und",
            (Some(_), None) => false,
        };
        if opens_section {
            sections.push(Section {
                lang: "und".into(),
                label: None,
                blocks: Vec::new(),
            });
        }
        let section = sections.last_mut().expect("a section was just ensured");
        if section.lang == "und" {
            if let Some(lang) = &lang {
                section.lang = lang.into();
            }
        }
        block.lang = own.map_or_else(|| section.lang.clone(), crate::lang::Lang::from);
        match marker {
            Some(marker) => add_item(&mut section.blocks, &marker, block),
            None => section.blocks.push(block),
        }
    }
    sections
}

/// The language that places each item: its own for a paragraph or list
/// item; for a heading, that of the first non-heading block below it
/// before any label, else its own.
fn deciding_languages(items: &[Item], detected: &[Option<String>]) -> Vec<Option<String>> {
    let mut deciding = detected.to_vec();
    let mut below: Option<String> = None;
    for k in (0..items.len()).rev() {
        match &items[k] {
            Item::Label(_) => below = None,
            Item::Block(block) if matches!(block.kind, BlockKind::Heading { .. }) => {
                deciding[k] = below.clone().or_else(|| detected[k].clone());
            }
            Item::Block(_) | Item::ListItem { .. } => below = detected[k].clone(),
        }
    }
    deciding
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_decide_right_to_left_and_east_asian_languages() {
        let detector = LanguageDetector::default();
        let detect = |t: &str| detector.detect(t);
        assert_eq!(
            detect("يولد جميع الناس أحرارا متساوين").as_deref(),
            Some("ar")
        );
        assert_eq!(detect("כל בני האדם נולדו בני חורין").as_deref(), Some("he"));
        assert_eq!(detect("人人生而自由").as_deref(), Some("zh"));
        // A Latin paragraph quoting one Arabic word stays a Latin language.
        assert_eq!(
            detect("The word سلام means peace in the language of the region it comes from.")
                .as_deref(),
            Some("en")
        );
    }
}
