//! A small harness that runs the real `geoevents` binary in a temporary
//! directory (after xsv's `Workdir`).
#![allow(dead_code)]

pub mod xml;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root, where the bundled data lives.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every layer `build` writes: the points, then the analytic lines and
/// areas.
pub const LAYERS: [&str; 6] = [
    "strikes",
    "attacks",
    "bases",
    "rings",
    "links",
    "uncertainty",
];

/// The header of a places file.
pub const PLACES_HEADER: &str =
    "id,name,kind,aliases,name_ar,lat,lon,admin1,country,uncertainty_m,source";

/// The header of an events file.
pub const EVENTS_HEADER: &str = "id,date,kind,subtype,actor,target,place,killed_low,killed_high,injured_low,injured_high,sources,notes";

/// A small place table for tests: two bases, a town, a governorate.
pub const PLACES: &str = "\
id,name,kind,aliases,name_ar,lat,lon,admin1,country,uncertainty_m,source
al-asad-air-base,Al-Asad Air Base,base,Ain al-Asad;Al-Asad Airbase,قاعدة عين الأسد الجوية,33.7856,42.4412,Al-Anbar,Iraq,5000,OurAirports ORAA
anbar-governorate,Al-Anbar Governorate,governorate,Anbar;Al Anbar,محافظة الأنبار,33.1096,41.5177,,Iraq,400000,OCHA centroid
erbil-air-base,Erbil Air Base,base,Erbil airport,,36.2376,43.9632,Erbil,Iraq,3000,OurAirports ORER
jurf-al-sakhar,Jurf al-Sakhar,town,Jurf al Saqr;Jurf al-Nasr,جرف الصخر,32.8667,44.2139,Babil,Iraq,5000,Wikipedia
";

/// A temporary working directory with the binary pointed at it.
pub struct Workdir {
    dir: tempfile::TempDir,
}

impl Workdir {
    pub fn new() -> Self {
        Workdir {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (text) into the directory.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).unwrap();
        }
        fs::write(&path, contents).unwrap();
        path
    }

    /// Reads a file from the directory as text.
    pub fn read(&self, name: &str) -> String {
        fs::read_to_string(self.dir.path().join(name))
            .unwrap_or_else(|e| panic!("reading {name}: {e}"))
    }

    pub fn exists(&self, name: &str) -> bool {
        self.dir.path().join(name).exists()
    }

    /// Names of the files in a subdirectory, sorted.
    pub fn list(&self, sub: &str) -> Vec<String> {
        let mut names: Vec<String> = match fs::read_dir(self.dir.path().join(sub)) {
            Ok(entries) => entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect(),
            Err(_) => Vec::new(),
        };
        names.sort();
        names
    }

    /// A command for the binary, run in this directory with a clean environment.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_geoevents"));
        cmd.current_dir(self.dir.path()).env_clear().args(args);
        cmd
    }

    /// Runs `build` on `places.csv` and `events.csv` of this directory into
    /// `out`, with any extra arguments.
    pub fn build(&self, extra: &[&str]) -> Output {
        self.build_from("places.csv", "events.csv", "out", extra)
    }

    /// Runs `build` with the given inputs and output directory.
    pub fn build_from(&self, places: &str, events: &str, out: &str, extra: &[&str]) -> Output {
        let mut args = vec![
            "build", "--places", places, "--events", events, "--out", out,
        ];
        args.extend_from_slice(extra);
        self.run(&args)
    }

    /// Reads a file from the directory as bytes.
    pub fn bytes(&self, name: &str) -> Vec<u8> {
        fs::read(self.dir.path().join(name)).unwrap_or_else(|e| panic!("reading {name}: {e}"))
    }

    /// The contents of every file in a subdirectory, in name order.
    pub fn contents(&self, sub: &str) -> Vec<Vec<u8>> {
        self.list(sub)
            .iter()
            .map(|n| self.bytes(&format!("{sub}/{n}")))
            .collect()
    }

    /// Runs the binary with `input` on standard input.
    pub fn run_with_stdin(&self, args: &[&str], input: &str) -> Output {
        use std::io::Write;
        use std::process::Stdio;
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("running geoevents");
        child
            .stdin
            .take()
            .expect("stdin is piped")
            .write_all(input.as_bytes())
            .expect("writing to stdin");
        child.wait_with_output().expect("waiting for geoevents")
    }

    /// Runs the binary and returns its output.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("running geoevents")
    }
}

/// Standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

/// Standard error as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

/// Asserts the exit code, showing both streams when it differs.
pub fn assert_exit(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "\n--- stdout\n{}\n--- stderr\n{}",
        stdout(output),
        stderr(output)
    );
}
