//! `cargo xtask fonts`: fetches the bundled fonts again from the package
//! registries they came from (Debian's `fonts-noto-core`, the npm packages
//! `@expo-google-fonts/noto-serif-sc` and `noto-sans-sc`), checks each file's
//! SHA-256 against `fonts/README.md`'s, and only then puts it in `fonts/`.
//! `cargo xtask fonts --check` checks the files already there, offline.

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where a bundled file comes from.
enum Origin {
    /// A Debian package (fetched with `apt-get download`, unpacked with `dpkg -x`).
    Deb(&'static str),
    /// An npm package at a version (fetched with `npm pack`, untarred).
    Npm(&'static str, &'static str),
}

struct FontFile {
    name: &'static str,
    origin: Origin,
    /// Path inside the unpacked package.
    inner: &'static str,
    sha256: &'static str,
}

const NOTO_DEB: Origin = Origin::Deb("fonts-noto-core");
const NOTO_MONO_DEB: Origin = Origin::Deb("fonts-noto-mono");
const SERIF_SC: Origin = Origin::Npm("@expo-google-fonts/noto-serif-sc", "0.4.3");
const SANS_SC: Origin = Origin::Npm("@expo-google-fonts/noto-sans-sc", "0.4.3");

const FILES: &[FontFile] = &[
    FontFile {
        name: "NotoSerif-Regular.ttf",
        origin: NOTO_DEB,
        inner: "usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf",
        sha256: "9d7583b7dc9e812afd32a14280c5cac3160012efe50c8d08938f4fea266ff67f",
    },
    FontFile {
        name: "NotoSerif-Italic.ttf",
        origin: NOTO_DEB,
        inner: "usr/share/fonts/truetype/noto/NotoSerif-Italic.ttf",
        sha256: "bc25600aa27cd409e1e5b3d86340df3a329bb860fcfbe57a03a95070b229e1b0",
    },
    FontFile {
        name: "NotoSerif-BoldItalic.ttf",
        origin: NOTO_DEB,
        inner: "usr/share/fonts/truetype/noto/NotoSerif-BoldItalic.ttf",
        sha256: "78a6d685e5690b7dcda0f336b689193afc03b6bab5cf18fc1a9ecc3aa0600059",
    },
    FontFile {
        name: "NotoSansMono-Regular.ttf",
        origin: NOTO_MONO_DEB,
        inner: "usr/share/fonts/truetype/noto/NotoSansMono-Regular.ttf",
        sha256: "6b692c4b6d15ccf59f1c1fe8d11cb8a92f51960f3e9f1f523781755a3af7e29f",
    },
    FontFile {
        name: "NotoSerif-Bold.ttf",
        origin: NOTO_DEB,
        inner: "usr/share/fonts/truetype/noto/NotoSerif-Bold.ttf",
        sha256: "0af0ff2be8f84910fb21ec5fe1b6b7395e3073250502a334baf6ca2f860c88fe",
    },
    FontFile {
        name: "NotoSans-Bold.ttf",
        origin: NOTO_DEB,
        inner: "usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
        sha256: "e83493c945848ecd4a9ad0f6d19164541a0d3e23a9c952304a00a46e00272ac5",
    },
    FontFile {
        name: "NotoSerifSC-Regular.ttf",
        origin: SERIF_SC,
        inner: "package/400Regular/NotoSerifSC_400Regular.ttf",
        sha256: "c358a69de3df5f423a8946a7b03e3126fb6ba116f1130a463455b4e39e1f0742",
    },
    FontFile {
        name: "NotoSansSC-Bold.ttf",
        origin: SANS_SC,
        inner: "package/700Bold/NotoSansSC_700Bold.ttf",
        sha256: "9a38ae0ab28cd5a256f9ea8e00dedc688aac17f7915fcb000572990afa956b96",
    },
];

/// Licence texts, copied along (not hash-checked: packagers may reflow them).
const LICENCES: &[(&str, Origin, &str)] = &[
    (
        "LICENSE-Noto-debian-copyright.txt",
        NOTO_DEB,
        "usr/share/doc/fonts-noto-core/copyright",
    ),
    (
        "LICENSE-NotoMono-debian-copyright.txt",
        NOTO_MONO_DEB,
        "usr/share/doc/fonts-noto-mono/copyright",
    ),
    ("LICENSE-NotoSerifSC.txt", SERIF_SC, "package/LICENSE_FONT"),
    ("LICENSE-NotoSansSC.txt", SANS_SC, "package/LICENSE_FONT"),
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn run(command: &mut Command) -> Result<(), String> {
    let shown = format!("{command:?}");
    let status = command
        .status()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    status
        .success()
        .then_some(())
        .ok_or_else(|| format!("{shown} failed ({status})"))
}

/// Unpacks `origin` under `work` once; returns the folder it unpacked to.
fn unpack(origin: &Origin, work: &Path) -> Result<PathBuf, String> {
    match origin {
        Origin::Deb(name) => {
            let dir = work.join(name);
            if dir.is_dir() {
                return Ok(dir);
            }
            let download = work.join(format!("{name}-download"));
            std::fs::create_dir_all(&download).map_err(|e| e.to_string())?;
            run(Command::new("apt-get")
                .args(["download", name])
                .current_dir(&download))?;
            let deb = std::fs::read_dir(&download)
                .map_err(|e| e.to_string())?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .find(|p| p.extension().is_some_and(|e| e == "deb"))
                .ok_or_else(|| format!("apt-get download {name} left no .deb"))?;
            run(Command::new("dpkg").arg("-x").arg(&deb).arg(&dir))?;
            Ok(dir)
        }
        Origin::Npm(name, version) => {
            let dir = work.join(name.replace('/', "+"));
            if dir.is_dir() {
                return Ok(dir);
            }
            let download = work.join(format!("{}-download", name.replace('/', "+")));
            std::fs::create_dir_all(&download).map_err(|e| e.to_string())?;
            run(Command::new("npm")
                .args(["pack", "--silent", &format!("{name}@{version}")])
                .current_dir(&download))?;
            let tgz = std::fs::read_dir(&download)
                .map_err(|e| e.to_string())?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .find(|p| p.to_string_lossy().ends_with(".tgz"))
                .ok_or_else(|| format!("npm pack {name} left no .tgz"))?;
            std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
            run(Command::new("tar").arg("xzf").arg(&tgz).arg("-C").arg(&dir))?;
            Ok(dir)
        }
    }
}

pub fn run_task(mut args: impl Iterator<Item = String>) -> Result<(), String> {
    let check_only = match args.next().as_deref() {
        None => false,
        Some("--check") => true,
        Some(other) => return Err(format!("unknown argument {other:?} (expected --check)")),
    };
    let fonts = root().join("fonts");
    if check_only {
        let mut bad = Vec::new();
        for file in FILES {
            let path = fonts.join(file.name);
            let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let got = sha256_hex(&bytes);
            let ok = got == file.sha256;
            println!("{} {}  {}", if ok { "ok " } else { "BAD" }, got, file.name);
            if !ok {
                bad.push(file.name);
            }
        }
        return if bad.is_empty() {
            Ok(())
        } else {
            Err(format!("SHA-256 mismatch: {}", bad.join(", ")))
        };
    }
    let work = root().join("target/xtask-fonts");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    // Fetch and verify everything first; only then replace anything.
    let mut verified = Vec::new();
    for file in FILES {
        let dir = unpack(&file.origin, &work)?;
        let source = dir.join(file.inner);
        let bytes = std::fs::read(&source).map_err(|e| format!("{}: {e}", source.display()))?;
        let got = sha256_hex(&bytes);
        if got != file.sha256 {
            return Err(format!(
                "{}: SHA-256 is {got}, expected {} (the package changed; fonts/ left as it was)",
                file.name, file.sha256
            ));
        }
        println!("ok  {got}  {}", file.name);
        verified.push((file.name, bytes));
    }
    for (name, origin, inner) in LICENCES {
        let dir = unpack(origin, &work)?;
        let bytes = std::fs::read(dir.join(inner)).map_err(|e| format!("{inner}: {e}"))?;
        verified.push((name, bytes));
    }
    std::fs::create_dir_all(&fonts).map_err(|e| e.to_string())?;
    for (name, bytes) in verified {
        std::fs::write(fonts.join(name), bytes).map_err(|e| format!("{name}: {e}"))?;
    }
    let _ = std::fs::remove_dir_all(&work);
    println!("fonts/ is up to date");
    Ok(())
}
