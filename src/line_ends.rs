//! Line numbers of byte offsets in a stream as it is read.
//!
//! Errors name the line a row starts on, as an editor shows it. The csv
//! crate's own count is off for files saved with CRLF line ends (one low)
//! and for old Mac files ending lines with a lone CR (always line 1), while
//! the crate ends records at LF, CRLF or a lone CR alike, and so does
//! [`crate::table`]'s parser, which follows it. [`LineEnds`] sits between
//! the file and the CSV parser, notes where each line ends as the bytes
//! pass and answers the line of a record's start offset.

use std::collections::VecDeque;
use std::io::{self, Read};

/// A reader that notes line ends: LF, CRLF (one end) or a lone CR.
#[derive(Debug)]
pub struct LineEnds<R> {
    inner: R,
    /// Bytes passed on so far.
    read: u64,
    /// Line ends not yet behind an asked-for offset: the offset of the end's
    /// last byte and its length (2 for CRLF).
    ends: VecDeque<(u64, u64)>,
    /// Line ends behind the last asked-for offset.
    passed: u64,
    /// A CR that ended the last chunk: a line end unless an LF follows.
    pending_cr: Option<u64>,
}

impl<R> LineEnds<R> {
    /// Wraps `inner`, whose first byte is offset 0.
    pub fn new(inner: R) -> Self {
        LineEnds {
            inner,
            read: 0,
            ends: VecDeque::new(),
            passed: 0,
            pending_cr: None,
        }
    }

    /// The line (from 1) of a record the csv crate (or the table's parser,
    /// which gives the same offsets) says starts at byte `offset`. The
    /// crate gives the offset where it began looking for the
    /// record: just after the previous record's last byte, which for CRLF
    /// is its LF, and before any blank lines it skipped. So the line ends at
    /// or right after `offset`, with nothing but line ends between them,
    /// are behind the record too. Offsets asked for must not go backwards
    /// (rows are read in order), so ends behind them are forgotten and
    /// memory stays a buffer's worth.
    pub fn line_at(&mut self, offset: u64) -> u64 {
        let mut at = offset;
        while let Some(&(end, len)) = self.ends.front() {
            // Behind the offset, or a (blank) line end starting right at it.
            if end > at && end + 1 - len != at {
                break;
            }
            self.ends.pop_front();
            self.passed += 1;
            at = at.max(end + 1);
        }
        self.passed + 1
    }

    /// Line ends noted and not yet behind an asked-for offset.
    #[cfg(test)]
    pub fn held(&self) -> usize {
        self.ends.len()
    }

    fn note(&mut self, chunk: &[u8]) {
        let crlf_split = self.pending_cr.is_some() && chunk.first() == Some(&b'\n');
        if let Some(cr) = self.pending_cr.take() {
            // End of input (an empty chunk) also makes the CR a line end.
            match chunk.first() {
                Some(b'\n') => self.ends.push_back((cr + 1, 2)),
                _ => self.ends.push_back((cr, 1)),
            }
        }
        for i in memchr::memchr2_iter(b'\n', b'\r', chunk) {
            let at = self.read + i as u64;
            if chunk[i] == b'\n' {
                // The LF of a CRLF split between two reads is noted above.
                if !(i == 0 && crlf_split) {
                    let len = if i > 0 && chunk[i - 1] == b'\r' { 2 } else { 1 };
                    self.ends.push_back((at, len));
                }
                continue;
            }
            match chunk.get(i + 1) {
                Some(b'\n') => {} // CRLF: noted at its LF
                Some(_) => self.ends.push_back((at, 1)),
                None => self.pending_cr = Some(at),
            }
        }
        self.read += chunk.len() as u64;
    }
}

impl<R: Read> Read for LineEnds<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.note(&buf[..n]);
        Ok(n)
    }
}

/// Reads a byte slice at most `.1` bytes a read, so that tests split
/// records and line ends between reads.
#[cfg(test)]
pub(crate) struct Chunked<'a>(pub &'a [u8], pub usize);

#[cfg(test)]
impl Read for Chunked<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.0.len().min(self.1).min(buf.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lines of records starting at `offsets` of `text`, read in chunks
    /// of `chunk` bytes.
    fn lines(text: &[u8], chunk: usize, offsets: &[u64]) -> Vec<u64> {
        let mut reader = LineEnds::new(Chunked(text, chunk));
        std::io::copy(&mut reader, &mut std::io::sink()).unwrap();
        offsets.iter().map(|&at| reader.line_at(at)).collect()
    }

    #[test]
    fn lf_crlf_and_lone_cr_each_end_one_line() {
        // Lines: "ab" LF, "cd" CRLF, "ef" CR, "gh" LF, blank LF, "ij".
        let text = b"ab\ncd\r\nef\rgh\n\nij";
        // Every chunk size, so a CRLF split between two reads is covered.
        for chunk in 1..=text.len() {
            // Where each record's text starts…
            assert_eq!(lines(text, chunk, &[0, 3, 7, 10, 14]), [1, 2, 3, 4, 6]);
            // …and where the csv crate says it starts: after the previous
            // record's first line-end byte (the LF of a CRLF), before blank
            // lines.
            assert_eq!(lines(text, chunk, &[0, 3, 6, 10, 13]), [1, 2, 3, 4, 6]);
        }
    }

    #[test]
    fn a_cr_at_the_very_end_is_a_line_end() {
        let mut reader = LineEnds::new(&b"a\r"[..]);
        std::io::copy(&mut reader, &mut std::io::sink()).unwrap();
        assert_eq!(reader.ends, [(1, 1)]);
    }
}
