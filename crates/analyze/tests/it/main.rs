//! The integration tests of slipway-analyze, as one test binary.

mod common;
mod corpus;
mod fixtures;
mod openzeppelin;
mod outputs;
