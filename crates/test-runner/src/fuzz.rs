//! Fuzz inputs: a seeded generator that mixes random values with edge
//! values and the constants found in the code under test, and a shrinker
//! that walks a failing input down to a minimal one.

use alloy_dyn_abi::{DynSolType, DynSolValue};
use alloy_primitives::{Address, B256, I256, U256};
use rand::{Rng, RngCore, SeedableRng, rngs::StdRng};

/// Values worth trying, gathered from the state the tests run against:
/// every `PUSH` constant of every contract's code and every address that
/// holds an account.
#[derive(Debug, Default, Clone)]
pub(crate) struct Dictionary {
    words: Vec<B256>,
    addresses: Vec<Address>,
}

impl Dictionary {
    /// Collects the constants of `codes` and the `addresses`.
    pub(crate) fn new<'a>(
        codes: impl IntoIterator<Item = &'a [u8]>,
        addresses: impl IntoIterator<Item = Address>,
    ) -> Self {
        let mut words = Vec::new();
        for code in codes {
            push_constants(code, &mut words);
        }
        words.sort_unstable();
        words.dedup();
        let mut addresses: Vec<Address> = addresses.into_iter().collect();
        addresses.sort_unstable();
        addresses.dedup();
        Self { words, addresses }
    }
}

/// The immediates of `PUSH1`…`PUSH32`, right-aligned in 32 bytes.
fn push_constants(code: &[u8], out: &mut Vec<B256>) {
    let mut pc = 0;
    while pc < code.len() {
        let op = code[pc];
        if (0x60..=0x7f).contains(&op) {
            let size = usize::from(op - 0x5f);
            let Some(bytes) = code.get(pc + 1..pc + 1 + size) else {
                break;
            };
            let mut word = B256::ZERO;
            word[32 - size..].copy_from_slice(bytes);
            out.push(word);
            pc += size;
        }
        pc += 1;
    }
}

/// Generates inputs for one fuzz test from a seed.
pub(crate) struct Generator<'a> {
    rng: StdRng,
    dictionary: &'a Dictionary,
}

fn max_uint(bits: usize) -> U256 {
    if bits >= 256 {
        U256::MAX
    } else {
        (U256::from(1) << bits) - U256::from(1)
    }
}

impl<'a> Generator<'a> {
    pub(crate) fn new(seed: u64, dictionary: &'a Dictionary) -> Self {
        Self {
            rng: StdRng::seed_from_u64(seed),
            dictionary,
        }
    }

    /// An index below `n` (> 0).
    pub(crate) fn pick(&mut self, n: usize) -> usize {
        self.rng.random_range(0..n)
    }

    /// A random address, now and then one that holds an account.
    pub(crate) fn address(&mut self) -> Address {
        match self.value(&DynSolType::Address, 0) {
            DynSolValue::Address(a) => a,
            _ => Address::ZERO,
        }
    }

    /// One value of every type in `types`.
    pub(crate) fn inputs(&mut self, types: &[DynSolType]) -> Vec<DynSolValue> {
        types.iter().map(|t| self.value(t, 0)).collect()
    }

    fn random_uint(&mut self, bits: usize) -> U256 {
        let max = max_uint(bits);
        match self.rng.random_range(0..10) {
            // Edge values: 0, 1, 2, max, max - 1, a power of two.
            0..=1 => {
                let power = U256::from(1) << self.rng.random_range(0..bits.max(1));
                let edges = [
                    U256::ZERO,
                    U256::from(1),
                    U256::from(2),
                    max,
                    max - U256::from(1),
                    power,
                    power - U256::from(1),
                ];
                edges[self.rng.random_range(0..edges.len())] & max
            }
            // A constant from the code (or its neighbours).
            2..=3 if !self.dictionary.words.is_empty() => {
                let word =
                    self.dictionary.words[self.rng.random_range(0..self.dictionary.words.len())];
                let value = U256::from_be_bytes(word.0);
                let nudged = match self.rng.random_range(0..3) {
                    0 => value.wrapping_sub(U256::from(1)),
                    1 => value.wrapping_add(U256::from(1)),
                    _ => value,
                };
                nudged & max
            }
            // Random, with a random bit width so small values are common.
            _ => {
                let mut bytes = [0u8; 32];
                self.rng.fill_bytes(&mut bytes);
                let width = self.rng.random_range(1..=bits.max(1));
                U256::from_be_bytes(bytes) & max_uint(width)
            }
        }
    }

    fn value(&mut self, ty: &DynSolType, nesting: usize) -> DynSolValue {
        match ty {
            DynSolType::Bool => DynSolValue::Bool(self.rng.random_bool(0.5)),
            DynSolType::Uint(bits) => DynSolValue::Uint(self.random_uint(*bits), *bits),
            DynSolType::Int(bits) => {
                // A magnitude like an unsigned value's, and a random sign;
                // now and then the most negative value, which has no
                // positive counterpart.
                let bits = (*bits).max(1);
                let value = if self.rng.random_range(0..16) == 0 {
                    sign_extend(U256::from(1) << (bits - 1), bits)
                } else {
                    let magnitude = I256::from_raw(self.random_uint(bits - 1));
                    if self.rng.random_bool(0.5) {
                        magnitude.wrapping_neg()
                    } else {
                        magnitude
                    }
                };
                DynSolValue::Int(value, bits)
            }
            DynSolType::Address => {
                let known = &self.dictionary.addresses;
                let address = match self.rng.random_range(0..4) {
                    0 if !known.is_empty() => known[self.rng.random_range(0..known.len())],
                    1 => Address::ZERO,
                    _ => {
                        let mut bytes = [0u8; 20];
                        self.rng.fill_bytes(&mut bytes);
                        Address::from(bytes)
                    }
                };
                DynSolValue::Address(address)
            }
            DynSolType::FixedBytes(size) => {
                let mut word = B256::ZERO;
                match self.rng.random_range(0..4) {
                    0 if !self.dictionary.words.is_empty() => {
                        let w = self.dictionary.words
                            [self.rng.random_range(0..self.dictionary.words.len())];
                        word[..*size].copy_from_slice(&w[32 - size..]);
                    }
                    1 => {}
                    _ => self.rng.fill_bytes(&mut word[..*size]),
                }
                DynSolValue::FixedBytes(word, *size)
            }
            DynSolType::Bytes => {
                let mut bytes = vec![0u8; self.length(96)];
                self.rng.fill_bytes(&mut bytes);
                DynSolValue::Bytes(bytes)
            }
            DynSolType::String => {
                let length = self.length(48);
                let text: String = (0..length)
                    .map(|_| {
                        if self.rng.random_range(0..8) == 0 {
                            char::from_u32(self.rng.random_range(0xa0..0x2fff)).unwrap_or('?')
                        } else {
                            char::from(self.rng.random_range(0x20u8..0x7f))
                        }
                    })
                    .collect();
                DynSolValue::String(text)
            }
            DynSolType::Array(inner) => {
                let length = if nesting > 2 { 0 } else { self.length(8) };
                DynSolValue::Array(
                    (0..length)
                        .map(|_| self.value(inner, nesting + 1))
                        .collect(),
                )
            }
            DynSolType::FixedArray(inner, size) => DynSolValue::FixedArray(
                (0..*size).map(|_| self.value(inner, nesting + 1)).collect(),
            ),
            DynSolType::Tuple(types) => {
                DynSolValue::Tuple(types.iter().map(|t| self.value(t, nesting + 1)).collect())
            }
            // Function pointers and custom values do not appear in test signatures.
            _ => DynSolValue::Bool(false),
        }
    }

    /// A length, short ones more often.
    fn length(&mut self, max: usize) -> usize {
        if self.rng.random_bool(0.25) {
            0
        } else {
            let cap = self.rng.random_range(1..=max);
            self.rng.random_range(0..=cap)
        }
    }
}

/// Reads the low `bits` of `raw` as a two's-complement integer.
fn sign_extend(raw: U256, bits: usize) -> I256 {
    if bits >= 256 {
        return I256::from_raw(raw);
    }
    let negative = raw.bit(bits - 1);
    let extended = if negative { raw | !max_uint(bits) } else { raw };
    I256::from_raw(extended)
}

/// Shrinks a failing input: every integer is brought as close to zero as it
/// can be while the test still fails (binary search: the smallest failing
/// value when failure is monotone in it), booleans to false, addresses and
/// fixed bytes to zero, dynamic values to the shortest failing prefix.
/// `fails` runs the test; at most `budget` runs are spent.
pub(crate) fn shrink(
    mut values: Vec<DynSolValue>,
    mut fails: impl FnMut(&[DynSolValue]) -> bool,
    budget: usize,
) -> Vec<DynSolValue> {
    let mut spent = 0usize;
    let mut attempt = |candidate: &[DynSolValue]| {
        spent += 1;
        spent <= budget && fails(candidate)
    };
    for _pass in 0..3 {
        let before = values.clone();
        for index in 0..values.len() {
            shrink_at(&mut values, &mut vec![index], &mut attempt);
        }
        if values == before {
            break;
        }
    }
    values
}

fn get_mut<'v>(values: &'v mut [DynSolValue], path: &[usize]) -> &'v mut DynSolValue {
    let mut value = &mut values[path[0]];
    for &i in &path[1..] {
        value = match value {
            DynSolValue::Array(items)
            | DynSolValue::FixedArray(items)
            | DynSolValue::Tuple(items) => &mut items[i],
            _ => unreachable!("paths only lead into containers"),
        };
    }
    value
}

/// Tries `candidate` in place of the value at `path`; keeps it if the test
/// still fails.
fn try_replace(
    values: &mut [DynSolValue],
    path: &[usize],
    candidate: DynSolValue,
    attempt: &mut impl FnMut(&[DynSolValue]) -> bool,
) -> bool {
    let old = std::mem::replace(get_mut(values, path), candidate);
    if attempt(values) {
        true
    } else {
        *get_mut(values, path) = old;
        false
    }
}

fn shrink_at(
    values: &mut [DynSolValue],
    path: &mut Vec<usize>,
    attempt: &mut impl FnMut(&[DynSolValue]) -> bool,
) {
    let current = get_mut(values, path).clone();
    match current {
        DynSolValue::Bool(true) => {
            try_replace(values, path, DynSolValue::Bool(false), attempt);
        }
        DynSolValue::Uint(v, bits) if !v.is_zero() => {
            let smallest = smallest_failing(v, |x| {
                try_replace(values, path, DynSolValue::Uint(x, bits), attempt)
            });
            *get_mut(values, path) = DynSolValue::Uint(smallest, bits);
        }
        DynSolValue::Int(v, bits) if !v.is_zero() => {
            let sign = v.sign();
            let smallest = smallest_failing(v.unsigned_abs(), |x| {
                I256::checked_from_sign_and_abs(sign, x)
                    .is_some_and(|c| try_replace(values, path, DynSolValue::Int(c, bits), attempt))
            });
            if let Some(c) = I256::checked_from_sign_and_abs(sign, smallest) {
                *get_mut(values, path) = DynSolValue::Int(c, bits);
            }
        }
        DynSolValue::Address(a) if !a.is_zero() => {
            try_replace(values, path, DynSolValue::Address(Address::ZERO), attempt);
        }
        DynSolValue::FixedBytes(w, size) if !w.is_zero() => {
            try_replace(
                values,
                path,
                DynSolValue::FixedBytes(B256::ZERO, size),
                attempt,
            );
        }
        DynSolValue::Bytes(bytes) => {
            let length = shortest_failing(bytes.len(), |n| {
                try_replace(
                    values,
                    path,
                    DynSolValue::Bytes(bytes[..n].to_vec()),
                    attempt,
                )
            });
            *get_mut(values, path) = DynSolValue::Bytes(bytes[..length].to_vec());
            if bytes[..length].iter().any(|b| *b != 0) {
                try_replace(values, path, DynSolValue::Bytes(vec![0; length]), attempt);
            }
        }
        DynSolValue::String(text) => {
            let chars: Vec<char> = text.chars().collect();
            let cut = |n: usize| chars[..n].iter().collect::<String>();
            let length = shortest_failing(chars.len(), |n| {
                try_replace(values, path, DynSolValue::String(cut(n)), attempt)
            });
            *get_mut(values, path) = DynSolValue::String(cut(length));
        }
        DynSolValue::Array(items) => {
            let length = shortest_failing(items.len(), |n| {
                try_replace(
                    values,
                    path,
                    DynSolValue::Array(items[..n].to_vec()),
                    attempt,
                )
            });
            *get_mut(values, path) = DynSolValue::Array(items[..length].to_vec());
            shrink_children(values, path, length, attempt);
        }
        DynSolValue::FixedArray(items) | DynSolValue::Tuple(items) => {
            shrink_children(values, path, items.len(), attempt);
        }
        _ => {}
    }
}

fn shrink_children(
    values: &mut [DynSolValue],
    path: &mut Vec<usize>,
    count: usize,
    attempt: &mut impl FnMut(&[DynSolValue]) -> bool,
) {
    for i in 0..count {
        path.push(i);
        shrink_at(values, path, attempt);
        path.pop();
    }
}

/// The smallest `x` in `[0, failing]` for which `fails(x)` holds, by binary
/// search (exact when failure is monotone in `x`).
fn smallest_failing(failing: U256, mut fails: impl FnMut(U256) -> bool) -> U256 {
    if fails(U256::ZERO) {
        return U256::ZERO;
    }
    let (mut passing, mut failing) = (U256::ZERO, failing);
    while failing - passing > U256::from(1) {
        let middle = passing + (failing - passing) / U256::from(2);
        if fails(middle) {
            failing = middle;
        } else {
            passing = middle;
        }
    }
    failing
}

/// The shortest prefix length in `[0, length]` that still fails.
fn shortest_failing(length: usize, mut fails: impl FnMut(usize) -> bool) -> usize {
    let found = smallest_failing(U256::from(length), |n| fails(n.saturating_to()));
    found.saturating_to()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_is_deterministic_per_seed_and_finds_code_constants() {
        let dictionary = Dictionary::new([&[0x61, 0x13, 0x37, 0x00][..]], []);
        assert_eq!(dictionary.words.len(), 1);
        let types = [DynSolType::Uint(256), DynSolType::Int(8), DynSolType::Bytes];
        let mut g = Generator::new(7, &dictionary);
        let a: Vec<_> = (0..50).map(|_| g.inputs(&types)).collect();
        let mut g = Generator::new(7, &dictionary);
        let b: Vec<_> = (0..50).map(|_| g.inputs(&types)).collect();
        assert_eq!(a, b, "same seed, same inputs");
        let constant = U256::from(0x1337);
        let found = (0..2000).any(|_| g.inputs(&types)[0] == DynSolValue::Uint(constant, 256));
        assert!(found, "constants from the bytecode are tried");
        for _ in 0..500 {
            let DynSolValue::Int(v, 8) = g.inputs(&types)[1].clone() else {
                panic!("int8 expected")
            };
            assert!(
                v >= I256::try_from(-128).expect("fits") && v <= I256::try_from(127).expect("fits")
            );
        }
    }

    #[test]
    fn shrinking_finds_the_threshold_and_the_shortest_failing_bytes() {
        let failing = vec![
            DynSolValue::Uint(U256::MAX - U256::from(5), 256),
            DynSolValue::Bytes(vec![9; 40]),
            DynSolValue::Bool(true),
        ];
        let shrunk = shrink(
            failing,
            |v| match (&v[0], &v[1]) {
                (DynSolValue::Uint(x, _), DynSolValue::Bytes(b)) => {
                    *x >= U256::from(1000) && b.len() >= 3
                }
                _ => false,
            },
            10_000,
        );
        assert_eq!(
            shrunk,
            vec![
                DynSolValue::Uint(U256::from(1000), 256),
                DynSolValue::Bytes(vec![0; 3]),
                DynSolValue::Bool(false),
            ]
        );
    }

    #[test]
    fn negative_integers_shrink_toward_zero() {
        let shrunk = shrink(
            vec![DynSolValue::Int(I256::MIN, 256)],
            |v| matches!(&v[0], DynSolValue::Int(x, _) if *x <= I256::try_from(-42).expect("fits")),
            10_000,
        );
        assert_eq!(
            shrunk,
            vec![DynSolValue::Int(I256::try_from(-42).expect("fits"), 256)]
        );
    }
}
