//! Tests of the append-only log and its owner lock.

mod crash;
mod damage;
mod file;
mod lock;
