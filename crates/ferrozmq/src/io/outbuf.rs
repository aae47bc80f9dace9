//! `OutBuffer`: bytes waiting to be written to one connection.
//!
//! Small frames are copied into one growing batch so many messages leave in one write;
//! large bodies are queued as shared segments and written with `writev`, never copied.

use bytes::Bytes;
use std::collections::VecDeque;
use std::io::{self, IoSlice};

/// Bodies at least this large are queued by reference instead of copied into the batch.
pub(crate) const ZERO_COPY_MIN: usize = 8 * 1024;

/// Most slices handed to one `writev`.
const MAX_SLICES: usize = 64;

/// Pending output of one connection, in order.
#[derive(Default)]
pub(crate) struct OutBuffer {
    /// Earlier segments, written before `tail`.
    segments: VecDeque<Bytes>,
    /// How much of `segments[0]` (or of `tail`, when there are no segments) is already written.
    offset: usize,
    /// The batch being filled.
    tail: Vec<u8>,
}

impl OutBuffer {
    /// The batch to append small frames and protocol bytes to.
    pub(crate) fn tail(&mut self) -> &mut Vec<u8> {
        &mut self.tail
    }

    /// Queues a large body without copying it.
    pub(crate) fn push_shared(&mut self, body: Bytes) {
        if !self.tail.is_empty() {
            let batch = std::mem::take(&mut self.tail);
            self.segments.push_back(Bytes::from(batch));
        }
        self.segments.push_back(body);
    }

    /// Bytes not yet written.
    pub(crate) fn len(&self) -> usize {
        let queued: usize = self.segments.iter().map(Bytes::len).sum();
        queued + self.tail.len() - self.offset
    }

    /// True when everything has been written.
    pub(crate) fn is_empty(&self) -> bool {
        self.segments.is_empty() && self.tail.len() == self.offset
    }

    /// Issues one write of as much as possible; returns the bytes the kernel took.
    pub(crate) fn write_with(
        &mut self,
        write: impl FnOnce(&[IoSlice<'_>]) -> io::Result<usize>,
    ) -> io::Result<usize> {
        let written = if self.segments.is_empty() {
            write(&[IoSlice::new(&self.tail[self.offset..])])?
        } else {
            let mut slices = Vec::with_capacity(MAX_SLICES.min(self.segments.len() + 1));
            for (i, seg) in self.segments.iter().take(MAX_SLICES - 1).enumerate() {
                let start = if i == 0 { self.offset } else { 0 };
                slices.push(IoSlice::new(&seg[start..]));
            }
            if self.segments.len() < MAX_SLICES {
                slices.push(IoSlice::new(&self.tail));
            }
            write(&slices)?
        };
        self.consume(written);
        Ok(written)
    }

    fn consume(&mut self, mut n: usize) {
        while n > 0 {
            match self.segments.front() {
                Some(front) => {
                    let left = front.len() - self.offset;
                    if n >= left {
                        n -= left;
                        self.offset = 0;
                        self.segments.pop_front();
                    } else {
                        self.offset += n;
                        return;
                    }
                }
                None => {
                    self.offset += n;
                    break;
                }
            }
        }
        if self.segments.is_empty() && self.offset == self.tail.len() {
            self.tail.clear();
            self.offset = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(buf: &mut OutBuffer, chunk: usize) -> Vec<u8> {
        let mut out = Vec::new();
        while !buf.is_empty() {
            buf.write_with(|slices| {
                let mut n = 0;
                for s in slices {
                    let take = (chunk - n).min(s.len());
                    out.extend_from_slice(&s[..take]);
                    n += take;
                    if n == chunk {
                        break;
                    }
                }
                Ok(n)
            })
            .unwrap();
        }
        out
    }

    #[test]
    fn keeps_order_across_batches_and_shared_segments_with_partial_writes() {
        for chunk in [1, 3, 7, 100, 100_000] {
            let mut buf = OutBuffer::default();
            buf.tail().extend_from_slice(b"head");
            buf.push_shared(Bytes::from(vec![b'x'; 10_000]));
            buf.tail().extend_from_slice(b"mid");
            buf.push_shared(Bytes::from_static(b"big2"));
            buf.tail().extend_from_slice(b"end");
            assert_eq!(buf.len(), 4 + 10_000 + 3 + 4 + 3);
            let out = drain(&mut buf, chunk);
            let mut expected = b"head".to_vec();
            expected.extend(vec![b'x'; 10_000]);
            expected.extend_from_slice(b"midbig2end");
            assert_eq!(out, expected, "chunk {chunk}");
            assert_eq!(buf.len(), 0);
        }
    }
}
