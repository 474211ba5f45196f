//! Turning a file's bytes into text without losing track of where each
//! character came from.
//!
//! Reports arrive as they were saved: with a byte-order mark, Windows line
//! ends, or stray bytes that are not UTF-8. [`SourceText::decode`] keeps
//! CR and LF as they are (the sentence splitter treats both as line ends),
//! drops a UTF-8 byte-order mark, and replaces each invalid sequence with
//! U+FFFD, noting its byte offset. Every offset the extractor reports is
//! mapped back through [`SourceText::original`] to a byte offset in the
//! file as read, so `start`/`end` point at the same bytes whatever was
//! replaced.

use std::path::PathBuf;

use crate::error::{Error, Result};

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Invalid sequences listed one by one; past this only the count is kept,
/// so a binary file does not produce a million warnings.
pub const MAX_LISTED_INVALID: usize = 10;

/// Something in a file's bytes that the decoder had to work around.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeWarning {
    /// Bytes that are not UTF-8, replaced by U+FFFD.
    InvalidUtf8 {
        /// Byte offset of the first bad byte in the file.
        byte: usize,
        /// How many bytes were replaced.
        len: usize,
    },
    /// More invalid sequences than [`MAX_LISTED_INVALID`]: how many more.
    MoreInvalidUtf8 {
        /// Invalid sequences not listed.
        count: usize,
    },
    /// The file has no bytes at all.
    Empty,
}

impl DecodeWarning {
    /// The warning as one line, without the file name.
    pub fn message(&self) -> String {
        match self {
            DecodeWarning::InvalidUtf8 { byte, len } => format!(
                "byte {byte}: {len} invalid UTF-8 byte{} replaced by U+FFFD",
                if *len == 1 { "" } else { "s" }
            ),
            DecodeWarning::MoreInvalidUtf8 { count } => {
                format!("… and {count} more invalid UTF-8 sequences replaced")
            }
            DecodeWarning::Empty => "the file is empty: no text to read".to_string(),
        }
    }
}

/// A file's text, with the map from text offsets back to file offsets.
#[derive(Clone, Debug)]
pub struct SourceText {
    /// The decoded text.
    pub text: String,
    /// What the decoder had to work around, in file order.
    pub warnings: Vec<DecodeWarning>,
    /// `(text offset, file offset)` at every point where the two stop
    /// advancing together: after the byte-order mark and after each
    /// replaced sequence. Sorted by text offset.
    breaks: Vec<(usize, usize)>,
}

impl SourceText {
    /// Decodes `bytes`, read from `path`. A UTF-16 file (by its byte-order
    /// mark) is refused with an error rather than read as noise.
    pub fn decode(path: &str, bytes: &[u8]) -> Result<Self> {
        if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
            return Err(Error::NotText {
                path: PathBuf::from(path),
                why: "it starts with a UTF-16 byte-order mark; save it as UTF-8".to_string(),
            });
        }
        let mut warnings = Vec::new();
        if bytes.is_empty() {
            warnings.push(DecodeWarning::Empty);
        }
        let (skip, mut breaks) = if bytes.starts_with(UTF8_BOM) {
            (UTF8_BOM.len(), vec![(0, UTF8_BOM.len())])
        } else {
            (0, Vec::new())
        };
        // Valid UTF-8, as nearly every report is, is checked in one pass
        // and copied whole.
        if let Ok(valid) = std::str::from_utf8(&bytes[skip..]) {
            return Ok(SourceText {
                text: valid.to_owned(),
                warnings,
                breaks,
            });
        }
        let mut text = String::with_capacity(bytes.len());
        let mut file_at = skip;
        let mut unlisted = 0;
        for chunk in bytes[skip..].utf8_chunks() {
            text.push_str(chunk.valid());
            file_at += chunk.valid().len();
            let bad = chunk.invalid();
            if bad.is_empty() {
                continue;
            }
            if warnings.len() < MAX_LISTED_INVALID {
                warnings.push(DecodeWarning::InvalidUtf8 {
                    byte: file_at,
                    len: bad.len(),
                });
            } else {
                unlisted += 1;
            }
            text.push(char::REPLACEMENT_CHARACTER);
            file_at += bad.len();
            breaks.push((text.len(), file_at));
        }
        if unlisted > 0 {
            warnings.push(DecodeWarning::MoreInvalidUtf8 { count: unlisted });
        }
        Ok(SourceText {
            text,
            warnings,
            breaks,
        })
    }

    /// The file offset of text offset `at`.
    pub fn original(&self, at: usize) -> usize {
        let i = self.breaks.partition_point(|&(text_at, _)| text_at <= at);
        match i {
            0 => at,
            _ => {
                let (text_at, file_at) = self.breaks[i - 1];
                file_at + (at - text_at)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_back_past_a_bom_and_bad_bytes() {
        let bytes = b"\xEF\xBB\xBFab\xFFcd\xC3\xA9\xE2\x82xy";
        let src = SourceText::decode("t.txt", bytes).unwrap();
        assert_eq!(src.text, "ab\u{FFFD}cdé\u{FFFD}xy");
        // 'a' is byte 3 of the file, after the BOM.
        assert_eq!(src.original(0), 3);
        // 'c' follows one replaced byte: text offset 5, file offset 6.
        assert_eq!(src.original(src.text.find('c').unwrap()), 6);
        // 'x' follows a truncated two-byte sequence.
        let x = src.text.find('x').unwrap();
        assert_eq!(
            src.original(x),
            bytes.iter().position(|&b| b == b'x').unwrap()
        );
        assert_eq!(
            src.warnings,
            vec![
                DecodeWarning::InvalidUtf8 { byte: 5, len: 1 },
                DecodeWarning::InvalidUtf8 { byte: 10, len: 2 }
            ]
        );
    }

    #[test]
    fn crlf_is_kept_and_empty_is_a_warning() {
        let src = SourceText::decode("t.txt", b"a\r\nb").unwrap();
        assert_eq!(src.text, "a\r\nb");
        assert!(src.warnings.is_empty());
        let empty = SourceText::decode("t.txt", b"").unwrap();
        assert_eq!(empty.warnings, vec![DecodeWarning::Empty]);
    }

    #[test]
    fn many_bad_bytes_are_counted_not_listed() {
        let bytes = vec![0xFFu8; 1000];
        let src = SourceText::decode("t.txt", &bytes).unwrap();
        assert_eq!(src.warnings.len(), MAX_LISTED_INVALID + 1);
        assert_eq!(
            src.warnings.last(),
            Some(&DecodeWarning::MoreInvalidUtf8 { count: 990 })
        );
    }

    #[test]
    fn utf16_is_refused() {
        let err = SourceText::decode("t.txt", b"\xFF\xFEa\x00").unwrap_err();
        assert!(err.to_string().contains("UTF-16"), "{err}");
    }
}
