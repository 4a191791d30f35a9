//! Chain of custody and copy detection for tasdiq, as pure functions with no I/O, no clock and
//! no dependency on the service:
//!
//! - [`epcis`] parses and validates GS1 EPCIS 2.0 JSON documents of `ObjectEvent`s (custody
//!   events such as `receiving`, `shipping`, `retail_selling`), with errors that name the JSON
//!   path, ready for a problem+json answer;
//! - [`hash`] computes the standard EPCIS event hash (`ni:///sha-256;…?ver=CBV2.0`), the
//!   `eventID` of an event that brings none;
//! - [`claim`] derives, formats, parses and checks the one-time claim codes of a lot's items;
//! - [`detector`] judges a label's facts (scans by network and day, claim, custody) into a risk
//!   level and machine-word reasons.
//!
//! What the service owes the detector: networks, not clients (IPv4 /24, IPv6 /48, salted), so
//! one host cannot pose as a crowd; failed claims counted only for codes that parse (a typo
//! the check character catches is not a guess); a repeated claim marked `same_device` when
//! it comes from the claimant's device cookie; custody from retailers' and officers' keys.
//!
//! The service stores the facts and calls these; the simulation binary `simulate-market` runs
//! the same detector over a synthetic market (see `docs/clone-detection.md`).

pub mod claim;
pub mod detector;
pub mod epcis;
pub mod hash;
pub mod json;
