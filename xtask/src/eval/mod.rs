//! `cargo xtask eval`: how well offprint turns the corpus PDFs into the
//! expected Markdown, next to a naive `pdftotext` baseline.
//!
//! Inputs are the `<doc>.<producer>.pdf` files under `fixtures/corpus/` and
//! `fixtures/brief/` that have a `<doc>.expected.md` beside them. Each is
//! cleaned by the offprint binary (from the PDF, or with
//! `--offprint-input txt` from `pdftotext` output on standard input) and by
//! the baseline, scored by [`metrics::score`], printed as a table per
//! producer and written as JSON (`target/eval.json` or `--json PATH`).
//! A failed offprint run is recorded with its error and scores zero; only
//! an eval that cannot run at all exits non-zero.

mod markdown;
pub(crate) mod metrics;

use metrics::Metrics;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const CORPUS_DIRS: [&str; 2] = ["fixtures/corpus", "fixtures/brief"];
const SYSTEMS: [&str; 2] = ["offprint", "baseline"];
const USAGE: &str = "usage: cargo xtask eval [--offprint-input pdf|txt] [--json PATH] [--check]";

/// What offprint is given: the PDF itself, or pdftotext's text of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum OffprintInput {
    Pdf,
    Txt,
}

struct Options {
    offprint_input: OffprintInput,
    json: Option<PathBuf>,
    /// Fail when offprint's mean falls below the quality gates.
    check: bool,
}

/// One PDF with its expected Markdown.
struct Input {
    doc: String,
    producer: String,
    pdf: PathBuf,
    expected: PathBuf,
}

/// One system's result on one input.
#[derive(Serialize)]
struct Run {
    pdf: String,
    doc: String,
    producer: String,
    system: &'static str,
    /// Languages of the expected document, so failures count per language.
    expected_langs: Vec<String>,
    /// Why the system produced nothing (offprint's stderr); scores are 0.
    error: Option<String>,
    metrics: Option<Metrics>,
}

/// Means over a group of runs. Scores count a failed run as 0; error
/// counts are means over the runs that produced output (`None` if none).
#[derive(Serialize)]
struct Summary {
    producer: String,
    system: &'static str,
    runs: usize,
    failures: usize,
    text_accuracy: f64,
    text_accuracy_by_lang: BTreeMap<String, f64>,
    paragraph_f1: f64,
    heading_f1: f64,
    list_item_f1: f64,
    lang_accuracy: f64,
    title_ok: f64,
    date_ok: f64,
    furniture_left: Option<f64>,
    cjk_spaces: Option<f64>,
    hyphen_split: Option<f64>,
    hyphen_merged: Option<f64>,
}

#[derive(Serialize)]
struct Report {
    offprint_input: OffprintInput,
    /// Per producer and system, then `all` per system.
    summaries: Vec<Summary>,
    runs: Vec<Run>,
}

pub fn run(args: impl Iterator<Item = String>) -> Result<(), String> {
    let started = Instant::now();
    let options = parse_args(args)?;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .ok_or("xtask has no parent directory")?
        .to_path_buf();
    let inputs = find_inputs(&root)?;
    if inputs.is_empty() {
        return Err(format!(
            "no <doc>.<producer>.pdf with a <doc>.expected.md under {}",
            CORPUS_DIRS.join(" or ")
        ));
    }
    Command::new("pdftotext")
        .arg("-v")
        .output()
        .map_err(|e| format!("cannot run pdftotext (poppler-utils): {e}"))?;
    let offprint = build_offprint(&root)?;

    let mut runs = Vec::new();
    for input in &inputs {
        eprintln!("eval: {}", relative(&root, &input.pdf));
        runs.extend(evaluate(&root, input, &offprint, options.offprint_input)?);
    }

    let summaries = summarise(&runs);
    print_tables(&summaries, &runs);
    let report = Report {
        offprint_input: options.offprint_input,
        summaries,
        runs,
    };
    let json_path = options
        .json
        .unwrap_or_else(|| root.join("target").join("eval.json"));
    let json = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
    std::fs::write(&json_path, json + "\n")
        .map_err(|e| format!("cannot write {}: {e}", json_path.display()))?;
    println!(
        "\n{} inputs, offprint given {}; wrote {} in {:.1} s",
        inputs.len(),
        match report.offprint_input {
            OffprintInput::Pdf => "the PDF",
            OffprintInput::Txt => "pdftotext's text",
        },
        json_path.display(),
        started.elapsed().as_secs_f64()
    );
    if options.check {
        check_gates(&report.summaries, &report.runs)?;
    }
    Ok(())
}

/// The quality offprint must keep on the corpus: the mean over the readable renders,
/// and a refusal naming the fonts for each unmappable one.
/// `merged` is one compound per ten documents: line-end compounds that no
/// evidence in the document can tell from split words (a known gap).
fn check_gates(summaries: &[Summary], runs: &[Run]) -> Result<(), String> {
    let ours = summaries
        .iter()
        .find(|s| s.producer == READABLE && s.system == "offprint")
        .ok_or("no offprint summary of the readable renders")?;
    let mut failed = Vec::new();
    for run in runs
        .iter()
        .filter(|r| r.system == "offprint" && is_unmappable(&r.producer))
    {
        if !run
            .error
            .as_deref()
            .is_some_and(|e| e.contains("text in fonts without a Unicode map"))
        {
            failed.push(format!("{} was not refused as unmappable", run.pdf));
        }
    }
    let mut at_least = |name: &str, value: f64, gate: f64| {
        if value < gate {
            failed.push(format!("{name} {value:.3} < {gate}"));
        }
    };
    at_least("text accuracy", ours.text_accuracy, 0.995);
    at_least("paragraph F1", ours.paragraph_f1, 0.97);
    at_least("heading F1", ours.heading_f1, 0.95);
    at_least("list F1", ours.list_item_f1, 0.95);
    at_least("language tags", ours.lang_accuracy, 0.98);
    at_least(
        "Chinese text accuracy",
        ours.text_accuracy_by_lang.get("zh").copied().unwrap_or(0.0),
        0.99,
    );
    let mut at_most = |name: &str, value: Option<f64>, gate: f64| {
        if value.unwrap_or(f64::INFINITY) > gate {
            failed.push(format!("{name} {value:?} > {gate}"));
        }
    };
    at_most("furniture left", ours.furniture_left, 0.0);
    at_most("CJK spaces", ours.cjk_spaces, 0.0);
    at_most("hyphenated fragments left", ours.hyphen_split, 0.0);
    at_most("compounds merged", ours.hyphen_merged, 0.1);
    if failed.is_empty() {
        println!("quality gates: all met");
        Ok(())
    } else {
        Err(format!("quality gates not met: {}", failed.join("; ")))
    }
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        offprint_input: OffprintInput::Pdf,
        json: None,
        check: false,
    };
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--offprint-input" => {
                options.offprint_input = match value()?.as_str() {
                    "pdf" => OffprintInput::Pdf,
                    "txt" => OffprintInput::Txt,
                    other => return Err(format!("unknown --offprint-input {other}\n{USAGE}")),
                }
            }
            "--json" => options.json = Some(PathBuf::from(value()?)),
            "--check" => options.check = true,
            _ => return Err(format!("unknown argument {arg}\n{USAGE}")),
        }
    }
    Ok(options)
}

/// The PDFs under the corpus folders whose document has an expected file,
/// sorted by path.
fn find_inputs(root: &Path) -> Result<Vec<Input>, String> {
    let mut pdfs = Vec::new();
    for dir in CORPUS_DIRS {
        collect_pdfs(&root.join(dir), &mut pdfs)?;
    }
    pdfs.sort();
    Ok(pdfs
        .into_iter()
        .filter_map(|pdf| {
            let name = pdf.file_name()?.to_str()?;
            let (doc, rest) = name.split_once('.')?;
            let producer = rest.strip_suffix(".pdf").unwrap_or("");
            let expected = pdf.with_file_name(format!("{doc}.expected.md"));
            expected.is_file().then(|| Input {
                doc: doc.to_string(),
                producer: producer.to_string(),
                pdf: pdf.clone(),
                expected,
            })
        })
        .collect())
}

fn collect_pdfs(dir: &Path, pdfs: &mut Vec<PathBuf>) -> Result<(), String> {
    if !dir.is_dir() {
        return Ok(());
    }
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        if path.is_dir() {
            collect_pdfs(&path, pdfs)?;
        } else if path.extension().is_some_and(|ext| ext == "pdf") {
            pdfs.push(path);
        }
    }
    Ok(())
}

/// Builds the debug offprint binary and returns its path.
pub(crate) fn build_offprint(root: &Path) -> Result<PathBuf, String> {
    let status = crate::cargo()
        .args(["build", "-q", "-p", "offprint"])
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("cannot build offprint".into());
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    Ok(target.join("debug").join("offprint"))
}

/// Runs both systems on one input and scores them.
fn evaluate(
    root: &Path,
    input: &Input,
    offprint: &Path,
    mode: OffprintInput,
) -> Result<Vec<Run>, String> {
    let expected_md = std::fs::read_to_string(&input.expected)
        .map_err(|e| format!("{}: {e}", input.expected.display()))?;
    let expected = markdown::parse(&expected_md);
    let extracted = run_command(
        Command::new("pdftotext")
            .args(["-enc", "UTF-8"])
            .arg(&input.pdf)
            .arg("-"),
        None,
    )
    .map_err(|e| format!("pdftotext failed: {e}"));
    let offprint_output = match mode {
        OffprintInput::Pdf => run_command(
            Command::new(offprint)
                .arg("clean")
                .arg(&input.pdf)
                .args(["--to", "md"]),
            None,
        ),
        OffprintInput::Txt => extracted.as_ref().map_err(Clone::clone).and_then(|text| {
            run_command(
                Command::new(offprint).args(["clean", "-", "--to", "md"]),
                Some(text),
            )
        }),
    };
    let outputs = [
        offprint_output.map(|md| markdown::parse(&md)),
        extracted.map(|text| markdown::naive_doc(&text)),
    ];
    Ok(SYSTEMS
        .into_iter()
        .zip(outputs)
        .map(|(system, output)| {
            let (metrics, error) = match output {
                Ok(doc) => (Some(metrics::score(&expected, &doc)), None),
                Err(error) => (None, Some(error)),
            };
            Run {
                pdf: relative(root, &input.pdf),
                doc: input.doc.clone(),
                producer: input.producer.clone(),
                system,
                expected_langs: expected.langs(),
                error,
                metrics,
            }
        })
        .collect())
}

/// Runs a command to completion, feeding `stdin` if given; its standard
/// output, or its standard error when it fails.
fn run_command(command: &mut Command, stdin: Option<&str>) -> Result<String, String> {
    let mut child = command
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {:?}: {e}", command.get_program()))?;
    let output = std::thread::scope(|scope| {
        // Write from another thread so a full stdout pipe cannot block us.
        if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
            scope.spawn(move || pipe.write_all(text.as_bytes()));
        }
        child.wait_with_output()
    })
    .map_err(|e| e.to_string())?;
    if output.status.success() {
        return Ok(String::from_utf8_lossy(&output.stdout).into_owned());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stderr = stderr.trim();
    Err(if stderr.is_empty() {
        output.status.to_string()
    } else {
        stderr.chars().take(2000).collect()
    })
}

fn summarise(runs: &[Run]) -> Vec<Summary> {
    let mut producers: Vec<&str> = runs.iter().map(|r| r.producer.as_str()).collect();
    producers.sort();
    producers.dedup();
    let mut summaries = Vec::new();
    for producer in producers {
        for system in SYSTEMS {
            let group: Vec<&Run> = runs
                .iter()
                .filter(|r| r.system == system && r.producer == producer)
                .collect();
            summaries.push(summary(producer, system, &group));
        }
    }
    for (name, member) in [
        (READABLE, is_readable as fn(&str) -> bool),
        ("all", |_: &str| true),
    ] {
        for system in SYSTEMS {
            let group: Vec<&Run> = runs
                .iter()
                .filter(|r| r.system == system && member(&r.producer))
                .collect();
            summaries.push(summary(name, system, &group));
        }
    }
    summaries
}

/// The summary over the renders that keep a text layer to read.
const READABLE: &str = "readable";

/// Renders whose fonts keep neither a Unicode map nor a collection to map through
/// (`*-notounicode`, see fixtures/corpus/README.md): offprint must refuse them, saying
/// why, rather than score on them.
fn is_unmappable(producer: &str) -> bool {
    producer.ends_with("-notounicode")
}

fn is_readable(producer: &str) -> bool {
    !is_unmappable(producer)
}

fn summary(producer: &str, system: &'static str, runs: &[&Run]) -> Summary {
    let ok: Vec<&Metrics> = runs.iter().filter_map(|r| r.metrics.as_ref()).collect();
    let score =
        |f: fn(&Metrics) -> f64| mean(runs.iter().map(|r| r.metrics.as_ref().map_or(0.0, f)));
    let count =
        |f: fn(&Metrics) -> usize| (!ok.is_empty()).then(|| mean(ok.iter().map(|m| f(m) as f64)));
    let mut by_lang: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for run in runs {
        for lang in &run.expected_langs {
            let accuracy = run
                .metrics
                .as_ref()
                .map_or(0.0, |m| m.text_accuracy_by_lang[lang]);
            by_lang.entry(lang.clone()).or_default().push(accuracy);
        }
    }
    Summary {
        producer: producer.to_string(),
        system,
        runs: runs.len(),
        failures: runs.len() - ok.len(),
        text_accuracy: score(|m| m.text_accuracy),
        text_accuracy_by_lang: by_lang
            .into_iter()
            .map(|(lang, values)| (lang, mean(values.into_iter())))
            .collect(),
        paragraph_f1: score(|m| m.paragraph_f1),
        heading_f1: score(|m| m.heading_f1),
        list_item_f1: score(|m| m.list_item_f1),
        lang_accuracy: score(|m| m.lang_accuracy),
        title_ok: score(|m| f64::from(u8::from(m.title_ok))),
        date_ok: score(|m| f64::from(u8::from(m.date_ok))),
        furniture_left: count(|m| m.furniture_left),
        cjk_spaces: count(|m| m.cjk_spaces),
        hyphen_split: count(|m| m.hyphen_split),
        hyphen_merged: count(|m| m.hyphen_merged),
    }
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = values.fold((0.0, 0), |(sum, n), v| (sum + v, n + 1));
    if n == 0 {
        0.0
    } else {
        sum / n as f64
    }
}

fn print_tables(summaries: &[Summary], runs: &[Run]) {
    println!(
        "{:<14} {:<9} {:>4} {:>4} {:>6} {:>6} {:>6} {:>6} {:>6} {:>5} {:>5} {:>5} {:>5} {:>5} {:>5}",
        "producer", "system", "runs", "fail", "text", "para", "head", "list", "lang",
        "title", "date", "furn", "cjk", "split", "merge"
    );
    let count = |value: Option<f64>| value.map_or("-".into(), |v| format!("{v:.1}"));
    for s in summaries {
        if s.producer == READABLE && s.system == SYSTEMS[0] {
            println!("{}", "-".repeat(108));
        }
        println!(
            "{:<14} {:<9} {:>4} {:>4} {:>6.3} {:>6.3} {:>6.3} {:>6.3} {:>6.3} {:>5.2} {:>5.2} {:>5} {:>5} {:>5} {:>5}",
            s.producer, s.system, s.runs, s.failures, s.text_accuracy, s.paragraph_f1,
            s.heading_f1, s.list_item_f1, s.lang_accuracy, s.title_ok, s.date_ok,
            count(s.furniture_left), count(s.cjk_spaces), count(s.hyphen_split),
            count(s.hyphen_merged)
        );
    }

    let overall: Vec<&Summary> = summaries
        .iter()
        .filter(|s| s.producer == READABLE)
        .collect();
    let langs: Vec<&String> = overall[0].text_accuracy_by_lang.keys().collect();
    println!("\ntext accuracy by language, readable renders");
    print!("{:<24}", "system");
    langs.iter().for_each(|lang| print!(" {lang:>6}"));
    println!();
    for s in overall {
        print!("{:<24}", s.system);
        s.text_accuracy_by_lang
            .values()
            .for_each(|v| print!(" {v:>6.3}"));
        println!();
    }

    for system in SYSTEMS {
        let mut errors: BTreeMap<&str, usize> = BTreeMap::new();
        for run in runs.iter().filter(|r| r.system == system) {
            if let Some(error) = &run.error {
                // The last line says why; earlier ones tend to be warnings.
                let reason = error.lines().next_back().unwrap_or("");
                *errors.entry(reason).or_insert(0) += 1;
            }
        }
        for (error, n) in errors {
            println!("\n{system} failed on {n} input(s): {error}");
        }
    }
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_need_an_expected_file_and_name_their_producer() {
        let dir = std::env::temp_dir().join(format!("xtask-eval-{}", std::process::id()));
        let corpus = dir.join("fixtures/corpus");
        std::fs::create_dir_all(&corpus).unwrap();
        for name in [
            "a.expected.md",
            "a.lo.pdf",
            "a.chromium-hyph.pdf",
            "b.lo.pdf",
        ] {
            std::fs::write(corpus.join(name), "").unwrap();
        }
        let inputs = find_inputs(&dir).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        let found: Vec<_> = inputs
            .iter()
            .map(|i| (i.doc.as_str(), i.producer.as_str()))
            .collect();
        assert_eq!(found, [("a", "chromium-hyph"), ("a", "lo")]);
    }

    #[test]
    fn a_failed_run_scores_zero_and_is_left_out_of_error_counts() {
        let expected = markdown::parse("::: {lang=en}\nSome text.\n:::\n");
        let run = |metrics: Option<Metrics>| Run {
            pdf: "p.pdf".into(),
            doc: "d".into(),
            producer: "p".into(),
            system: "offprint",
            expected_langs: vec!["en".into()],
            error: metrics.is_none().then(|| "failed".into()),
            metrics,
        };
        let perfect = run(Some(metrics::score(&expected, &expected)));
        let failed = run(None);
        let s = summary("p", "offprint", &[&perfect, &failed]);
        assert_eq!((s.runs, s.failures), (2, 1));
        assert_eq!(s.text_accuracy, 0.5);
        assert_eq!(s.text_accuracy_by_lang["en"], 0.5);
        assert_eq!(s.furniture_left, Some(0.0));
        let s = summary("p", "offprint", &[&failed]);
        assert_eq!(s.furniture_left, None);
    }

    #[test]
    fn the_baseline_of_identical_text_is_perfect_but_untagged() {
        let expected = markdown::parse("::: {lang=en}\nOne.\n\nTwo.\n:::\n");
        let m = metrics::score(&expected, &markdown::naive_doc("One.\n\nTwo.\n"));
        assert_eq!((m.text_accuracy, m.paragraph_f1), (1.0, 1.0));
        assert_eq!(m.lang_accuracy, 0.0);
    }
}
