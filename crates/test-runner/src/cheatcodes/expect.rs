//! What a test declares will happen: `expectRevert` (the next call reverts),
//! `expectEmit` (the next call emits these events, in order) and
//! `expectCall` (this call happens during the test).

use alloy_primitives::{Address, Bytes, Log, U256, hex};
use alloy_sol_types::{Revert, SolError};
use slipway_contracts::Decoder;

/// What `expectRevert` expects of the next call at its depth.
#[derive(Debug, Clone)]
pub(super) enum RevertData {
    Any,
    /// Exactly these four bytes (`expectRevert(bytes4)`, as forge 1.x: an
    /// error with arguments needs `expectPartialRevert`).
    Selector([u8; 4]),
    /// Revert data starting with this selector (`expectPartialRevert`).
    Partial([u8; 4]),
    Data(Bytes),
}

#[derive(Debug, Clone)]
pub(super) struct ExpectRevert {
    pub(super) expected: RevertData,
    /// The contract the revert must come from.
    pub(super) reverter: Option<Address>,
    /// How many of the next calls at `depth` must revert so; 0: the next
    /// call must not.
    pub(super) count: u64,
    pub(super) depth: usize,
    /// Set once the call it applies to has started.
    pub(super) armed: bool,
}

impl ExpectRevert {
    /// `Ok` when a call that ended with `reverted`/`output` meets the
    /// expectation, else the failure message, both errors decoded with
    /// the build's errors where `decoder` knows them.
    pub(super) fn check(
        &self,
        reverted: bool,
        output: &[u8],
        origin: Option<Address>,
        decoder: Option<&Decoder>,
    ) -> Result<(), String> {
        if self.count == 0 {
            return match reverted && self.matches(output, origin) {
                true => Err(format!(
                    "vm.expectRevert: the call reverted with {} but no such revert was expected (count 0)",
                    revert_shown(output, decoder)
                )),
                false => Ok(()),
            };
        }
        if !reverted {
            return Err("vm.expectRevert: the call did not revert".into());
        }
        if !self.data_matches(output) {
            let wanted = match &self.expected {
                RevertData::Any => String::new(),
                RevertData::Selector(s) | RevertData::Partial(s) => {
                    let exactly = match self.expected {
                        RevertData::Selector(_) => " alone",
                        _ => "",
                    };
                    match decoder.and_then(|d| d.error_name(*s)) {
                        Some(name) => format!("{name} (selector {}{exactly})", hex_of(s)),
                        None => format!("the selector {}{exactly}", hex_of(s)),
                    }
                }
                RevertData::Data(d) => expected_data(d, decoder),
            };
            return Err(format!(
                "vm.expectRevert: the call reverted with {} but {wanted} was expected",
                revert_shown(output, decoder)
            ));
        }
        match (self.reverter, origin) {
            (Some(wanted), Some(from)) if wanted != from => Err(format!(
                "vm.expectRevert: the revert came from {from} but {wanted} was expected to revert"
            )),
            _ => Ok(()),
        }
    }

    fn matches(&self, output: &[u8], origin: Option<Address>) -> bool {
        self.data_matches(output) && self.reverter.is_none_or(|r| origin == Some(r))
    }

    fn data_matches(&self, output: &[u8]) -> bool {
        match &self.expected {
            RevertData::Any => true,
            RevertData::Selector(s) => output == s.as_slice(),
            RevertData::Partial(s) => output.get(..4) == Some(s.as_slice()),
            // `expectRevert("reason")` passes the reason as bytes: it also
            // matches `Error(string)` with that reason, as in forge.
            RevertData::Data(d) => {
                output == d.as_ref()
                    || Revert::abi_decode(output).is_ok_and(|r| r.reason.as_bytes() == d.as_ref())
            }
        }
    }
}

/// Revert data as a failure message shows it: a reason quoted, a panic
/// or custom error decoded, else hex.
fn revert_shown(data: &[u8], decoder: Option<&Decoder>) -> String {
    if let Ok(revert) = Revert::abi_decode(data) {
        return format!("{:?}", revert.reason);
    }
    match decoder {
        Some(decoder) => decoder.revert_reason(data),
        None if data.is_empty() => "no data".into(),
        None => hex_of(data),
    }
}

/// What `expectRevert(bytes)` was given: encoded revert data (a reason, a
/// custom error with its arguments), or a bare reason's bytes.
fn expected_data(data: &[u8], decoder: Option<&Decoder>) -> String {
    let known = Revert::abi_decode(data).is_ok()
        || data
            .get(..4)
            .and_then(|s| <[u8; 4]>::try_from(s).ok())
            .is_some_and(|s| decoder.is_some_and(|d| d.error_name(s).is_some()));
    if known {
        return revert_shown(data, decoder);
    }
    match std::str::from_utf8(data) {
        Ok(text) if !text.is_empty() && !text.chars().any(char::is_control) => {
            format!("{text:?}")
        }
        _ => hex_of(data),
    }
}

/// One `expectEmit`: the event the test emits next is the template, and
/// the next call must emit a matching one.
#[derive(Debug, Clone)]
pub(super) struct ExpectedEmit {
    pub(super) depth: usize,
    /// Compare topic 1, 2, 3 and the data.
    pub(super) checks: [bool; 4],
    pub(super) emitter: Option<Address>,
    /// The template: the event the test emitted after `expectEmit`.
    pub(super) template: Option<Log>,
    pub(super) found: bool,
    /// Why the closest candidate (same event signature) did not match.
    pub(super) near_miss: Option<String>,
}

impl ExpectedEmit {
    /// Why `log` does not match the template, or `None` when it does.
    fn mismatch(&self, log: &Log) -> Option<String> {
        let template = self.template.as_ref()?;
        let (want, got) = (template.topics(), log.topics());
        if want.first() != got.first() {
            return Some("another event".into());
        }
        if let Some(emitter) = self.emitter
            && emitter != log.address
        {
            return Some(format!(
                "the event came from {} but {emitter} was expected as emitter",
                log.address
            ));
        }
        if want.len() != got.len() {
            return Some(format!(
                "it has {} topics but {} were expected",
                got.len(),
                want.len()
            ));
        }
        for i in 1..want.len() {
            if self.checks[i - 1] && want[i] != got[i] {
                return Some(format!(
                    "topic {i} is {} but {} was expected",
                    got[i], want[i]
                ));
            }
        }
        if self.checks[3] && template.data.data != log.data.data {
            return Some(format!(
                "its data is {} but {} was expected",
                hex_of(&log.data.data),
                hex_of(&template.data.data)
            ));
        }
        None
    }

    fn describe(&self, event_name: &dyn Fn(&Log) -> String) -> String {
        let Some(template) = &self.template else {
            return "an event (none was emitted after vm.expectEmit to serve as the template)"
                .into();
        };
        let topic0 = event_name(template);
        let emitter = self
            .emitter
            .map(|e| format!(" from {e}"))
            .unwrap_or_default();
        let why = self
            .near_miss
            .as_ref()
            .map(|w| format!(" (closest candidate: {w})"))
            .unwrap_or_default();
        format!("event {topic0}{emitter}{why}")
    }
}

/// The ordered `expectEmit` queue.
#[derive(Debug, Default)]
pub(super) struct EmitQueue {
    pub(super) expected: Vec<ExpectedEmit>,
}

impl EmitQueue {
    pub(super) fn push(&mut self, depth: usize, checks: [bool; 4], emitter: Option<Address>) {
        self.expected.push(ExpectedEmit {
            depth,
            checks,
            emitter,
            template: None,
            found: false,
            near_miss: None,
        });
    }

    /// A log was emitted: it becomes the template of the newest
    /// expectation without one, or it may match the next unmatched one
    /// (expectations are matched in order; other events may come between).
    pub(super) fn on_log(&mut self, log: &Log) {
        if let Some(waiting) = self.expected.iter_mut().find(|e| e.template.is_none()) {
            waiting.template = Some(log.clone());
            return;
        }
        if let Some(next) = self.expected.iter_mut().find(|e| !e.found) {
            match next.mismatch(log) {
                None => next.found = true,
                Some(why) if why != "another event" => next.near_miss = Some(why),
                Some(_) => {}
            }
        }
    }

    /// A non-static call ended at `depth`: if expectations were declared at
    /// that depth they must all be met now; the queue is cleared either way.
    pub(super) fn on_call_end(
        &mut self,
        depth: usize,
        event_name: &dyn Fn(&Log) -> String,
    ) -> Option<String> {
        let applies = self
            .expected
            .iter()
            .any(|e| e.depth == depth && e.template.is_some());
        if !applies || self.expected.iter().any(|e| e.template.is_none()) {
            return None;
        }
        let result = self.unmet(event_name);
        self.expected.clear();
        result
    }

    /// The first expectation not met, as a failure message.
    pub(super) fn unmet(&self, event_name: &dyn Fn(&Log) -> String) -> Option<String> {
        let total = self.expected.len();
        self.expected
            .iter()
            .enumerate()
            .find(|(_, e)| !e.found)
            .map(|(i, e)| {
                format!(
                    "vm.expectEmit: expected {} was not emitted (expectation {} of {total}, matched in order)",
                    e.describe(event_name),
                    i + 1
                )
            })
    }
}

/// One `expectCall`.
#[derive(Debug, Clone)]
pub(super) struct ExpectedCall {
    pub(super) callee: Address,
    /// Calldata prefix.
    pub(super) data: Bytes,
    pub(super) value: Option<U256>,
    /// Exactly this many calls; `None`: at least one.
    pub(super) count: Option<u64>,
    pub(super) seen: u64,
}

impl ExpectedCall {
    pub(super) fn observe(&mut self, callee: Address, input: &[u8], value: U256) {
        if callee == self.callee
            && input.starts_with(&self.data)
            && self.value.is_none_or(|v| v == value)
        {
            self.seen += 1;
        }
    }

    pub(super) fn unmet(&self) -> Option<String> {
        let met = match self.count {
            Some(n) => self.seen == n,
            None => self.seen > 0,
        };
        if met {
            return None;
        }
        let value = self
            .value
            .map(|v| format!(" and value {v}"))
            .unwrap_or_default();
        let wanted = match self.count {
            Some(n) => format!("{n} time{}", if n == 1 { "" } else { "s" }),
            None => "at least once".to_owned(),
        };
        Some(format!(
            "vm.expectCall: expected a call to {} with data {}{value} {wanted}, but it was called {} time{}",
            self.callee,
            hex_of(&self.data),
            self.seen,
            if self.seen == 1 { "" } else { "s" }
        ))
    }
}

pub(super) fn hex_of(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::{B256, LogData};

    fn log(address: Address, topics: &[u8], data: &[u8]) -> Log {
        Log {
            address,
            data: LogData::new_unchecked(
                topics.iter().map(|t| B256::repeat_byte(*t)).collect(),
                Bytes::copy_from_slice(data),
            ),
        }
    }

    fn hex_name(log: &Log) -> String {
        log.topics()
            .first()
            .map(|t| t.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn unchecked_topics_are_ignored_and_checked_ones_compared() {
        let a = Address::repeat_byte(1);
        let mut queue = EmitQueue::default();
        queue.push(1, [true, false, false, true], None);
        queue.on_log(&log(a, &[9, 1, 2], b"d"));
        queue.on_log(&log(a, &[9, 1, 7], b"d"));
        assert!(
            queue.on_call_end(1, &hex_name).is_none(),
            "topic 2 is not checked"
        );

        queue.push(1, [true, false, false, true], None);
        queue.on_log(&log(a, &[9, 1, 2], b"d"));
        queue.on_log(&log(a, &[9, 5, 2], b"d"));
        let message = queue.on_call_end(1, &hex_name).expect("topic 1 differs");
        assert!(message.contains("topic 1 is"), "{message}");
        assert!(queue.expected.is_empty(), "the queue is cleared");
    }

    #[test]
    fn emitter_and_order_are_enforced() {
        let (a, b) = (Address::repeat_byte(1), Address::repeat_byte(2));
        let mut queue = EmitQueue::default();
        queue.push(1, [true; 4], Some(a));
        queue.on_log(&log(b, &[9], b""));
        queue.on_log(&log(b, &[9], b""));
        let message = queue.on_call_end(1, &hex_name).expect("wrong emitter");
        assert!(message.contains("came from"), "{message}");

        queue.push(1, [true; 4], None);
        queue.push(1, [true; 4], None);
        queue.on_log(&log(a, &[1], b""));
        queue.on_log(&log(a, &[2], b""));
        // Emitted in the other order: the second expectation is never met.
        queue.on_log(&log(a, &[2], b""));
        queue.on_log(&log(a, &[1], b""));
        let message = queue.on_call_end(1, &hex_name).expect("out of order");
        assert!(message.contains("expectation 2 of 2"), "{message}");
    }

    #[test]
    fn expected_calls_count_prefix_matches() {
        let callee = Address::repeat_byte(3);
        let mut call = ExpectedCall {
            callee,
            data: Bytes::from_static(&[1, 2]),
            value: None,
            count: Some(2),
            seen: 0,
        };
        call.observe(callee, &[1, 2, 3], U256::ZERO);
        call.observe(callee, &[1, 3], U256::ZERO);
        call.observe(Address::ZERO, &[1, 2], U256::ZERO);
        assert!(call.unmet().expect("one of two").contains("called 1 time"));
        call.observe(callee, &[1, 2], U256::ZERO);
        assert!(call.unmet().is_none());
    }
}
