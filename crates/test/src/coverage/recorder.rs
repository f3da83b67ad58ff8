//! The inspector's side of coverage: how often each instruction of each
//! piece of code ran, and which way each JUMPI went.

use std::collections::HashMap;

use alloy_primitives::{Address, Bytes};

/// The code a frame runs: a deployed contract's, or init code.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum FrameCode {
    Runtime(Address),
    Init(Bytes),
}

/// Counts for one piece of code.
#[derive(Clone, Debug, Default)]
pub(crate) struct CodeHits {
    /// Executions per program counter.
    pub(crate) pcs: HashMap<usize, u64>,
    /// Per JUMPI program counter: [taken, not taken].
    pub(crate) jumpi: HashMap<usize, [u64; 2]>,
}

impl CodeHits {
    pub(crate) fn merge(&mut self, other: &Self) {
        for (pc, n) in &other.pcs {
            *self.pcs.entry(*pc).or_default() += n;
        }
        for (pc, [t, f]) in &other.jumpi {
            let entry = self.jumpi.entry(*pc).or_default();
            entry[0] += t;
            entry[1] += f;
        }
    }
}

/// Records one run.
#[derive(Debug, Default)]
pub(crate) struct CoverageRecorder {
    frames: Vec<FrameCode>,
    pub(crate) hits: HashMap<FrameCode, CodeHits>,
    /// The hits of the frame on top, looked up once per frame.
    current: Option<FrameCode>,
}

const JUMPI: u8 = 0x57;

impl CoverageRecorder {
    pub(crate) fn enter(&mut self, code: FrameCode) {
        self.frames.push(code.clone());
        self.current = Some(code);
    }

    pub(crate) fn exit(&mut self) {
        self.frames.pop();
        self.current = self.frames.last().cloned();
    }

    /// One instruction at `pc`; for a JUMPI, whether it jumps.
    pub(crate) fn step(&mut self, pc: usize, opcode: u8, condition: impl FnOnce() -> bool) {
        let Some(code) = &self.current else {
            return;
        };
        let hits = match self.hits.get_mut(code) {
            Some(h) => h,
            None => self.hits.entry(code.clone()).or_default(),
        };
        *hits.pcs.entry(pc).or_default() += 1;
        if opcode == JUMPI {
            let entry = hits.jumpi.entry(pc).or_default();
            if condition() {
                entry[0] += 1;
            } else {
                entry[1] += 1;
            }
        }
    }
}
