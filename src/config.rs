//! Metadata and style of a document from configuration: `offprint.toml` in the
//! input folders (or `--config FILE`), a `<stem>.toml` sidecar next to the
//! document, and `--meta key=value`, each overriding the one before.
//!
//! ```toml
//! title = "Back to the Future?"
//! authors = ["MERICS"]
//! publisher = "Mercator Institute for China Studies"
//! rights = "CC BY 4.0"
//! date = "2024-07-04"
//! paper = "a4"                 # or "letter"
//!
//! [region]                     # the region of each language's text
//! en = "en-GB"                 # British English: /Lang, hyphenation, tags
//!
//! [fonts]
//! dirs = ["fonts"]             # folders of extra fonts, relative to this file
//! body = "Noto Serif"          # Latin body text
//! heading = "Noto Sans"        # Latin headings
//! body-cjk = "Noto Serif SC"   # Chinese body text
//! heading-cjk = "Noto Sans SC" # Chinese headings
//! ```

use crate::fonts::{script::Class, Role};
use crate::model::{Document, Lang, Meta};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The name of a folder's configuration file.
pub const FOLDER_CONFIG: &str = "offprint.toml";

/// What configuration can set. Every field is optional: a later layer
/// replaces only what it sets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Settings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authors: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rights: Option<String>,
    /// Publication date, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paper: Option<PaperName>,
    /// Language (primary subtag) → the tag with its region: `en` → `en-GB`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub region: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "FontSettings::is_empty")]
    pub fonts: FontSettings,
}

/// Paper sizes by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PaperName {
    A4,
    Letter,
}

impl PaperName {
    pub fn paper(self) -> crate::layout::Paper {
        match self {
            PaperName::A4 => crate::layout::Paper::A4,
            PaperName::Letter => crate::layout::Paper::Letter,
        }
    }
}

/// Fonts: extra folders and the family of each role and script.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FontSettings {
    /// Folders of extra fonts (in a file: relative to the file's folder).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dirs: Option<Vec<PathBuf>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heading: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_cjk: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heading_cjk: Option<String>,
}

impl FontSettings {
    pub fn is_empty(&self) -> bool {
        *self == FontSettings::default()
    }

    /// The family choices as the font database takes them.
    pub fn families(&self) -> BTreeMap<(Role, Class), String> {
        [
            ((Role::Body, Class::Latin), &self.body),
            ((Role::Heading, Class::Latin), &self.heading),
            ((Role::Body, Class::Cjk), &self.body_cjk),
            ((Role::Heading, Class::Cjk), &self.heading_cjk),
        ]
        .into_iter()
        .filter_map(|(key, family)| Some((key, family.clone()?)))
        .collect()
    }
}

impl Settings {
    /// Reads a configuration file; relative font folders are taken from its folder.
    pub fn load(path: &Path) -> Result<Settings, String> {
        let text = std::fs::read_to_string(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_string(),
            std::io::ErrorKind::InvalidData => "not valid UTF-8".to_string(),
            _ => e.to_string(),
        })?;
        let mut settings = Settings::parse(&text)?;
        if let Some(dirs) = &mut settings.fonts.dirs {
            let base = path.parent().unwrap_or(Path::new(""));
            for dir in dirs.iter_mut() {
                if dir.is_relative() {
                    *dir = base.join(&*dir);
                }
            }
        }
        Ok(settings)
    }

    /// Parses and checks configuration text.
    pub fn parse(text: &str) -> Result<Settings, String> {
        let settings: Settings = toml::from_str(text).map_err(|e| {
            // toml's message spans several lines with a caret; one line is enough here.
            let message = e.message().trim().to_string();
            match e.span() {
                Some(span) => {
                    let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
                    format!("line {line}: {message}")
                }
                None => message,
            }
        })?;
        settings.check()?;
        Ok(settings)
    }

    /// Checks the values that have a form: dates and language tags.
    pub fn check(&self) -> Result<(), String> {
        if let Some(date) = &self.date {
            check_date(date)?;
        }
        for (lang, tag) in &self.region {
            check_region(lang, tag)?;
        }
        Ok(())
    }

    /// `self` with what `over` sets replacing it.
    pub fn overlay(&mut self, over: &Settings) {
        fn set<T: Clone>(slot: &mut Option<T>, value: &Option<T>) {
            if value.is_some() {
                slot.clone_from(value);
            }
        }
        set(&mut self.title, &over.title);
        set(&mut self.authors, &over.authors);
        set(&mut self.publisher, &over.publisher);
        set(&mut self.rights, &over.rights);
        set(&mut self.date, &over.date);
        set(&mut self.paper, &over.paper);
        for (lang, tag) in &over.region {
            self.region.insert(lang.clone(), tag.clone());
        }
        set(&mut self.fonts.dirs, &over.fonts.dirs);
        set(&mut self.fonts.body, &over.fonts.body);
        set(&mut self.fonts.heading, &over.fonts.heading);
        set(&mut self.fonts.body_cjk, &over.fonts.body_cjk);
        set(&mut self.fonts.heading_cjk, &over.fonts.heading_cjk);
    }

    /// Settings from `--meta key=value` arguments: `title`, `author`
    /// (repeatable), `date`, `publisher`, `rights`, `region` (`en-GB`),
    /// `paper`, `font.body`, `font.heading`, `font.body-cjk`, `font.heading-cjk`.
    pub fn from_meta_args(args: &[String]) -> Result<Settings, String> {
        let mut settings = Settings::default();
        for arg in args {
            let Some((key, value)) = arg.split_once('=') else {
                return Err(format!("{arg:?} is not KEY=VALUE"));
            };
            let value = value.trim().to_string();
            match key.trim() {
                "title" => settings.title = Some(value),
                "author" | "authors" => settings.authors.get_or_insert_with(Vec::new).push(value),
                "date" => {
                    check_date(&value)?;
                    settings.date = Some(value);
                }
                "publisher" => settings.publisher = Some(value),
                "rights" => settings.rights = Some(value),
                "region" => {
                    let lang = value.split('-').next().unwrap_or("").to_ascii_lowercase();
                    check_region(&lang, &value)?;
                    settings.region.insert(lang, value);
                }
                "paper" => {
                    settings.paper = Some(match value.to_ascii_lowercase().as_str() {
                        "a4" => PaperName::A4,
                        "letter" => PaperName::Letter,
                        _ => return Err(format!("paper {value:?} is not a4 or letter")),
                    })
                }
                "font.body" => settings.fonts.body = Some(value),
                "font.heading" => settings.fonts.heading = Some(value),
                "font.body-cjk" => settings.fonts.body_cjk = Some(value),
                "font.heading-cjk" => settings.fonts.heading_cjk = Some(value),
                other => {
                    return Err(format!(
                        "unknown key {other:?} (title, author, date, publisher, rights, region, paper, font.body, font.heading, font.body-cjk, font.heading-cjk)"
                    ))
                }
            }
        }
        Ok(settings)
    }

    /// Writes the metadata the settings hold into `meta`.
    pub fn apply_meta(&self, meta: &mut Meta) {
        if let Some(title) = &self.title {
            meta.title = Some(title.clone());
        }
        if let Some(authors) = &self.authors {
            meta.authors.clone_from(authors);
        }
        if let Some(date) = &self.date {
            meta.date = Some(date.clone());
        }
        if let Some(publisher) = &self.publisher {
            meta.publisher = Some(publisher.clone());
        }
        if let Some(rights) = &self.rights {
            meta.rights = Some(rights.clone());
        }
    }

    /// Gives the languages with a configured region their regional tag
    /// (`en` → `en-GB`) in the sections, blocks and metadata.
    pub fn apply_regions(&self, document: &mut Document) {
        if self.region.is_empty() {
            return;
        }
        let retag = |tag: &mut Lang| {
            if let Some(regional) = self.region.get(tag.primary()) {
                // Only a bare tag takes the region: `en-US` written in the
                // source is kept as it is.
                if !tag.contains('-') {
                    *tag = Lang::new(regional);
                }
            }
        };
        for section in &mut document.sections {
            retag(&mut section.lang);
            for block in &mut section.blocks {
                retag(&mut block.lang);
            }
        }
        let mut languages: Vec<Lang> = Vec::new();
        for mut lang in std::mem::take(&mut document.meta.languages) {
            retag(&mut lang);
            if !languages.contains(&lang) {
                languages.push(lang);
            }
        }
        document.meta.languages = languages;
    }
}

fn check_date(value: &str) -> Result<(), String> {
    let ok = value.len() == 10
        && value.char_indices().all(|(k, c)| {
            if k == 4 || k == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        });
    if ok {
        Ok(())
    } else {
        Err(format!("date {value:?} is not YYYY-MM-DD"))
    }
}

/// A region must be a tag of its language with a region subtag: `en` → `en-GB`.
fn check_region(lang: &str, tag: &str) -> Result<(), String> {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or("");
    let region = parts.next_back().unwrap_or("");
    let ok = primary.eq_ignore_ascii_case(lang)
        && !lang.is_empty()
        && lang.chars().all(|c| c.is_ascii_lowercase())
        && ((region.len() == 2 && region.chars().all(|c| c.is_ascii_alphabetic()))
            || (region.len() == 3 && region.chars().all(|c| c.is_ascii_digit())));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "region {tag:?} for {lang:?} is not a language tag with a region, such as en-GB or en-US"
        ))
    }
}

/// The `offprint.toml` files that apply to a document in `dir`: from the
/// root of the inputs down to `dir`, outermost first.
pub fn folder_configs(root: &Path, dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut current = Some(dir);
    while let Some(d) = current {
        let candidate = d.join(FOLDER_CONFIG);
        if candidate.is_file() {
            found.push(candidate);
        }
        if d == root || !d.starts_with(root) {
            break;
        }
        current = d.parent();
    }
    found.reverse();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_field_and_rejects_unknown_ones() {
        let settings = Settings::parse(
            "title = \"T\"\nauthors = [\"A\", \"B\"]\npublisher = \"P\"\nrights = \"CC BY 4.0\"\ndate = \"2024-07-04\"\npaper = \"letter\"\n[region]\nen = \"en-GB\"\n[fonts]\nbody = \"Noto Serif\"\nheading-cjk = \"Noto Sans SC\"\n",
        )
        .unwrap();
        assert_eq!(settings.title.as_deref(), Some("T"));
        assert_eq!(
            settings.authors.as_deref(),
            Some(&["A".into(), "B".into()][..])
        );
        assert_eq!(settings.paper, Some(PaperName::Letter));
        assert_eq!(settings.region["en"], "en-GB");
        assert_eq!(settings.fonts.heading_cjk.as_deref(), Some("Noto Sans SC"));
        let err = Settings::parse("title = \"T\"\ncolour = \"red\"\n").unwrap_err();
        assert!(err.starts_with("line 2: "), "{err}");
        assert!(Settings::parse("date = \"4 July\"").is_err());
        assert!(Settings::parse("[region]\nen = \"fr-FR\"").is_err());
    }

    #[test]
    fn later_layers_win_and_meta_arguments_parse() {
        let mut base = Settings::parse("title = \"Folder\"\npublisher = \"P\"\n").unwrap();
        let sidecar = Settings::parse("title = \"Sidecar\"\n").unwrap();
        base.overlay(&sidecar);
        let meta = Settings::from_meta_args(&[
            "author=A".into(),
            "author=B".into(),
            "region=en-US".into(),
        ])
        .unwrap();
        base.overlay(&meta);
        assert_eq!(base.title.as_deref(), Some("Sidecar"));
        assert_eq!(base.publisher.as_deref(), Some("P"));
        assert_eq!(base.authors.as_deref(), Some(&["A".into(), "B".into()][..]));
        assert_eq!(base.region["en"], "en-US");
        assert!(Settings::from_meta_args(&["colour=red".into()]).is_err());
        assert!(Settings::from_meta_args(&["date=2024".into()]).is_err());
        assert!(Settings::from_meta_args(&["title".into()]).is_err());
    }

    #[test]
    fn regions_retag_bare_languages() {
        let mut document = Document {
            notes: Vec::new(),
            meta: Meta {
                languages: vec!["en".into(), "zh".into()],
                ..Default::default()
            },
            sections: vec![crate::model::Section {
                lang: "en".into(),
                label: None,
                blocks: Vec::new(),
            }],
        };
        let settings = Settings::from_meta_args(&["region=en-GB".into()]).unwrap();
        settings.apply_regions(&mut document);
        assert_eq!(document.meta.languages, ["en-GB", "zh"]);
        assert_eq!(document.sections[0].lang, "en-GB");
    }
}
