//! One line of a log: `CRC SEQ PREV JSON`.
//!
//! - `CRC` is the CRC-32 of everything after it (`SEQ PREV JSON`), so a
//!   damaged line is refused;
//! - `SEQ` is the record's position in the log (0 for the first);
//! - `PREV` is the previous line's `CRC` (0 for the first), so each record
//!   names the one it follows: a record deleted, duplicated or moved breaks
//!   the chain where it happened.
//!
//! Older logs hold `CRC JSON` lines (CRC of the JSON), or bare JSON where
//! the format allows it. They still read, as the unchained start of a
//! log; chained lines may follow them, never the other way round.

use serde::{Serialize, de::DeserializeOwned};

use crate::Format;

/// Where the chain stands after some records: how many, and the hash of
/// the last one (0 when there is none).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Tip {
    pub(crate) records: u64,
    pub(crate) hash: u32,
}

/// A parsed line: the record and its hash (the line's CRC).
pub(crate) struct Parsed<R> {
    pub(crate) record: R,
    pub(crate) hash: u32,
    pub(crate) chained: bool,
}

/// Appends the line of `record`, which follows `tip`, to `out`; returns
/// its hash.
pub(crate) fn encode<R: Serialize>(
    record: &R,
    tip: Tip,
    out: &mut Vec<u8>,
) -> Result<u32, serde_json::Error> {
    let json = serde_json::to_vec(record)?;
    let body_start = out.len() + 9;
    out.extend_from_slice(b"00000000 ");
    out.extend_from_slice(format!("{} {:08x} ", tip.records, tip.hash).as_bytes());
    out.extend_from_slice(&json);
    let hash = crc32fast::hash(&out[body_start..]);
    out[body_start - 9..body_start - 1].copy_from_slice(format!("{hash:08x}").as_bytes());
    out.push(b'\n');
    Ok(hash)
}

/// Why a line is not the next record. `Damaged` lines may be a torn
/// tail; a broken chain never is (its checksum held).
pub(crate) enum Refused {
    Damaged(String),
    OutOfChain(String),
}

pub(crate) fn json<R: DeserializeOwned>(text: &str) -> Result<R, Refused> {
    serde_json::from_str(text).map_err(|e| Refused::Damaged(format!("not a record ({e})")))
}

/// A line's body as it stands, not parsed (the caller parses the bodies of
/// a whole log at once, and reads the log again line by line if one of
/// them is not a record).
pub(crate) fn unparsed(text: &str) -> Result<String, Refused> {
    Ok(text.to_owned())
}

/// Parses `line`, which should be the record after `tip`. `chained`
/// tells whether a chained line came before (then no older line may
/// follow). `record_of` ([`json`], or [`unparsed`]) makes the record of
/// a line's JSON body.
pub(crate) fn parse<R>(
    line: &str,
    tip: Tip,
    chained: bool,
    format: &Format,
    record_of: fn(&str) -> Result<R, Refused>,
) -> Result<Parsed<R>, Refused> {
    let unchained_after_chained = || {
        Refused::OutOfChain(format!(
            "record {} has no sequence number, but the records before it do: a line from an older log was put here",
            tip.records
        ))
    };
    if format.legacy_json && line.starts_with('{') {
        if chained {
            return Err(unchained_after_chained());
        }
        return Ok(Parsed {
            record: record_of(line)?,
            hash: crc32fast::hash(line.as_bytes()),
            chained: false,
        });
    }
    let (crc, body) = line
        .split_once(' ')
        .ok_or_else(|| Refused::Damaged("no checksum".into()))?;
    let crc = u32::from_str_radix(crc, 16)
        .ok()
        .filter(|_| crc.len() == 8)
        .ok_or_else(|| Refused::Damaged("bad checksum field".into()))?;
    if crc32fast::hash(body.as_bytes()) != crc {
        return Err(Refused::Damaged("checksum mismatch".into()));
    }
    if body.starts_with('{') {
        if chained {
            return Err(unchained_after_chained());
        }
        return Ok(Parsed {
            record: record_of(body)?,
            hash: crc,
            chained: false,
        });
    }
    let mut fields = body.splitn(3, ' ');
    let (Some(seq), Some(prev), Some(text)) = (fields.next(), fields.next(), fields.next()) else {
        return Err(Refused::Damaged(
            "no sequence number or previous hash".into(),
        ));
    };
    let seq: u64 = seq
        .parse()
        .map_err(|_| Refused::Damaged("bad sequence number".into()))?;
    let prev = u32::from_str_radix(prev, 16)
        .map_err(|_| Refused::Damaged("bad previous-record hash".into()))?;
    if seq != tip.records {
        let what = if seq < tip.records {
            "a record is repeated or out of order"
        } else {
            "records are missing or out of order"
        };
        return Err(Refused::OutOfChain(format!(
            "record number {seq} where number {} belongs: {what}",
            tip.records
        )));
    }
    if prev != tip.hash {
        return Err(Refused::OutOfChain(format!(
            "record {seq} does not follow the record before it (it names {prev:08x}, the line before hashes to {:08x}): a record was replaced or moved",
            tip.hash
        )));
    }
    Ok(Parsed {
        record: record_of(text)?,
        hash: crc,
        chained: true,
    })
}
