//! Writers for every output, each over `io::Write`, and [`OutputDir`], which
//! makes a set of output files appear whole or not at all.

pub mod csv_layer;
pub mod geojson;
pub mod layer;
pub mod seq;
pub mod tables;

use std::fs::{self, File};
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

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
}

impl OutputDir {
    /// Creates the directory if it does not exist.
    pub fn create(dir: &Path) -> Result<Self> {
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        Ok(OutputDir {
            dir: dir.to_path_buf(),
            pending: Vec::new(),
        })
    }

    /// Opens the temporary file for output `name`.
    pub fn file(&mut self, name: &str) -> Result<BufWriter<File>> {
        let target = self.dir.join(name);
        let temp = self.dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let file = File::create(&temp).map_err(|e| Error::io(&temp, e))?;
        self.pending.push((temp, target));
        Ok(BufWriter::new(file))
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

impl Drop for OutputDir {
    fn drop(&mut self) {
        for (temp, _) in &self.pending {
            let _ = fs::remove_file(temp);
        }
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
