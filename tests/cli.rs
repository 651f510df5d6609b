//! The `offprint` command as a user runs it.

mod common;

use common::{offprint, stderr, BRIEF};
use std::path::{Path, PathBuf};
use std::process::Stdio;

fn scratch(name: &str) -> PathBuf {
    common::scratch("cli", name)
}

#[test]
fn brief_cleans_to_the_expected_markdown_byte_for_byte() {
    let out = offprint(&["clean", BRIEF, "--to", "md"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let expected = std::fs::read_to_string("fixtures/brief/brief.expected.md").unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), expected);
}

#[test]
fn report_lists_the_page_number_joins_and_kept_hyphen() {
    let dir = scratch("report");
    let report = dir.join("edits.json");
    let out = offprint(&[
        "clean",
        BRIEF,
        "-o",
        dir.join("b.md").to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let edits = report["edits"].as_array().unwrap();
    let of = |kind: &'static str| edits.iter().filter(move |e| e["kind"] == kind);
    let page_numbers: Vec<_> = of("page-number").collect();
    assert_eq!(page_numbers.len(), 1);
    assert_eq!(page_numbers[0]["before"], "2");
    assert_eq!(page_numbers[0]["line"], 29);
    let kept: Vec<_> = of("hyphen-kept").collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0]["after"], "non-state");
    assert_eq!(kept[0]["line"], 162);
    assert!(of("line-join").count() > 50);
    assert!(of("line-join").all(|e| e["line"].as_u64().unwrap() > 0));
    assert_eq!(of("section-label").count(), 3);
    assert_eq!(report["counts"]["page-number"], 1);
}

#[test]
fn json_and_text_exports() {
    let out = offprint(&["clean", BRIEF, "--to", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["format"], "offprint-document");
    assert_eq!(json["version"], offprint::model::FORMAT_VERSION);
    assert_eq!(json["meta"]["date"], "2024-07-04");
    assert_eq!(
        json["meta"]["languages"],
        serde_json::json!(["en", "zh", "fr", "es"])
    );
    assert_eq!(json["meta"]["source"]["file_name"], "brief.extracted.txt");
    assert_eq!(json["sections"][1]["label"], "Chinese");
    let first = &json["sections"][0]["blocks"][0];
    assert_eq!(first["type"], "paragraph");
    assert_eq!(first["provenance"]["spans"][0]["first_line"], 1);

    let out = offprint(&["clean", BRIEF, "--to", "txt"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("\n\nExecutive Summary\n\n1. In the past 15 years"));
    assert!(!text.contains(":::"));
}

#[test]
fn standard_input_is_read_from_dash() {
    let mut child = common::command(&["clean", "-", "--to", "txt"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"A line that wraps\nhere.\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "A line that wraps here.\n"
    );
}

#[test]
fn invalid_utf8_is_a_one_line_error_naming_file_and_offset() {
    let dir = scratch("utf8");
    let bad = dir.join("bad.txt");
    std::fs::write(&bad, b"good text\n\xff\xfe more").unwrap();
    let target = dir.join("out.md");
    let out = offprint(&[
        "clean",
        bad.to_str().unwrap(),
        "-o",
        target.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("offprint: error: "), "{err}");
    assert!(
        err.contains("bad.txt") && err.contains("offset 10"),
        "{err}"
    );
    assert!(!target.exists());
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        1,
        "no partial output"
    );
}

#[test]
fn missing_file_and_directory_fail_with_exit_1() {
    for input in ["no-such-file.txt", "fixtures"] {
        let out = offprint(&["clean", input]);
        assert_eq!(out.status.code(), Some(1));
        assert!(stderr(&out).starts_with(&format!("offprint: error: {input}: ")));
    }
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(offprint(&["clean"]).status.code(), Some(2));
    assert_eq!(
        offprint(&["clean", BRIEF, "--to", "docx"]).status.code(),
        Some(2)
    );
    assert_eq!(offprint(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn usage_errors_are_one_offprint_line_then_hints() {
    for args in [
        &["convert", BRIEF, "--shard", "0/3"][..],
        &["convert", BRIEF, "--time-limit", "-1"],
        &["convert"],
        &["frobnicate"],
    ] {
        let out = offprint(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let text = stderr(&out);
        let mut lines = text.lines();
        let first = lines.next().unwrap_or_default();
        assert!(first.starts_with("offprint: error: "), "{args:?}: {text}");
        assert!(
            lines.all(|hint| hint.starts_with("  ")),
            "{args:?}: only indented hints may follow the error: {text}"
        );
    }
    let negative = stderr(&offprint(&["convert", BRIEF, "--time-limit", "-1"]));
    assert!(
        negative.contains("--time-limit: must be a positive number"),
        "{negative}"
    );
    assert!(offprint(&["--help"]).status.success());
}

#[test]
fn a_font_folder_that_is_not_there_is_an_error_naming_it() {
    let dir = scratch("fonts-missing");
    let missing = dir.join("no-such-fonts");
    let out_dir = dir.join("out");
    let out = common::command(&["convert", BRIEF, "--out", out_dir.to_str().unwrap()])
        .env("OFFPRINT_FONTS", &missing)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains(&format!("{}: OFFPRINT_FONTS", missing.display())));
    assert!(!out_dir.exists(), "nothing is written");

    // A folder with no fonts adds none; the bundled ones are in the binary.
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let out = common::command(&["fonts", "--no-system-fonts"])
        .env("OFFPRINT_FONTS", &empty)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Noto Serif SC Regular (bundled)"), "{text}");
}

/// A fontconfig file that sees no fonts at all: a folder that is empty (with no
/// folder named, fontdb would fall back to /usr/share/fonts).
fn fontconfig_seeing_nothing(dir: &Path) -> PathBuf {
    let fonts = dir.join("no-fonts");
    std::fs::create_dir_all(&fonts).unwrap();
    let conf = dir.join("fonts.conf");
    std::fs::write(
        &conf,
        format!(
            "<?xml version=\"1.0\"?>\n<fontconfig><dir>{}</dir></fontconfig>\n",
            fonts.display()
        ),
    )
    .unwrap();
    conf
}

#[test]
fn a_binary_copied_alone_to_a_machine_without_fonts_makes_the_same_editions() {
    let dir = scratch("copied-binary");
    let alone = dir.join("bin");
    std::fs::create_dir_all(&alone).unwrap();
    let binary = alone.join("offprint");
    std::fs::copy(env!("CARGO_BIN_EXE_offprint"), &binary).unwrap();
    std::fs::copy(Path::new(common::ROOT).join(BRIEF), dir.join("brief.txt")).unwrap();
    let formats = "pdf,docx,epub,md,json,txt";
    let copied = std::process::Command::new(&binary)
        .args(["convert", "brief.txt", "--to", formats, "--out", "copied"])
        .current_dir(&dir)
        .env_clear()
        .env("HOME", &dir)
        .env("FONTCONFIG_FILE", fontconfig_seeing_nothing(&dir))
        // Adds faces, never replaces the bundled ones (an empty folder adds none).
        .env("OFFPRINT_FONTS", dir.join("no-fonts"))
        .output()
        .unwrap();
    assert!(copied.status.success(), "{}", stderr(&copied));
    let built = common::command(&["convert", "brief.txt", "--to", formats, "--out", "built"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(built.status.success(), "{}", stderr(&built));
    let made = common::names(&dir.join("copied"));
    assert_eq!(made, common::names(&dir.join("built")));
    assert!(made.contains(&"brief.zh.pdf".to_string()), "{made:?}");
    for name in &made {
        let copied = std::fs::read(dir.join("copied").join(name)).unwrap();
        let built = std::fs::read(dir.join("built").join(name)).unwrap();
        assert!(copied == built, "{name} differs from the source tree's");
    }
    let pdf = std::fs::read(dir.join("copied/brief.pdf")).unwrap();
    for face in ["NotoSerif-Regular", "NotoSerifSC-Regular", "NotoSans-Bold"] {
        assert!(
            pdf.windows(face.len() + 1)
                .any(|w| w[0] == b'+' && &w[1..] == face.as_bytes()),
            "{face} is embedded as a subset"
        );
    }
}

#[test]
fn never_writes_over_an_input() {
    let dir = scratch("overwrite");
    let input = dir.join("in.txt");
    std::fs::write(&input, "Some text.\n").unwrap();
    let out = offprint(&[
        "clean",
        input.to_str().unwrap(),
        "-o",
        input.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("is also an input"));
    assert_eq!(std::fs::read_to_string(&input).unwrap(), "Some text.\n");
    // Nor through a symbolic link: outputs follow links to their target.
    #[cfg(unix)]
    {
        let link = dir.join("out.md");
        std::os::unix::fs::symlink(&input, &link).unwrap();
        let out = offprint(&[
            "clean",
            input.to_str().unwrap(),
            "-o",
            link.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(stderr(&out).contains("is also an input"));
        assert_eq!(std::fs::read_to_string(&input).unwrap(), "Some text.\n");
    }
}

#[test]
fn help_shows_examples() {
    let out = offprint(&["clean", "--help"]);
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(help.contains("Examples:") && help.contains("--report"));
    assert!(Path::new(BRIEF).exists());
}

#[test]
fn convert_reads_the_markdown_clean_writes_and_gives_it_back() {
    let dir = scratch("convert-md");
    let out = offprint(&[
        "convert",
        "fixtures/brief/brief.expected.md",
        "--to",
        "md",
        "--edition",
        "combined",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let written = std::fs::read_to_string(dir.join("brief.expected.md")).unwrap();
    let expected = std::fs::read_to_string("fixtures/brief/brief.expected.md").unwrap();
    assert_eq!(written, expected);
}

#[test]
fn a_document_cleaning_empties_is_an_error_not_an_empty_edition() {
    let dir = scratch("emptied");
    let input = dir.join("folios.txt");
    std::fs::write(&input, "1\n\x0c2\n\x0c3\n").unwrap();
    let md = dir.join("folios.md");
    let out = offprint(&["clean", input.to_str().unwrap(), "-o", md.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cleaning took out every line"),
        "{}",
        stderr(&out)
    );
    assert!(!md.exists());
    let out = offprint(&[
        "convert",
        input.to_str().unwrap(),
        "--out",
        dir.join("editions").to_str().unwrap(),
        "--to",
        "md",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(!dir.join("editions").join("folios.md").exists());
}

/// Runs offprint and gives its standard output, which must be a success.
fn stdout_of(args: &[&str]) -> Vec<u8> {
    let out = offprint(args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    out.stdout
}

#[test]
fn convert_o_writes_one_edition_in_the_format_of_its_extension() {
    let dir = scratch("convert-o");
    let path = |name: &str| dir.join(name).to_str().unwrap().to_string();
    // The combined edition, as a batch makes it.
    common::convert_brief(&dir.join("all"), &["-t", "pdf,md", "--edition", "combined"]);
    stdout_of(&["convert", BRIEF, "-o", &path("one.pdf")]);
    let batch_pdf = std::fs::read(dir.join("all/brief.extracted.pdf")).unwrap();
    assert!(std::fs::read(dir.join("one.pdf")).unwrap() == batch_pdf);
    // `-o -` is standard output, the format named by -t.
    let markdown = stdout_of(&["convert", BRIEF, "-o", "-", "-t", "md"]);
    assert_eq!(
        markdown,
        std::fs::read(dir.join("all/brief.extracted.md")).unwrap()
    );
    // One language edition, and the report of the edits beside it.
    stdout_of(&[
        "convert",
        BRIEF,
        "-o",
        &path("zh.epub"),
        "--edition",
        "zh",
        "--report",
        &path("edits.json"),
    ]);
    assert!(std::fs::read(dir.join("zh.epub"))
        .unwrap()
        .starts_with(b"PK"));
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("edits.json")).unwrap()).unwrap();
    assert_eq!(report["format"], "offprint-report");
    assert!(report["edits"].as_array().is_some_and(|e| !e.is_empty()));

    let refused = |args: &[&str], code: i32, says: &str| {
        let out = offprint(args);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    };
    refused(
        &["convert", BRIEF, "-o", "-"],
        2,
        "name the format to write with -t",
    );
    refused(
        &["convert", BRIEF, "-o", &path("x.bin")],
        2,
        "no format has this extension",
    );
    refused(
        &["convert", BRIEF, BRIEF, "-o", &path("x.pdf")],
        2,
        "for several inputs, use --out DIR",
    );
    refused(
        &["convert", BRIEF, "-o", &path("x.pdf"), "-t", "pdf,md"],
        2,
        "-o writes one format",
    );
    refused(
        &["convert", BRIEF, "-o", &path("x.pdf"), "--edition", "en,zh"],
        2,
        "-o writes one edition",
    );
    refused(
        &["convert", BRIEF, "-o", &path("x.pdf"), "--edition", "de"],
        1,
        "de",
    );
    refused(&["convert", BRIEF, "--out", "-"], 2, "use -o - -t FORMAT");
    refused(
        &["convert", BRIEF, "--report", "-"],
        2,
        "offprint clean --report -",
    );
    assert!(!dir.join("x.pdf").exists() && !dir.join("x.bin").exists());
}

#[test]
fn dash_is_standard_output_for_clean_reports_and_is_refused_where_it_cannot_be() {
    let dir = scratch("dash");
    let md = dir.join("brief.md");
    let report = stdout_of(&["clean", BRIEF, "-o", md.to_str().unwrap(), "--report", "-"]);
    let report: serde_json::Value = serde_json::from_slice(&report).unwrap();
    assert_eq!(report["format"], "offprint-report");
    assert!(md.is_file());
    assert!(
        !Path::new(common::ROOT).join("-").exists(),
        "no file named -"
    );
    let out = offprint(&["clean", BRIEF, "--report", "-"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("standard output already takes the text"),
        "{}",
        stderr(&out)
    );
    // -t is --to.
    let text = stdout_of(&["clean", BRIEF, "-t", "txt"]);
    assert!(!text.starts_with(b"---"), "plain text has no front matter");
    let out = offprint(&["clean", BRIEF, "-t", "pdf"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("offprint convert -t pdf"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn formats_completions_and_man_pages_come_from_the_binary() {
    let formats = String::from_utf8(stdout_of(&["formats"])).unwrap();
    for name in ["pdf", "docx", "epub", "md", "json", "txt"] {
        assert!(
            formats.lines().any(|l| l.starts_with(name)),
            "{name}: {formats}"
        );
    }
    let editions = String::from_utf8(stdout_of(&["formats", BRIEF])).unwrap();
    for edition in ["combined", "en", "zh"] {
        assert!(
            editions
                .lines()
                .any(|l| l.trim_start().starts_with(edition)),
            "{edition}: {editions}"
        );
    }
    assert!(editions.contains("brief.extracted.zh.pdf"), "{editions}");
    let bash = String::from_utf8(stdout_of(&["completions", "bash"])).unwrap();
    assert!(
        bash.contains("--shard") && bash.contains("complete"),
        "{bash}"
    );
    let zsh = String::from_utf8(stdout_of(&["completions", "zsh"])).unwrap();
    assert!(zsh.starts_with("#compdef offprint"), "{zsh}");
    let page = String::from_utf8(stdout_of(&["man", "convert"])).unwrap();
    assert!(
        page.contains(".TH") && page.contains("fail\\-fast"),
        "{page}"
    );
    let main = String::from_utf8(stdout_of(&["man"])).unwrap();
    assert!(
        main.contains("offprint\\-convert") || main.contains("convert"),
        "{main}"
    );
    let out = offprint(&["man", "frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("commands: clean"), "{}", stderr(&out));
}

#[test]
fn inputs_that_are_not_what_they_seem_get_a_hint() {
    let dir = scratch("hints");
    let page = dir.join("download.pdf");
    std::fs::write(&page, "<html><body>Access denied</body></html>\n").unwrap();
    let out = offprint(&["clean", page.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("not a PDF (starts with `<html><body>`)"),
        "{}",
        stderr(&out)
    );
    let latin1 = dir.join("latin1.txt");
    std::fs::write(&latin1, b"Caf\xe9 cr\xe8me\n").unwrap();
    let out = offprint(&["clean", latin1.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("iconv -f latin1 -t utf-8"),
        "{}",
        stderr(&out)
    );
}
