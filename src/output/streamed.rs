//! Output files that, once large, go to disk as they are written instead of
//! piling up in the page cache.
//!
//! A 10M-event build writes 8.5 GB. Left to the kernel, those pages filled
//! the page cache, and copying into it slowed from about 0.4 s to 1.8 s a
//! GB as memory filled (on the 2-core VM of `docs/benchmarks.md`), so the
//! build's system time grew faster than its events. Past the first
//! 512 MiB of a file, each completed chunk is handed to the
//! disk, and the chunk four back, written by then, is dropped from the
//! cache: the pages are reused while still warm. Smaller outputs never
//! reach that point and stay cached for whatever reads them next.

use std::fs::File;
use std::io::{self, Write};

/// Bytes of a file left to the page cache as usual.
const KEEP_CACHED: u64 = 512 << 20;
/// Bytes handed to the disk at a time past that.
const CHUNK: u64 = 32 << 20;
/// Chunks handed to the disk and not yet waited for.
const IN_FLIGHT: u64 = 4;

/// A file written in order, streamed to disk past its first 512 MiB.
#[derive(Debug)]
pub struct StreamedFile {
    file: File,
    written: u64,
    /// Everything before this offset has been handed to the disk.
    handed: u64,
    /// [`KEEP_CACHED`] and [`CHUNK`], smaller in tests.
    keep_cached: u64,
    chunk: u64,
    /// An error from handing a chunk to the disk after its bytes were
    /// written, reported by the next write or flush (a write that returns
    /// an error must have written nothing).
    pending: Option<io::Error>,
}

impl StreamedFile {
    /// Wraps a file opened for writing from its start.
    pub fn new(file: File) -> Self {
        StreamedFile::with_sizes(file, KEEP_CACHED, CHUNK)
    }

    /// A file that is never streamed: one read back at once (a part of a
    /// larger output), for which dropping its pages would mean reading
    /// them from disk again.
    pub fn cached(file: File) -> Self {
        StreamedFile::with_sizes(file, u64::MAX, CHUNK)
    }

    /// `chunk` is a multiple of the page size.
    fn with_sizes(file: File, keep_cached: u64, chunk: u64) -> Self {
        StreamedFile {
            file,
            written: 0,
            handed: keep_cached,
            keep_cached,
            chunk,
            pending: None,
        }
    }

    /// Hands every completed chunk past [`KEEP_CACHED`] to the disk, and
    /// drops the chunk before each from the cache once it is written.
    fn stream(&mut self) -> io::Result<()> {
        let chunk = self.chunk;
        while self.written >= self.handed.saturating_add(chunk) {
            start_writeback(&self.file, self.handed, chunk)?;
            // The chunk IN_FLIGHT chunks back has had that long to reach
            // the disk, so waiting for it seldom waits.
            let behind = IN_FLIGHT * chunk;
            if self.handed >= self.keep_cached + behind {
                finish_and_drop(&self.file, self.handed - behind, chunk)?;
            }
            self.handed += chunk;
        }
        Ok(())
    }
}

impl Write for StreamedFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Some(error) = self.pending.take() {
            return Err(error);
        }
        let n = self.file.write(buf)?;
        self.written += n as u64;
        if let Err(error) = self.stream() {
            self.pending = Some(error);
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        if let Some(error) = self.pending.take() {
            return Err(error);
        }
        self.file.flush()
    }
}

/// Starts writing the `len` bytes at `offset` to disk, without waiting.
#[cfg(target_os = "linux")]
fn start_writeback(file: &File, offset: u64, len: u64) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    // SAFETY: the descriptor is the open file's own; the call only starts
    // writeback of that file's range and touches no memory of ours.
    let result = unsafe {
        libc::sync_file_range(
            file.as_raw_fd(),
            offset as libc::off64_t,
            len as libc::off64_t,
            libc::SYNC_FILE_RANGE_WRITE,
        )
    };
    check(result)
}

/// Waits until the `len` bytes at `offset` are on disk, then drops them from
/// the cache (a write error surfaces here, as the write's error).
#[cfg(target_os = "linux")]
fn finish_and_drop(file: &File, offset: u64, len: u64) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    let fd = file.as_raw_fd();
    // SAFETY: as in `start_writeback`; both calls act on the file's range
    // in the kernel only.
    let result = unsafe {
        libc::sync_file_range(
            fd,
            offset as libc::off64_t,
            len as libc::off64_t,
            libc::SYNC_FILE_RANGE_WAIT_BEFORE
                | libc::SYNC_FILE_RANGE_WRITE
                | libc::SYNC_FILE_RANGE_WAIT_AFTER,
        )
    };
    check(result)?;
    // SAFETY: as above. Advice that fails leaves the pages cached, which
    // is only slower.
    unsafe {
        libc::posix_fadvise(
            fd,
            offset as libc::off64_t,
            len as libc::off64_t,
            libc::POSIX_FADV_DONTNEED,
        );
    }
    Ok(())
}

/// A failed write is the write's error; a file system that cannot take
/// the hint (it says so otherwise) is written as usual.
#[cfg(target_os = "linux")]
fn check(result: libc::c_int) -> io::Result<()> {
    if result == 0 {
        return Ok(());
    }
    let error = io::Error::last_os_error();
    match error.raw_os_error() {
        Some(libc::EIO | libc::ENOSPC | libc::EDQUOT) => Err(error),
        _ => Ok(()),
    }
}

#[cfg(not(target_os = "linux"))]
fn start_writeback(_: &File, _: u64, _: u64) -> io::Result<()> {
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn finish_and_drop(_: &File, _: u64, _: u64) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn a_streamed_file_holds_what_was_written() {
        // Past the cached part and several chunks, in uneven writes.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big");
        let (keep, chunk) = (1 << 20, 64 << 10);
        let file = StreamedFile::with_sizes(File::create(&path).unwrap(), keep, chunk);
        let mut out = io::BufWriter::new(file);
        let total = (keep + 30 * chunk + 12_345) as usize;
        let mut written = 0usize;
        let mut n = 0u64;
        while written < total {
            let len = (1 + (n * 7919) % 30_000) as usize;
            let len = len.min(total - written);
            let piece: Vec<u8> = (0..len).map(|i| ((written + i) % 251) as u8).collect();
            out.write_all(&piece).unwrap();
            written += len;
            n += 1;
        }
        let inner = out.into_inner().unwrap();
        assert_eq!(inner.handed, keep + 30 * chunk);
        drop(inner);
        let mut back = Vec::new();
        File::open(&path).unwrap().read_to_end(&mut back).unwrap();
        assert_eq!(back.len(), total);
        assert!(back.iter().enumerate().all(|(i, &b)| b == (i % 251) as u8));

        // A part read back at once is never streamed.
        let mut part = StreamedFile::cached(File::create(dir.path().join("part")).unwrap());
        part.write_all(&back).unwrap();
        assert_eq!(part.handed, u64::MAX);
    }
}
