//! The bytes of a bundle's data files: unsigned LEB128 varints and length-prefixed
//! strings for the binary files, gzip with a fixed header for every data file, and
//! content names (a file's name carries a hash of its bytes, so a host can cache it
//! forever and an unchanged file keeps its name from one build to the next).
//!
//! `src/bundle/js/data.js` reads what this module writes; the two change together.

use std::cell::RefCell;

/// Hex digits of the content hash in a file name (48 bits: the chance that two of
/// 20,000 files a site ever deploys share a name, which could serve a stale file,
/// is about one in a million; the metadata lists over a thousand names, and 64
/// bits made it 2.6 KB longer on MedQuAD).
pub const NAME_HASH_DIGITS: usize = 12;

/// A growing binary file.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Writer {
    bytes: Vec<u8>,
}

impl Writer {
    /// A file that starts with its four-byte `magic` (format and version).
    pub fn with_magic(magic: &[u8; 4]) -> Writer {
        Writer {
            bytes: magic.to_vec(),
        }
    }

    /// An unsigned varint: seven bits per byte, low bits first, high bit set on
    /// every byte but the last.
    pub fn varint(&mut self, mut value: u64) {
        loop {
            let low = (value & 0x7f) as u8;
            value >>= 7;
            if value == 0 {
                self.bytes.push(low);
                return;
            }
            self.bytes.push(low | 0x80);
        }
    }

    /// A `usize` as a varint.
    pub fn count(&mut self, value: usize) {
        self.varint(value as u64);
    }

    /// One raw byte.
    pub fn byte(&mut self, value: u8) {
        self.bytes.push(value);
    }

    /// UTF-8 bytes prefixed with their length.
    pub fn text(&mut self, value: &str) {
        self.count(value.len());
        self.bytes.extend_from_slice(value.as_bytes());
    }

    /// Raw bytes, as they are.
    pub fn raw(&mut self, bytes: &[u8]) {
        self.bytes.extend_from_slice(bytes);
    }

    /// Appends everything `other` wrote.
    pub fn append(&mut self, other: Writer) {
        self.bytes.extend_from_slice(&other.bytes);
    }

    /// Bytes written so far.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// The bytes written so far.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The finished bytes.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

/// libdeflate's level for every data file: its levels 10–12 search harder for
/// 1.2–1.4% fewer bytes at 3.4–5.5 times the time (MedQuAD).
const GZIP_LEVEL: i32 = 9;

/// `bytes` gzip-compressed, with no file name and a zero time in the header, so
/// the same input always gives the same output.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    thread_local! {
        // A compressor's tables are allocated once per thread, not per file.
        static COMPRESSOR: RefCell<libdeflater::Compressor> = RefCell::new(
            libdeflater::Compressor::new(
                libdeflater::CompressionLvl::new(GZIP_LEVEL).expect("9 is a libdeflate level"),
            ),
        );
    }
    COMPRESSOR.with_borrow_mut(|compressor| {
        let mut out = vec![0; compressor.gzip_compress_bound(bytes.len())];
        let written = compressor
            .gzip_compress(bytes, &mut out)
            .expect("the bound leaves room for any input");
        out.truncate(written);
        out
    })
}

/// The content hash that names a file: the first [`NAME_HASH_DIGITS`] hex digits
/// of the BLAKE3 hash of `bytes`.
pub fn content_hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex()[..NAME_HASH_DIGITS].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_are_leb128() {
        let mut w = Writer::default();
        for value in [0, 1, 127, 128, 300, u64::from(u32::MAX)] {
            w.varint(value);
        }
        assert_eq!(
            w.into_bytes(),
            [0, 1, 127, 0x80, 1, 0xac, 2, 0xff, 0xff, 0xff, 0xff, 0x0f]
        );
    }

    #[test]
    fn gzip_is_the_same_every_time_and_inflates_back() {
        let text = "leaky gut ".repeat(200);
        let (a, b) = (gzip(text.as_bytes()), gzip(text.as_bytes()));
        assert_eq!(a, b);
        assert!(a.len() < text.len() / 10, "{}", a.len());
        let mut back = vec![0; text.len()];
        let read = libdeflater::Decompressor::new()
            .gzip_decompress(&a, &mut back)
            .unwrap();
        assert_eq!(read, text.len());
        let back = String::from_utf8(back).unwrap();
        assert_eq!(back, text);
    }
}
