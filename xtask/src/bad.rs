//! `cargo xtask bad`: (re)generates the bad-input corpus in `fixtures/bad/`.
//!
//! Every file is made from the good PDFs of `fixtures/corpus/` and `fixtures/brief/`, by
//! hand (hand-written PDFs with a computed xref table, a seeded PRNG), or with `qpdf`
//! (encryption, normalisation). Next to the files go `expectations.json`, what
//! `offprint` must do with each one (read by `tests/bad_inputs.rs`), and a `README.md`
//! listing the same in words.
//!
//! Generation is deterministic: the same bytes every run, except for the two AES-256
//! files, for which qpdf draws a random file key and salts. An existing AES-256 file is
//! kept when it is equivalent to the new one (same encryption parameters and, decrypted,
//! the same content), so rerunning the task leaves the folder unchanged.

use serde::Serialize;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Where the corpus goes, relative to the repository root.
const OUT_DIR: &str = "fixtures/bad";
/// Small sources: a classic-xref PDF (wkhtmltopdf), an xref-stream one (XeLaTeX).
const WKHTML: &str = "fixtures/corpus/faker-fr-es-bulletin.wkhtml.pdf";
const XELATEX: &str = "fixtures/corpus/faker-fr-es-bulletin.xelatex.pdf";
const BRIEF_XELATEX: &str = "fixtures/brief/brief.xelatex.pdf";
const BRIEF_TEXT: &str = "fixtures/brief/brief.extracted.txt";
/// The whole corpus must stay below this many bytes.
const SIZE_BUDGET: u64 = 1_500_000;
/// Words the cleaned sources contain.
const BULLETIN_WORDS: &str = "Prévoir geste renoncer";
const BRIEF_WORDS: &str = "Communist Party of China";
const PAGE_ONE_WORDS: &str = "This first page reads fine.";

/// What `offprint` must do with one file, run one way. Read by `tests/bad_inputs.rs`.
#[derive(Debug, Clone, Serialize)]
struct Expectation {
    /// File name inside `fixtures/bad/`.
    file: &'static str,
    /// `clean` (run as `clean FILE --to md -o OUT`) or `extract` (`extract FILE -o OUT`).
    command: &'static str,
    /// Further arguments, e.g. `["--password", "user"]`.
    args: Vec<&'static str>,
    /// The exit code: 0, or 1 with exactly one `offprint: error: FILE: ...` line.
    exit: i32,
    /// Substrings stderr must contain.
    stderr_contains: Vec<&'static str>,
    /// Exit 0 only: whether at least one `offprint: warning:` line is required.
    warning: bool,
    /// Exit 0 only: substrings the (non-empty) output must contain.
    output_contains: Vec<&'static str>,
    /// Why, in words (also the README's text).
    why: &'static str,
}

impl Expectation {
    fn fails(
        file: &'static str,
        command: &'static str,
        args: &[&'static str],
        stderr_contains: &[&'static str],
        why: &'static str,
    ) -> Expectation {
        Expectation {
            file,
            command,
            args: args.to_vec(),
            exit: 1,
            stderr_contains: stderr_contains.to_vec(),
            warning: false,
            output_contains: Vec::new(),
            why,
        }
    }

    fn converts(
        file: &'static str,
        command: &'static str,
        args: &[&'static str],
        output_contains: &[&'static str],
        why: &'static str,
    ) -> Expectation {
        Expectation {
            file,
            command,
            args: args.to_vec(),
            exit: 0,
            stderr_contains: Vec::new(),
            warning: false,
            output_contains: output_contains.to_vec(),
            why,
        }
    }
}

/// One generated file.
struct Fixture {
    name: &'static str,
    bytes: Vec<u8>,
    /// How it was made, for the README.
    made: String,
    /// For files qpdf cannot make reproducibly: the password that opens them, so an
    /// existing copy can be compared by content instead of by bytes.
    equivalent_with: Option<&'static str>,
}

pub fn run(mut args: impl Iterator<Item = String>) -> Result<(), String> {
    if let Some(arg) = args.next() {
        return Err(format!("bad: unexpected argument {arg:?}"));
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .ok_or("xtask has no parent directory")?
        .to_path_buf();
    let qpdf = Qpdf::find()?;
    let staging = root.join("target").join("xtask-bad");
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging).map_err(|e| format!("{}: {e}", staging.display()))?;
    let result = generate(&root, &qpdf, &staging).and_then(|fixtures| {
        let expectations = expectations();
        check_coverage(&fixtures, &expectations)?;
        install(&root, &qpdf, &staging, &fixtures, &expectations)
    });
    let _ = std::fs::remove_dir_all(&staging);
    result
}

fn generate(root: &Path, qpdf: &Qpdf, staging: &Path) -> Result<Vec<Fixture>, String> {
    let read = |rel: &str| std::fs::read(root.join(rel)).map_err(|e| format!("{rel}: {e}"));
    let wkhtml = read(WKHTML)?;
    let xelatex_path = root.join(XELATEX);
    let brief_xelatex = read(BRIEF_XELATEX)?;
    let mut fixtures = Vec::new();
    let mut add = |name, bytes, made: String| {
        fixtures.push(Fixture {
            name,
            bytes,
            made,
            equivalent_with: None,
        })
    };

    add("empty.pdf", Vec::new(), "zero bytes".into());

    for (name, percent) in [
        ("truncated-10pct.pdf", 10),
        ("truncated-50pct.pdf", 50),
        ("truncated-90pct.pdf", 90),
    ] {
        let cut = wkhtml.len() * percent / 100;
        add(
            name,
            wkhtml[..cut].to_vec(),
            format!("first {percent}% ({cut} bytes) of `{WKHTML}`"),
        );
    }
    let eof = rfind(&brief_xelatex, b"%%EOF").ok_or(format!("{BRIEF_XELATEX}: no %%EOF"))?;
    add(
        "truncated-before-eof.pdf",
        brief_xelatex[..eof].to_vec(),
        format!("`{BRIEF_XELATEX}` cut just before its final `%%EOF` (xref stream and `startxref` intact)"),
    );

    let random = random_bytes(0x6f66_6670_7269_6e74, 4096);
    if looks_like_pdf(&random) || std::str::from_utf8(&random).is_ok() {
        return Err("the random bytes look like a PDF or UTF-8; change the seed".into());
    }
    add(
        "random.pdf",
        random.clone(),
        "4096 bytes of a seeded splitmix64 stream".into(),
    );
    let mut after_header = b"%PDF-1.7\n".to_vec();
    after_header.extend_from_slice(&random);
    add(
        "random-after-header.pdf",
        after_header,
        "`%PDF-1.7` and a newline, then the same 4096 random bytes".into(),
    );

    add(
        "no-text-layer.pdf",
        rectangle_only_pdf(),
        "hand-written one-page PDF that only fills a rectangle (no fonts, no text)".into(),
    );

    add(
        "unreadable-page.pdf",
        unreadable_page_pdf(),
        "hand-written two-page PDF: page 1 is fine, page 2 sets a font (`/F9`) its resources lack"
            .into(),
    );

    // MediaBox: normalise with qpdf (no object streams, so every page dictionary is plain
    // text), then blank each /MediaBox entry with spaces of the same length: the xref
    // offsets stay right.
    let flat = staging.join("flat.pdf");
    qpdf.run(&[
        "--static-id".as_ref(),
        "--object-streams=disable".as_ref(),
        root.join(WKHTML).as_os_str(),
        flat.as_os_str(),
    ])?;
    let flat = std::fs::read(&flat).map_err(|e| format!("{}: {e}", flat.display()))?;
    let (no_media_box, blanked) = blank_media_boxes(&flat);
    if blanked == 0 {
        return Err(format!("{WKHTML}: no /MediaBox found to remove"));
    }
    add(
        "no-mediabox.pdf",
        no_media_box,
        format!("`{WKHTML}` through `qpdf --object-streams=disable`, its {blanked} `/MediaBox` entries overwritten with spaces"),
    );

    // Encryption. AES-256 is never byte-reproducible (random key and salts).
    let encrypted = |out: &str, extra: &[&str], tail: &[&str]| -> Result<Vec<u8>, String> {
        let path = staging.join(out);
        let mut args: Vec<&OsStr> = vec!["--static-id".as_ref()];
        args.extend(extra.iter().map(OsStr::new));
        args.push("--encrypt".as_ref());
        args.extend(tail.iter().map(OsStr::new));
        args.push("--".as_ref());
        args.push(xelatex_path.as_os_str());
        args.push(path.as_os_str());
        qpdf.run(&args)?;
        std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))
    };
    let mut add_encrypted = |name, bytes, made: String, equivalent_with| {
        fixtures.push(Fixture {
            name,
            bytes,
            made,
            equivalent_with,
        })
    };
    add_encrypted(
        "encrypted-user-password.pdf",
        encrypted("user.pdf", &[], &["user", "owner", "256"])?,
        format!("`qpdf --encrypt user owner 256` of `{XELATEX}` (AES-256; user password `user`, owner password `owner`)"),
        Some("user"),
    );
    add_encrypted(
        "encrypted-owner-only.pdf",
        encrypted("owner.pdf", &[], &["", "owner", "256"])?,
        format!("`qpdf --encrypt '' owner 256` of `{XELATEX}` (AES-256; empty user password, owner password `owner`)"),
        Some(""),
    );
    add_encrypted(
        "encrypted-rc4-128.pdf",
        encrypted(
            "rc4.pdf",
            &["--allow-weak-crypto"],
            &["user", "owner", "128", "--use-aes=n"],
        )?,
        format!("`qpdf --allow-weak-crypto --encrypt user owner 128 --use-aes=n` of `{XELATEX}` (RC4-128; user password `user`)"),
        None,
    );

    fixtures.push(Fixture {
        name: "latin1.txt",
        bytes: b"R\xe9sum\xe9 of the annual report\n\nThe caf\xe9 opened in F\xe9vrier.\n".to_vec(),
        made: "a short text in ISO 8859-1 (`é` is the single byte 0xE9), so not UTF-8".into(),
        equivalent_with: None,
    });
    fixtures.push(Fixture {
        name: "blank-pages.txt",
        bytes: b"\x0c  \x0c\t\n\x0c \r\n\n\x0c   \x0c".to_vec(),
        made: "five form feeds with spaces, tabs and line ends between them: six blank pages"
            .into(),
        equivalent_with: None,
    });
    fixtures.push(Fixture {
        name: "plain-text-named.pdf",
        bytes: read(BRIEF_TEXT)?,
        made: format!(
            "a copy of `{BRIEF_TEXT}` (UTF-8 text, no `%PDF-` header) under a `.pdf` name"
        ),
        equivalent_with: None,
    });

    // The hand-made PDFs must be sound PDFs apart from the one defect they carry.
    for name in [
        "no-text-layer.pdf",
        "unreadable-page.pdf",
        "no-mediabox.pdf",
    ] {
        let fixture = fixtures
            .iter()
            .find(|f| f.name == name)
            .expect("made above");
        let path = staging.join(name);
        std::fs::write(&path, &fixture.bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        qpdf.run(&["--check".as_ref(), path.as_os_str()])
            .map_err(|e| format!("{name} is not a sound PDF: {e}"))?;
    }
    Ok(fixtures)
}

fn expectations() -> Vec<Expectation> {
    use Expectation as E;
    const NOT_PDF: &[&str] = &["not a readable PDF"];
    vec![
        E::fails("empty.pdf", "clean", &[], &["empty"],
            "an empty input is an error, not an empty document"),
        E::fails("empty.pdf", "extract", &[], &["empty"],
            "an empty input is an error, not an empty document"),
        E::fails("truncated-10pct.pdf", "clean", &[], NOT_PDF,
            "no cross-reference table, no trailer: not readable"),
        E::fails("truncated-50pct.pdf", "clean", &[], NOT_PDF,
            "no cross-reference table, no trailer: not readable"),
        E::fails("truncated-50pct.pdf", "extract", &[], NOT_PDF,
            "no cross-reference table, no trailer: not readable"),
        E::fails("truncated-90pct.pdf", "clean", &[], NOT_PDF,
            "no cross-reference table, no trailer: not readable"),
        E::converts("truncated-before-eof.pdf", "clean", &[], &[BRIEF_WORDS],
            "only the `%%EOF` marker is missing; every object, the xref and `startxref` are there (pdftotext and qpdf read it without complaint)"),
        E::fails("random.pdf", "clean", &[], &["not a PDF (starts with the bytes"],
            "no `%PDF-` header under a `.pdf` name: the error shows how it starts"),
        E::fails("random-after-header.pdf", "clean", &[], NOT_PDF,
            "a PDF header followed by garbage"),
        E::fails("random-after-header.pdf", "extract", &[], NOT_PDF,
            "a PDF header followed by garbage"),
        E::fails("encrypted-user-password.pdf", "clean", &[], &["encrypted", "--password"],
            "needs its user password"),
        E::fails("encrypted-user-password.pdf", "extract", &[], &["encrypted", "--password"],
            "needs its user password"),
        E::converts("encrypted-user-password.pdf", "clean", &["--password", "user"], &[BULLETIN_WORDS],
            "opens with the user password"),
        E::converts("encrypted-user-password.pdf", "extract", &["--password", "user"], &["Prévoir"],
            "opens with the user password"),
        E::converts("encrypted-user-password.pdf", "clean", &["--password", "owner"], &[BULLETIN_WORDS],
            "AES-256 files open with the owner password too"),
        E::fails("encrypted-user-password.pdf", "clean", &["--password", "nope"], &["wrong password"],
            "a wrong password is named as such"),
        E::converts("encrypted-owner-only.pdf", "clean", &[], &[BULLETIN_WORDS],
            "an empty user password opens without --password"),
        E::fails("encrypted-rc4-128.pdf", "clean", &[], &["encrypted", "--password"],
            "needs its user password"),
        E::converts("encrypted-rc4-128.pdf", "clean", &["--password", "user"], &[BULLETIN_WORDS],
            "opens with the user password"),
        E::converts("no-mediabox.pdf", "clean", &[], &[BULLETIN_WORDS],
            "a missing /MediaBox is substituted (US Letter), not fatal"),
        E::converts("no-mediabox.pdf", "extract", &[], &["Prévoir"],
            "a missing /MediaBox is substituted (US Letter), not fatal"),
        E::fails("no-text-layer.pdf", "clean", &[], &["no extractable text"],
            "a page with only a drawing has no text to clean (a scan looks like this)"),
        E::fails("no-text-layer.pdf", "extract", &[], &["no extractable text"],
            "a page with only a drawing has no text to extract"),
        E {
            warning: true,
            ..E::converts("unreadable-page.pdf", "clean", &[], &[PAGE_ONE_WORDS],
                "page 2 cannot be read: a warning names it, page 1 is converted")
        },
        E {
            warning: true,
            ..E::converts("unreadable-page.pdf", "extract", &[], &[PAGE_ONE_WORDS],
                "page 2 cannot be read: a warning names it, page 1 is extracted")
        },
        E::fails("latin1.txt", "clean", &[], &["not valid UTF-8", "offset 1"],
            "text input must be UTF-8; the first bad byte is at offset 1"),
        E::fails("latin1.txt", "extract", &[], &["not valid UTF-8"],
            "text input must be UTF-8"),
        E::fails("blank-pages.txt", "clean", &[], &["no", "text"],
            "only blank pages: no text, which is an error as for a PDF without text, not an empty document"),
        E::fails("plain-text-named.pdf", "clean", &[], &["not a PDF (starts with `"],
            "text under a `.pdf` name is a mistake (a saved web page, a renamed file): the error quotes how it starts"),
    ]
}

/// Every file has at least a `clean` expectation, and every expectation a file.
fn check_coverage(fixtures: &[Fixture], expectations: &[Expectation]) -> Result<(), String> {
    for fixture in fixtures {
        if !expectations
            .iter()
            .any(|e| e.file == fixture.name && e.command == "clean")
        {
            return Err(format!("{}: no `clean` expectation", fixture.name));
        }
    }
    for e in expectations {
        if !fixtures.iter().any(|f| f.name == e.file) {
            return Err(format!("expectation for {} but no such fixture", e.file));
        }
    }
    Ok(())
}

/// Moves the files into `fixtures/bad/`, leaving unchanged (or, for AES-256,
/// equivalent) files alone, removing files the corpus no longer has, and writes
/// `expectations.json` and `README.md`.
fn install(
    root: &Path,
    qpdf: &Qpdf,
    staging: &Path,
    fixtures: &[Fixture],
    expectations: &[Expectation],
) -> Result<(), String> {
    let out = root.join(OUT_DIR);
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let mut json = serde_json::to_string_pretty(expectations).map_err(|e| e.to_string())?;
    json.push('\n');
    let readme = readme(fixtures, expectations);

    let mut files: Vec<(&str, &[u8], Option<&str>)> = fixtures
        .iter()
        .map(|f| (f.name, f.bytes.as_slice(), f.equivalent_with))
        .collect();
    files.push(("expectations.json", json.as_bytes(), None));
    files.push(("README.md", readme.as_bytes(), None));

    let (mut written, mut kept) = (0, 0);
    for (name, bytes, password) in &files {
        let target = out.join(name);
        let old = std::fs::read(&target).ok();
        let same = match (&old, password) {
            (Some(old), _) if old == bytes => true,
            (Some(_), Some(password)) => {
                let new = staging.join(format!("new-{name}"));
                std::fs::write(&new, bytes).map_err(|e| format!("{}: {e}", new.display()))?;
                qpdf.equivalent(&target, &new, password)?
            }
            _ => false,
        };
        if same {
            kept += 1;
        } else {
            write_replacing(&target, bytes)?;
            written += 1;
        }
    }

    let mut removed = Vec::new();
    for entry in std::fs::read_dir(&out).map_err(|e| format!("{}: {e}", out.display()))? {
        let entry = entry.map_err(|e| e.to_string())?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().is_file() && !files.iter().any(|(n, _, _)| *n == name) {
            std::fs::remove_file(entry.path()).map_err(|e| format!("{name}: {e}"))?;
            removed.push(name);
        }
    }

    let total: u64 = files.iter().map(|(_, b, _)| b.len() as u64).sum();
    for (name, _, _) in &files {
        let size = std::fs::metadata(out.join(name)).map_or(0, |m| m.len());
        eprintln!("bad: {size:>7}  {OUT_DIR}/{name}");
    }
    eprintln!(
        "bad: {} files, {total} bytes; {written} written, {kept} unchanged{}",
        files.len(),
        if removed.is_empty() {
            String::new()
        } else {
            format!(", removed {}", removed.join(", "))
        }
    );
    if total >= SIZE_BUDGET {
        return Err(format!(
            "the corpus is {total} bytes, over the {SIZE_BUDGET}-byte budget"
        ));
    }
    Ok(())
}

/// Writes through a temporary file and a rename.
fn write_replacing(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let name = path.file_name().ok_or("no file name")?.to_string_lossy();
    let temp = path.with_file_name(format!(".{name}.xtask-{}.tmp", std::process::id()));
    std::fs::write(&temp, bytes)
        .and_then(|()| std::fs::rename(&temp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&temp);
            format!("{}: {e}", path.display())
        })
}

fn readme(fixtures: &[Fixture], expectations: &[Expectation]) -> String {
    let mut out = String::from(
        "# Bad inputs\n\n\
         Generated by `cargo xtask bad` (from `xtask/src/bad.rs`); do not edit by hand.\n\
         `tests/bad_inputs.rs` runs `offprint` on every file as listed in `expectations.json`:\n\
         `clean FILE --to md -o OUT` or `extract FILE -o OUT`, plus the arguments shown.\n\n\
         Always, whatever the file: exit code 0 or 1 (never 101, a panic, nor a signal); on exit 1\n\
         stderr is exactly one line, `offprint: error: FILE: REASON`, and no output file (nor\n\
         temporary file) is left behind; on exit 0 stderr holds only `offprint: warning:` lines\n\
         and the output is not empty.\n\n\
         The bytes are the same every run, except the AES-256 files (qpdf draws a random key\n\
         and salts): an existing one is kept when it decrypts to the same content.\n\n\
         | file | bytes | what it is |\n|---|---:|---|\n",
    );
    for f in fixtures {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            f.name,
            f.bytes.len(),
            f.made
        ));
    }
    out.push_str(
        "\n## What offprint must do\n\n| file | run | expected | why |\n|---|---|---|---|\n",
    );
    for e in expectations {
        let mut run = e.command.to_string();
        for arg in &e.args {
            run.push(' ');
            run.push_str(arg);
        }
        let expected = if e.exit == 0 {
            let mut s = "exit 0".to_string();
            if e.warning {
                s.push_str(", a warning");
            }
            for w in &e.output_contains {
                s.push_str(&format!(", output has “{w}”"));
            }
            s
        } else {
            let words: Vec<String> = e.stderr_contains.iter().map(|w| format!("“{w}”")).collect();
            format!("exit {}, reason has {}", e.exit, words.join(", "))
        };
        out.push_str(&format!(
            "| `{}` | `{run}` | {expected} | {} |\n",
            e.file, e.why
        ));
    }
    out
}

// ---------------------------------------------------------------------------------------
// Bytes
// ---------------------------------------------------------------------------------------

/// splitmix64: a tiny, well-mixed PRNG; the seed fixes the stream.
fn random_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        out.extend_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    out.truncate(len);
    out
}

/// offprint's test for a PDF: `%PDF-` in the first kilobyte.
fn looks_like_pdf(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(1024)]
        .windows(5)
        .any(|w| w == b"%PDF-")
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// Replaces every `/MediaBox [ ... ]` with as many spaces; returns the count.
fn blank_media_boxes(pdf: &[u8]) -> (Vec<u8>, usize) {
    let mut out = pdf.to_vec();
    let mut count = 0;
    let mut from = 0;
    while let Some(at) = find(&out[from..], b"/MediaBox").map(|k| k + from) {
        let rest = &out[at + b"/MediaBox".len()..];
        let open = rest.iter().position(|&b| !b" \r\n\t".contains(&b));
        let Some(close) = (match open {
            Some(o) if rest[o] == b'[' => rest.iter().position(|&b| b == b']'),
            _ => None,
        }) else {
            from = at + 1;
            continue;
        };
        let end = at + b"/MediaBox".len() + close + 1;
        out[at..end].fill(b' ');
        count += 1;
        from = end;
    }
    (out, count)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A one-page PDF whose only content is a filled rectangle.
fn rectangle_only_pdf() -> Vec<u8> {
    let content = b"0.2 0.4 0.8 rg\n72 560 300 200 re\nf\n";
    let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
    stream.extend_from_slice(content);
    stream.extend_from_slice(b"endstream");
    write_pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> /Contents 4 0 R >>"
            .to_vec(),
        stream,
    ])
}

/// Two pages in Helvetica; the second sets `/F9`, which its resources do not have.
fn unreadable_page_pdf() -> Vec<u8> {
    let stream = |content: &str| {
        format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len() + 1
        )
        .into_bytes()
    };
    write_pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 /MediaBox [0 0 595 842] \
           /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_vec(),
        b"<< /Type /Page /Parent 2 0 R /Contents 6 0 R >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /Contents 7 0 R >>".to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_vec(),
        stream(&format!("BT /F1 12 Tf 72 760 Td ({PAGE_ONE_WORDS}) Tj ET")),
        stream("BT /F9 12 Tf 72 760 Td (This second page names a font it does not have.) Tj ET"),
    ])
}

/// Numbers `objects` from 1 (the first is the catalog) and writes them with a
/// correct cross-reference table.
pub(crate) fn write_pdf(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (index, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", index + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n", objects.len() + 1).as_bytes());
    out.extend_from_slice(b"0000000000 65535 f \n");
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

// ---------------------------------------------------------------------------------------
// qpdf
// ---------------------------------------------------------------------------------------

struct Qpdf(PathBuf);

impl Qpdf {
    fn find() -> Result<Qpdf, String> {
        let qpdf = PathBuf::from(std::env::var_os("QPDF").unwrap_or_else(|| "qpdf".into()));
        match Command::new(&qpdf).arg("--version").output() {
            Ok(out) if out.status.success() => Ok(Qpdf(qpdf)),
            _ => Err("qpdf not found (install it: apt-get install -y qpdf)".into()),
        }
    }

    /// Runs qpdf; exit 3 (succeeded with warnings) counts as success.
    fn run(&self, args: &[&OsStr]) -> Result<Vec<u8>, String> {
        let out = Command::new(&self.0)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run qpdf: {e}"))?;
        match out.status.code() {
            Some(0) | Some(3) => Ok(out.stdout),
            _ => Err(format!(
                "qpdf {} failed: {}",
                args.iter()
                    .map(|a| a.to_string_lossy())
                    .collect::<Vec<_>>()
                    .join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            )),
        }
    }

    /// Whether two encrypted files have the same encryption and, decrypted, the same bytes.
    fn equivalent(&self, a: &Path, b: &Path, password: &str) -> Result<bool, String> {
        let password = format!("--password={password}");
        let view = |file: &Path| -> Result<(Vec<u8>, Vec<u8>), String> {
            let show = self.run(&[
                "--show-encryption".as_ref(),
                password.as_ref(),
                file.as_os_str(),
            ])?;
            let plain = self.run(&[
                "--decrypt".as_ref(),
                "--static-id".as_ref(),
                password.as_ref(),
                file.as_os_str(),
                "-".as_ref(),
            ])?;
            Ok((show, plain))
        };
        // An old file qpdf cannot open is simply replaced.
        Ok(match (view(a), view(b)?) {
            (Ok(old), new) => old == new,
            (Err(_), _) => false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_bytes_are_fixed_by_the_seed() {
        assert_eq!(random_bytes(1, 64), random_bytes(1, 64));
        assert_ne!(random_bytes(1, 64), random_bytes(2, 64));
        assert_eq!(random_bytes(7, 13).len(), 13);
    }

    #[test]
    fn xref_offsets_point_at_the_objects() {
        let pdf = rectangle_only_pdf();
        let xref = rfind(&pdf, b"\nxref\n").unwrap() + 1;
        let table = String::from_utf8(pdf[xref..].to_vec()).unwrap();
        let entries: Vec<usize> = table
            .lines()
            .skip(3)
            .take(4)
            .map(|l| l[..10].parse().unwrap())
            .collect();
        for (index, offset) in entries.into_iter().enumerate() {
            let object = format!("{} 0 obj", index + 1);
            assert!(pdf[offset..].starts_with(object.as_bytes()), "{object}");
        }
        let start = table.split("startxref\n").nth(1).unwrap();
        assert_eq!(
            start.lines().next().unwrap().parse::<usize>().unwrap(),
            xref
        );
    }

    #[test]
    fn media_boxes_are_blanked_in_place() {
        let pdf = b"<< /MediaBox [0 0 1 1] /X 1 >> << /MediaBox\n[ 0 0 2 2 ] >>";
        let (out, count) = blank_media_boxes(pdf);
        assert_eq!(count, 2);
        assert_eq!(out.len(), pdf.len());
        assert!(find(&out, b"MediaBox").is_none());
        assert!(find(&out, b"/X 1").is_some());
    }
}
