//! Tests of the append-only log and its owner lock.

mod crash;
mod file;
mod lock;
