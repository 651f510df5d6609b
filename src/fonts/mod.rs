//! Fonts: the database of faces offprint may typeset with, the choice of a
//! face for each run of text, and the one subsetting path every writer uses.
//!
//! The database ([`FontBook`]) holds, in this order of preference, the bundled
//! fonts (`fonts/` of the repository, see its README, compiled into the
//! binary), the faces of `$OFFPRINT_FONTS` and of any `--font-dir`, and — only when a character is covered by none of those —
//! the system's fonts. Text is cut into runs by script class ([`script`]):
//! Han, kana and CJK punctuation take the CJK face of the role (body or
//! heading), everything else the Latin face. A character that no face covers
//! is reported ([`Uncovered`]), never drawn as an empty box in silence.

pub mod script;
pub mod subset;

use script::Class;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What a piece of text is set as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Paragraphs and list items: serif, regular.
    Body,
    /// Headings and running lines: sans, bold.
    Heading,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Body => "body",
            Role::Heading => "heading",
        }
    }
}

/// How an inline run is marked up, which can change its face: italic (the
/// model's emphasis), bold (strong), monospaced (code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Marks {
    pub italic: bool,
    pub bold: bool,
    pub code: bool,
}

impl Marks {
    pub const NONE: Marks = Marks {
        italic: false,
        bold: false,
        code: false,
    };
}

/// The bundled family for code.
const CODE_FAMILY: &str = "Noto Sans Mono";

/// The bundled families of each role and script class: (family, bold).
fn preferred(role: Role, class: Class) -> (&'static str, bool) {
    match (role, class) {
        (Role::Body, Class::Cjk) => ("Noto Serif SC", false),
        (Role::Heading, Class::Cjk) => ("Noto Sans SC", true),
        (Role::Body, _) => ("Noto Serif", false),
        (Role::Heading, _) => ("Noto Sans", true),
    }
}

/// Index of a face in a [`FontBook`].
pub type FaceId = usize;

/// One loaded face: its bytes and what is known about it.
#[derive(Clone)]
pub struct Face {
    pub family: String,
    pub post_script_name: String,
    pub path: PathBuf,
    pub index: u32,
    pub bold: bool,
    pub italic: bool,
    /// Where it came from: `bundled`, `OFFPRINT_FONTS`, `font-dir` or `system`.
    pub origin: &'static str,
    /// The font file's bytes, read once a process and kept for its life.
    pub data: &'static [u8],
    /// The face parsed for shaping, with rustybuzz's lookup accelerators:
    /// made once, when the file is loaded, and shared by every book.
    shaping: Arc<rustybuzz::Face<'static>>,
    pub units_per_em: u16,
    pub ascender: i16,
    pub descender: i16,
}

impl Face {
    /// The face parsed for shaping.
    pub fn shaper(&self) -> &rustybuzz::Face<'static> {
        &self.shaping
    }

    pub fn covers(&self, c: char) -> bool {
        // ttf-parser's cmap lookup; the face was validated when loaded.
        self.shaping.glyph_index(c).is_some()
    }

    /// `Noto Serif SC Regular (bundled)`.
    pub fn describe(&self) -> String {
        let style = match (self.bold, self.italic) {
            (true, true) => "Bold Italic",
            (true, false) => "Bold",
            (false, true) => "Italic",
            (false, false) => "Regular",
        };
        format!("{} {} ({})", self.family, style, self.origin)
    }
}

/// A character that no available font covers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Uncovered {
    pub ch: char,
}

impl std::fmt::Display for Uncovered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let block = unicode_blocks::find_unicode_block(self.ch)
            .map(|b| b.name())
            .unwrap_or("no block");
        write!(
            f,
            "no font covers {:?} (U+{:04X}, {})",
            self.ch, self.ch as u32, block
        )
    }
}

/// Where fonts are looked for, and which family sets a role and script.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FontOptions {
    /// Extra folders (`--font-dir`), searched after the bundled fonts.
    pub font_dirs: Vec<PathBuf>,
    /// Whether the system's fonts may be used for characters nothing else covers.
    pub system_fonts: bool,
    /// Families chosen instead of the bundled ones (`--font body.cjk=…`).
    pub families: BTreeMap<(Role, Class), String>,
}

/// Reads a `--font` choice: `ROLE.SCRIPT=FAMILY`, role `body` or `heading`,
/// script `latin` or `cjk` (`body.cjk=Noto Sans SC`).
pub fn parse_font_choice(text: &str) -> Result<((Role, Class), String), String> {
    let usage = "expected ROLE.SCRIPT=FAMILY, e.g. body.cjk=Noto Sans SC (roles: body, heading; scripts: latin, cjk)";
    let (key, family) = text.split_once('=').ok_or(usage)?;
    let (role, script) = key.trim().split_once('.').ok_or(usage)?;
    let role = match role {
        "body" => Role::Body,
        "heading" => Role::Heading,
        _ => return Err(usage.into()),
    };
    let class = [Class::Latin, Class::Cjk]
        .into_iter()
        .find(|class| class.name() == script)
        .ok_or(usage)?;
    let family = family.trim();
    if family.is_empty() {
        return Err(usage.into());
    }
    Ok(((role, class), family.to_string()))
}

/// The faces offprint can use, in order of preference, and the choice of a
/// face per role, script class and character.
///
/// A clone shares the font bytes; a clone of a fresh book is a fresh book,
/// which a batch uses to give every document the same start.
#[derive(Clone)]
pub struct FontBook {
    db: fontdb::Database,
    faces: Vec<Face>,
    /// fontdb id of each face, same order as `faces`.
    ids: Vec<fontdb::ID>,
    system_loaded: bool,
    system_allowed: bool,
    /// Memo of the face per role, class and character.
    chosen: BTreeMap<(Role, Class, char), Option<FaceId>>,
    /// Memo of the marked face (italic, bold, code) per role, class and marks.
    marked: BTreeMap<(Role, Class, Marks), Option<FaceId>>,
    /// Families chosen instead of the bundled ones.
    families: BTreeMap<(Role, Class), String>,
}

/// The bundled faces, compiled into the binary, sorted by file name: their
/// bytes are part of the executable's read-only data, which the OS pages in
/// only where a document touches them, so nothing is read or copied at
/// start-up and a copied or installed binary sets the same faces everywhere.
const BUNDLED: [(&str, &[u8]); 8] = [
    (
        "NotoSans-Bold.ttf",
        include_bytes!("../../fonts/NotoSans-Bold.ttf"),
    ),
    (
        "NotoSansMono-Regular.ttf",
        include_bytes!("../../fonts/NotoSansMono-Regular.ttf"),
    ),
    (
        "NotoSansSC-Bold.ttf",
        include_bytes!("../../fonts/NotoSansSC-Bold.ttf"),
    ),
    (
        "NotoSerif-Bold.ttf",
        include_bytes!("../../fonts/NotoSerif-Bold.ttf"),
    ),
    (
        "NotoSerif-BoldItalic.ttf",
        include_bytes!("../../fonts/NotoSerif-BoldItalic.ttf"),
    ),
    (
        "NotoSerif-Italic.ttf",
        include_bytes!("../../fonts/NotoSerif-Italic.ttf"),
    ),
    (
        "NotoSerif-Regular.ttf",
        include_bytes!("../../fonts/NotoSerif-Regular.ttf"),
    ),
    (
        "NotoSerifSC-Regular.ttf",
        include_bytes!("../../fonts/NotoSerifSC-Regular.ttf"),
    ),
];

/// The folder `OFFPRINT_FONTS` names, whose faces are added after the bundled
/// ones (like a `--font-dir`).
///
/// An `OFFPRINT_FONTS` that names no folder is an error: going on without it
/// would give other bytes without a word.
pub fn env_font_dir() -> Result<Option<PathBuf>, crate::Error> {
    let Some(dir) = std::env::var_os("OFFPRINT_FONTS") else {
        return Ok(None);
    };
    let dir = PathBuf::from(dir);
    if !dir.is_dir() {
        return Err(crate::Error::usage(
            dir.display().to_string(),
            "OFFPRINT_FONTS is not a folder; point it at a folder of fonts or unset it",
        ));
    }
    Ok(Some(dir))
}

/// Whether a font file is a copy of a bundled one (the same name and size), so
/// that a folder holding the bundled fonts again adds nothing.
fn is_bundled_copy(path: &Path) -> bool {
    let (Some(name), Ok(metadata)) = (path.file_name(), std::fs::metadata(path)) else {
        return false;
    };
    BUNDLED
        .iter()
        .any(|(bundled, data)| name == *bundled && metadata.len() == data.len() as u64)
}

/// The system's font files, sorted by path, and their bytes: read the first
/// time a book needs them, then shared by every book of the process.
fn system_fonts() -> &'static [(PathBuf, &'static [u8])] {
    static SYSTEM: std::sync::OnceLock<Vec<(PathBuf, &'static [u8])>> = std::sync::OnceLock::new();
    SYSTEM.get_or_init(|| {
        let mut system = fontdb::Database::new();
        system.load_system_fonts();
        let mut files: Vec<PathBuf> = system
            .faces()
            .filter_map(|f| match &f.source {
                fontdb::Source::File(p) => Some(p.clone()),
                _ => None,
            })
            .collect();
        files.sort();
        files.dedup();
        files
            .into_iter()
            .filter_map(|file| {
                let bytes = std::fs::read(&file).ok()?;
                Some((file, &*bytes.leak()))
            })
            .collect()
    })
}

/// Font files of a folder, sorted by name so that the order (and so the
/// choice among equals) never depends on the file system.
fn font_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                        matches!(
                            e.to_ascii_lowercase().as_str(),
                            "ttf" | "otf" | "ttc" | "otc"
                        )
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

impl FontBook {
    /// The bundled fonts, those of `OFFPRINT_FONTS` and of `options.font_dirs`;
    /// system fonts are read later, and only if some character needs them.
    pub fn new(options: &FontOptions) -> Result<FontBook, crate::Error> {
        let mut book = FontBook {
            db: fontdb::Database::new(),
            faces: Vec::new(),
            ids: Vec::new(),
            system_loaded: false,
            system_allowed: options.system_fonts,
            chosen: BTreeMap::new(),
            marked: BTreeMap::new(),
            families: options.families.clone(),
        };
        for (name, data) in BUNDLED {
            book.add_data(data, Path::new(name), "bundled");
        }
        if let Some(dir) = env_font_dir()? {
            for file in font_files(&dir) {
                book.load_file(&file, "OFFPRINT_FONTS")?;
            }
        }
        for dir in &options.font_dirs {
            if !dir.is_dir() {
                return Err(crate::Error::new(
                    dir.display().to_string(),
                    "font folder not found (named by --font-dir or a settings file's fonts.dirs)",
                ));
            }
            for file in font_files(dir) {
                book.load_file(&file, "font-dir")?;
            }
        }
        // A chosen family must exist: in the bundled fonts, a --font-dir, or
        // the system's.
        let missing = |book: &FontBook| {
            book.families
                .values()
                .find(|family| !book.faces.iter().any(|f| &f.family == *family))
                .cloned()
        };
        if missing(&book).is_some() {
            book.load_system();
        }
        if let Some(family) = missing(&book) {
            return Err(crate::Error::new(
                "--font",
                format!(
                    "no font family {family:?} found (see `offprint fonts`, or add --font-dir)"
                ),
            ));
        }
        Ok(book)
    }

    fn load_file(&mut self, path: &Path, origin: &'static str) -> Result<(), crate::Error> {
        if is_bundled_copy(path) {
            return Ok(());
        }
        // A file is read once a process and its bytes kept for the process's
        // life (a few files, never freed before exit anyway): books with
        // different choices (a batch's settings) share them, and so do the
        // faces parsed for shaping.
        static READ: std::sync::Mutex<BTreeMap<PathBuf, &'static [u8]>> =
            std::sync::Mutex::new(BTreeMap::new());
        let mut read = READ.lock().unwrap_or_else(|e| e.into_inner());
        let bytes = match read.get(path) {
            Some(&bytes) => bytes,
            None => {
                let bytes: &'static [u8] = std::fs::read(path)
                    .map_err(|e| crate::Error::io(path.display().to_string(), &e))?
                    .leak();
                read.insert(path.to_path_buf(), bytes);
                bytes
            }
        };
        drop(read);
        self.add_data(bytes, path, origin);
        Ok(())
    }

    /// Adds every face of a font file's bytes; unreadable faces are skipped.
    fn add_data(&mut self, data: &'static [u8], path: &Path, origin: &'static str) {
        let ids = self
            .db
            .load_font_source(fontdb::Source::Binary(Arc::new(data)));
        for id in ids {
            let Some(info) = self.db.face(id) else {
                continue;
            };
            let Ok(parsed) = ttf_parser::Face::parse(data, info.index) else {
                continue;
            };
            let Some(shaping) = rustybuzz::Face::from_slice(data, info.index) else {
                continue;
            };
            self.faces.push(Face {
                family: info
                    .families
                    .first()
                    .map(|(name, _)| name.clone())
                    .unwrap_or_default(),
                post_script_name: info.post_script_name.clone(),
                path: path.to_path_buf(),
                index: info.index,
                bold: info.weight.0 >= 600,
                italic: info.style != fontdb::Style::Normal,
                origin,
                data,
                shaping: Arc::new(shaping),
                units_per_em: parsed.units_per_em(),
                ascender: parsed.ascender(),
                descender: parsed.descender(),
            });
            self.ids.push(id);
        }
    }

    /// Loads the system's fonts once, in a stable order (by path and index).
    /// Their files are listed and read once a process: books of a batch
    /// share the bytes.
    fn load_system(&mut self) {
        if self.system_loaded || !self.system_allowed {
            return;
        }
        self.system_loaded = true;
        for (file, bytes) in system_fonts() {
            if self.faces.iter().any(|f| f.path == *file) {
                continue;
            }
            self.add_data(bytes, file, "system");
        }
    }

    pub fn face(&self, id: FaceId) -> &Face {
        &self.faces[id]
    }

    pub fn faces(&self) -> &[Face] {
        &self.faces
    }

    /// The face of a role and script class: the chosen family (`--font`) or
    /// the bundled one when present, else the closest the database offers
    /// for a generic serif or sans.
    pub fn primary(&self, role: Role, class: Class) -> Option<FaceId> {
        let (bundled, bold) = preferred(role, class);
        let family = self
            .families
            .get(&(role, class))
            .map_or(bundled, String::as_str);
        let weight = if bold {
            fontdb::Weight::BOLD
        } else {
            fontdb::Weight::NORMAL
        };
        let generic = match role {
            Role::Body => fontdb::Family::Serif,
            Role::Heading => fontdb::Family::SansSerif,
        };
        let families = [fontdb::Family::Name(family), generic];
        let id = self.db.query(&fontdb::Query {
            families: &families,
            weight,
            stretch: fontdb::Stretch::Normal,
            style: fontdb::Style::Normal,
        })?;
        self.ids.iter().position(|&i| i == id)
    }

    /// The face that sets `c` in `role` for script class `class`: the
    /// primary face if it covers `c`, else the first face of the other class's
    /// primary, the other role's, any loaded face, then the system's.
    pub fn face_for(&mut self, role: Role, class: Class, c: char) -> Result<FaceId, Uncovered> {
        if let Some(found) = self.chosen.get(&(role, class, c)) {
            return found.ok_or(Uncovered { ch: c });
        }
        let found = self
            .primary(role, class)
            .filter(|&id| self.faces[id].covers(c))
            .or_else(|| self.search(role, c))
            .or_else(|| {
                self.load_system();
                self.search(role, c)
            });
        self.chosen.insert((role, class, c), found);
        found.ok_or(Uncovered { ch: c })
    }

    /// The face that sets `c` in `role` for `class` marked up by `marks`: the
    /// primary's family in the italic or bold the marks ask for (code: the
    /// bundled monospaced family), when the database has that face and it
    /// covers `c`; else the face [`FontBook::face_for`] gives, so that a
    /// script without italics (Chinese) keeps its upright face.
    pub fn face_marked(
        &mut self,
        role: Role,
        class: Class,
        marks: Marks,
        c: char,
    ) -> Result<FaceId, Uncovered> {
        if marks == Marks::NONE {
            return self.face_for(role, class, c);
        }
        let key = (role, class, marks);
        let marked = match self.marked.get(&key) {
            Some(found) => *found,
            None => {
                let found = self.marked_face(role, class, marks);
                self.marked.insert(key, found);
                found
            }
        };
        match marked.filter(|&id| self.faces[id].covers(c)) {
            Some(face) => Ok(face),
            None => self.face_for(role, class, c),
        }
    }

    fn marked_face(&self, role: Role, class: Class, marks: Marks) -> Option<FaceId> {
        let primary = self.primary(role, class)?;
        let family = if marks.code {
            CODE_FAMILY.to_string()
        } else {
            self.faces[primary].family.clone()
        };
        let bold = marks.bold || (self.faces[primary].bold && !marks.code);
        let italic = marks.italic && !marks.code;
        let id = self.db.query(&fontdb::Query {
            families: &[fontdb::Family::Name(&family)],
            weight: if bold {
                fontdb::Weight::BOLD
            } else {
                fontdb::Weight::NORMAL
            },
            stretch: fontdb::Stretch::Normal,
            style: if italic {
                fontdb::Style::Italic
            } else {
                fontdb::Style::Normal
            },
        })?;
        let face = self.ids.iter().position(|&i| i == id)?;
        // The nearest face fontdb finds may lack what was asked for: a
        // regular face is no italic.
        let found = &self.faces[face];
        (found.italic == italic && (found.bold || !marks.bold)).then_some(face)
    }

    /// The face for `c` when the primary lacks it: the other class's primary
    /// of the role, the other role's primaries, then any face, preferring one
    /// of the role's weight and upright, in database order.
    fn search(&self, role: Role, c: char) -> Option<FaceId> {
        let other_role = match role {
            Role::Body => Role::Heading,
            Role::Heading => Role::Body,
        };
        let primaries = [
            self.primary(role, Class::Latin),
            self.primary(role, Class::Cjk),
            self.primary(other_role, Class::Latin),
            self.primary(other_role, Class::Cjk),
        ];
        if let Some(found) = primaries
            .into_iter()
            .flatten()
            .find(|&id| self.faces[id].covers(c))
        {
            return Some(found);
        }
        let bold = role == Role::Heading;
        (0..self.faces.len())
            .filter(|&id| self.faces[id].covers(c))
            .min_by_key(|&id| {
                let f = &self.faces[id];
                (f.bold != bold, f.italic, id)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_faces_are_found_and_chosen_per_class() {
        let mut book = FontBook::new(&FontOptions::default()).unwrap();
        let body_latin = book.primary(Role::Body, Class::Latin).unwrap();
        let body_cjk = book.primary(Role::Body, Class::Cjk).unwrap();
        let heading_latin = book.primary(Role::Heading, Class::Latin).unwrap();
        let heading_cjk = book.primary(Role::Heading, Class::Cjk).unwrap();
        assert_eq!(book.face(body_latin).post_script_name, "NotoSerif-Regular");
        assert_eq!(book.face(body_cjk).family, "Noto Serif SC");
        assert_eq!(book.face(heading_latin).post_script_name, "NotoSans-Bold");
        assert_eq!(book.face(heading_cjk).family, "Noto Sans SC");
        assert_eq!(book.face_for(Role::Body, Class::Cjk, '社'), Ok(body_cjk));
        assert_eq!(book.face_for(Role::Body, Class::Latin, 'é'), Ok(body_latin));
    }

    #[test]
    fn marks_choose_italic_bold_and_monospaced_faces_and_chinese_stays_upright() {
        let mut book = FontBook::new(&FontOptions::default()).unwrap();
        let name = |book: &FontBook, id: FaceId| book.face(id).post_script_name.clone();
        let italic = Marks {
            italic: true,
            ..Marks::NONE
        };
        let both = Marks {
            bold: true,
            ..italic
        };
        let code = Marks {
            code: true,
            ..Marks::NONE
        };
        let face = book
            .face_marked(Role::Body, Class::Latin, italic, 'a')
            .unwrap();
        assert_eq!(name(&book, face), "NotoSerif-Italic");
        let face = book
            .face_marked(Role::Body, Class::Latin, both, 'a')
            .unwrap();
        assert_eq!(name(&book, face), "NotoSerif-BoldItalic");
        let face = book
            .face_marked(Role::Body, Class::Latin, code, 'a')
            .unwrap();
        assert_eq!(name(&book, face), "NotoSansMono-Regular");
        let upright = book.face_for(Role::Body, Class::Cjk, '社').unwrap();
        assert_eq!(
            book.face_marked(Role::Body, Class::Cjk, italic, '社'),
            Ok(upright)
        );
    }

    #[test]
    fn the_bundled_faces_come_from_the_binary_and_a_folder_of_copies_adds_none() {
        let book = FontBook::new(&FontOptions::default()).unwrap();
        assert_eq!(book.faces().len(), BUNDLED.len());
        assert!(book.faces().iter().all(|f| f.origin == "bundled"));
        let with_copies = FontBook::new(&FontOptions {
            font_dirs: vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts")],
            ..FontOptions::default()
        })
        .unwrap();
        assert_eq!(with_copies.faces().len(), BUNDLED.len());
    }

    #[test]
    fn an_uncovered_character_is_named_with_its_block() {
        let mut book = FontBook::new(&FontOptions::default()).unwrap();
        let err = book
            .face_for(Role::Body, Class::Latin, '\u{10FFFD}')
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "no font covers '\\u{10fffd}' (U+10FFFD, Supplementary Private Use Area-B)"
        );
    }
}

#[cfg(test)]
mod choice_tests {
    use super::*;

    #[test]
    fn font_choices_name_role_script_and_family() {
        assert_eq!(
            parse_font_choice("body.cjk=Noto Sans SC"),
            Ok(((Role::Body, Class::Cjk), "Noto Sans SC".to_string()))
        );
        for bad in ["body=X", "title.latin=X", "body.greek=X", "heading.latin="] {
            assert!(parse_font_choice(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_chosen_family_sets_its_role_and_a_missing_one_is_an_error() {
        let mut options = FontOptions::default();
        options
            .families
            .insert((Role::Heading, Class::Cjk), "Noto Serif SC".into());
        let book = FontBook::new(&options).expect("the bundled fonts load");
        let face = book.primary(Role::Heading, Class::Cjk).expect("a face");
        assert_eq!(book.face(face).family, "Noto Serif SC");
        options
            .families
            .insert((Role::Body, Class::Latin), "No Such Family".into());
        assert!(FontBook::new(&options).is_err());
    }
}
