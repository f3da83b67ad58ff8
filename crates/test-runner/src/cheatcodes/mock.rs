//! `mockCall`: calls to an address with matching calldata answer with a
//! fixed result instead of running code, until `clearMockedCalls`.

use alloy_primitives::{Address, Bytes, U256};

/// One mocked call.
#[derive(Debug, Clone)]
pub(super) struct Mock {
    pub(super) callee: Address,
    /// Calldata, or a prefix of it.
    pub(super) data: Bytes,
    pub(super) value: Option<U256>,
    /// What the call returns (or reverts with).
    pub(super) result: Bytes,
    pub(super) reverts: bool,
}

/// The mocks in force.
#[derive(Debug, Default, Clone)]
pub(super) struct Mocks {
    mocks: Vec<Mock>,
}

impl Mocks {
    /// Adds `mock`, replacing one for the same callee, data and value.
    pub(super) fn add(&mut self, mock: Mock) {
        self.mocks
            .retain(|m| !(m.callee == mock.callee && m.data == mock.data && m.value == mock.value));
        self.mocks.push(mock);
    }

    pub(super) fn is_empty(&self) -> bool {
        self.mocks.is_empty()
    }

    pub(super) fn clear(&mut self) {
        self.mocks.clear();
    }

    /// The mock answering a call: exact calldata first, else the longest
    /// matching prefix (as forge chooses).
    pub(super) fn find(&self, callee: Address, input: &[u8], value: U256) -> Option<&Mock> {
        self.mocks
            .iter()
            .filter(|m| {
                m.callee == callee
                    && input.starts_with(&m.data)
                    && m.value.is_none_or(|v| v == value)
            })
            .max_by_key(|m| (m.data.len() == input.len(), m.data.len(), m.value.is_some()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mock(data: &'static [u8], result: &'static [u8]) -> Mock {
        Mock {
            callee: Address::repeat_byte(1),
            data: Bytes::from_static(data),
            value: None,
            result: Bytes::from_static(result),
            reverts: false,
        }
    }

    #[test]
    fn exact_data_wins_over_prefixes_and_clear_removes_all() {
        let callee = Address::repeat_byte(1);
        let mut mocks = Mocks::default();
        mocks.add(mock(&[1], b"prefix"));
        mocks.add(mock(&[1, 2, 3], b"exact"));
        mocks.add(mock(&[1, 2], b"longer prefix"));
        let answer =
            |m: &Mocks, input: &[u8]| m.find(callee, input, U256::ZERO).map(|m| m.result.to_vec());
        assert_eq!(answer(&mocks, &[1, 2, 3]).as_deref(), Some(&b"exact"[..]));
        assert_eq!(
            answer(&mocks, &[1, 2, 9]).as_deref(),
            Some(&b"longer prefix"[..])
        );
        assert_eq!(answer(&mocks, &[1, 9]).as_deref(), Some(&b"prefix"[..]));
        assert_eq!(answer(&mocks, &[2]), None);
        assert!(mocks.find(Address::ZERO, &[1], U256::ZERO).is_none());
        mocks.add(mock(&[1], b"replaced"));
        assert_eq!(answer(&mocks, &[1, 9]).as_deref(), Some(&b"replaced"[..]));
        mocks.clear();
        assert_eq!(answer(&mocks, &[1, 2, 3]), None);
    }
}
