//! Writers for every output, each over `io::Write`, and [`OutputDir`], which
//! makes a set of output files appear whole or not at all.

pub mod geojson;
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
    /// The writers must have been flushed and dropped.
    pub fn commit(mut self) -> Result<Vec<PathBuf>> {
        let mut written = Vec::with_capacity(self.pending.len());
        for (temp, target) in std::mem::take(&mut self.pending) {
            if let Err(e) = fs::rename(&temp, &target) {
                let _ = fs::remove_file(&temp);
                return Err(Error::io(&target, e));
            }
            written.push(target);
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

/// Rounds a coordinate to 6 decimals (about 0.1 m), the precision every
/// layer is written with, so output is byte-stable.
pub fn round_coordinate(x: f64) -> f64 {
    let r = (x * 1e6).round() / 1e6;
    // Avoid "-0.0" in output.
    if r == 0.0 {
        0.0
    } else {
        r
    }
}
