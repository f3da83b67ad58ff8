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
    /// Executions per program counter (index), grown as needed.
    pub(crate) pcs: Vec<u64>,
    /// Per JUMPI program counter: [taken, not taken].
    pub(crate) jumpi: HashMap<usize, [u64; 2]>,
}

impl CodeHits {
    pub(crate) fn merge(&mut self, other: &Self) {
        if self.pcs.len() < other.pcs.len() {
            self.pcs.resize(other.pcs.len(), 0);
        }
        for (mine, theirs) in self.pcs.iter_mut().zip(&other.pcs) {
            *mine += theirs;
        }
        for (pc, [t, f]) in &other.jumpi {
            let entry = self.jumpi.entry(*pc).or_default();
            entry[0] += t;
            entry[1] += f;
        }
    }

    /// Executions of the instruction at `pc`.
    pub(crate) fn count(&self, pc: usize) -> u64 {
        self.pcs.get(pc).copied().unwrap_or(0)
    }
}

/// Records one run. Every instruction steps through here, so the code a
/// frame runs is looked up once when the frame starts, not per step.
#[derive(Debug, Default)]
pub(crate) struct CoverageRecorder {
    /// Index into `hits` of each open frame.
    frames: Vec<usize>,
    pub(crate) hits: Vec<(FrameCode, CodeHits)>,
    index: HashMap<FrameCode, usize>,
}

const JUMPI: u8 = 0x57;

impl CoverageRecorder {
    pub(crate) fn enter(&mut self, code: FrameCode) {
        let next = self.hits.len();
        let index = *self.index.entry(code.clone()).or_insert(next);
        if index == next {
            self.hits.push((code, CodeHits::default()));
        }
        self.frames.push(index);
    }

    pub(crate) fn exit(&mut self) {
        self.frames.pop();
    }

    /// One instruction at `pc`; for a JUMPI, whether it jumps.
    pub(crate) fn step(&mut self, pc: usize, opcode: u8, condition: impl FnOnce() -> bool) {
        let Some(index) = self.frames.last() else {
            return;
        };
        let hits = &mut self.hits[*index].1;
        if hits.pcs.len() <= pc {
            hits.pcs.resize(pc + 1, 0);
        }
        hits.pcs[pc] += 1;
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
