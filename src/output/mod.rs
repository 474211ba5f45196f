//! Writers for every output, each over `io::Write`, and [`OutputDir`], which
//! makes a set of output files appear whole or not at all.

pub mod analytic;
pub mod csv_layer;
pub mod datawrapper;
pub mod documents;
pub mod event_record;
pub mod geojson;
pub mod geometry;
pub mod gpkg;
pub mod kml;
pub mod label;
pub mod layer;
pub mod preview;
pub mod schema;
pub mod seq;
pub mod streamed;
pub mod style;
pub mod tables;
pub mod value;

use streamed::StreamedFile;

use std::fs::{self, File};
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Bytes each output file buffers between writes: a million-event layer is
/// hundreds of MB, and at the default 8 KiB a tenth of the build went to
/// the system calls. Some ten files are open at once, so memory stays small.
const WRITE_BUFFER: usize = 256 * 1024;

/// An output being written: buffered, and streamed to disk once large.
pub type OutputFile = BufWriter<StreamedFile>;

/// A directory of outputs written through temporary files.
///
/// Each file is written as `.NAME.PID.tmp` beside its final name and renamed
/// into place by [`OutputDir::commit`]; if the build fails or panics first,
/// dropping the `OutputDir` deletes the temporary files, so a reader never
/// sees half a layer and an earlier good output stays as it was.
#[derive(Debug)]
pub struct OutputDir {
    dir: PathBuf,
    pending: Vec<(PathBuf, PathBuf)>,
    scratch: Vec<PathBuf>,
}

impl OutputDir {
    /// Creates the directory if it does not exist.
    pub fn create(dir: &Path) -> Result<Self> {
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        Ok(OutputDir {
            dir: dir.to_path_buf(),
            pending: Vec::new(),
            scratch: Vec::new(),
        })
    }

    /// Removes the temporary and scratch files that a build killed before
    /// it could clean up (SIGKILL, power loss) left in the directory: those
    /// named for a process that no longer runs. Returns their names. Only
    /// where the process table can be read (`/proc`); elsewhere nothing is
    /// removed.
    pub fn sweep_abandoned(&self) -> Result<Vec<String>> {
        let proc = Path::new("/proc");
        if !proc.join("self").exists() {
            return Ok(Vec::new());
        }
        let mut removed = Vec::new();
        let entries = fs::read_dir(&self.dir).map_err(|e| Error::io(&self.dir, e))?;
        for entry in entries {
            let name = entry.map_err(|e| Error::io(&self.dir, e))?.file_name();
            let Some(name) = name.to_str() else { continue };
            let Some(pid) = abandoned_pid(name) else {
                continue;
            };
            if pid != std::process::id() && !proc.join(pid.to_string()).exists() {
                let path = self.dir.join(name);
                fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
                removed.push(name.to_string());
            }
        }
        removed.sort();
        Ok(removed)
    }

    fn temp_path(&self, name: &str, suffix: &str) -> PathBuf {
        self.dir
            .join(format!(".{name}.{}.{suffix}", std::process::id()))
    }

    /// Opens the temporary file for output `name`.
    pub fn file(&mut self, name: &str) -> Result<OutputFile> {
        let temp = self.temp_path_for(name)?;
        let file = File::create(&temp).map_err(|e| Error::io(&temp, e))?;
        Ok(BufWriter::with_capacity(
            WRITE_BUFFER,
            StreamedFile::new(file),
        ))
    }

    /// The temporary path for output `name`, for writers that open files
    /// themselves (SQLite). Nothing is left at that path.
    pub fn temp_path_for(&mut self, name: &str) -> Result<PathBuf> {
        let target = self.dir.join(name);
        let temp = self.temp_path(name, "tmp");
        remove_stale(&temp)?;
        self.pending.push((temp.clone(), target));
        Ok(temp)
    }

    /// A scratch file for part `part` of output `name`: a file written in
    /// pieces (one per layer) is assembled from its parts when complete.
    /// Scratch files are deleted on commit and on drop.
    pub fn scratch(&mut self, name: &str, part: &str) -> Result<(OutputFile, PathBuf)> {
        let path = self.temp_path(&format!("{name}.{part}"), "part");
        let file = File::create(&path).map_err(|e| Error::io(&path, e))?;
        self.scratch.push(path.clone());
        let file = BufWriter::with_capacity(WRITE_BUFFER, StreamedFile::cached(file));
        Ok((file, path))
    }

    /// Renames every temporary file to its final name, in the order opened.
    /// The writers must have been flushed and dropped. Targets that cannot
    /// take a file (a directory of that name) are found before anything is
    /// renamed, so a refused commit replaces nothing.
    pub fn commit(mut self) -> Result<Vec<PathBuf>> {
        for (_, target) in &self.pending {
            if target.is_dir() {
                return Err(Error::io(
                    target,
                    std::io::Error::other("is a directory; cannot write the output file there"),
                ));
            }
        }
        self.remove_scratch();
        let mut written = Vec::with_capacity(self.pending.len());
        while !self.pending.is_empty() {
            // Taken off the list only once renamed, so that on failure Drop
            // still removes every temporary file not yet in place.
            let (temp, target) = &self.pending[0];
            fs::rename(temp, target).map_err(|e| Error::io(target, e))?;
            written.push(self.pending.remove(0).1);
        }
        Ok(written)
    }
}

impl OutputDir {
    fn remove_scratch(&mut self) {
        for path in self.scratch.drain(..) {
            let _ = fs::remove_file(path);
        }
    }
}

/// The process id in the name of a temporary (`.NAME.PID.tmp`) or scratch
/// (`.NAME.PART.PID.part`) file.
fn abandoned_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix('.')?;
    let stem = rest
        .strip_suffix(".tmp")
        .or_else(|| rest.strip_suffix(".part"))?;
    let (_, pid) = stem.rsplit_once('.')?;
    if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    pid.parse().ok()
}

fn remove_stale(path: &Path) -> Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(path, e)),
        _ => Ok(()),
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        for (temp, _) in &self.pending {
            let _ = fs::remove_file(temp);
        }
        self.remove_scratch();
    }
}

/// Coordinate decimals written by default: 6 decimals is about 0.1 m.
pub const DEFAULT_PRECISION: u8 = 6;

/// Most coordinate decimals accepted: past 9 (about 0.1 mm) digits say
/// nothing and f64 rounding starts to show.
pub const MAX_PRECISION: u8 = 9;

/// Rounds a coordinate to `decimals` places, the same in every format, so
/// output is byte-stable.
pub fn round_coordinate(x: f64, decimals: u8) -> f64 {
    let scale = 10f64.powi(i32::from(decimals));
    let r = (x * scale).round() / scale;
    // Avoid "-0.0" in output.
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abandoned_files_are_known_by_their_names() {
        assert_eq!(abandoned_pid(".strikes.geojson.4242.tmp"), Some(4242));
        assert_eq!(abandoned_pid(".geoevents.kml.strikes.17.part"), Some(17));
        assert_eq!(abandoned_pid("strikes.geojson"), None);
        assert_eq!(abandoned_pid(".gitignore"), None);
        assert_eq!(abandoned_pid(".notes.tmp"), None);
        assert_eq!(abandoned_pid(".x.12a.tmp"), None);
    }
}
