//! Pure domain logic: label codes, keys, verdicts, values and rules. Nothing here touches the
//! network, the database or the clock.

pub mod certificate;
pub mod code;
pub mod credential;
pub mod humancode;
pub mod keys;
pub mod lifecycle;
pub mod rights;
pub mod search;
pub mod values;
pub mod verdict;
