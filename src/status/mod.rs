//! The signed status list for offline verifiers (issue 18, `docs/status-list.md`): one C2SP
//! signed note per version listing every certificate, brand and label key that is not good,
//! a `latest` note re-signed at least hourly, and deltas.
//!
//! | module | owns |
//! |---|---|
//! | [`format`] | the bodies (snapshot, latest, delta): writing, strict reading, applying deltas |
//! | [`key`] | the `{host}/status` key: its file (0600), its record, signing |
//! | [`publish`] | the entries from the registry, new versions, re-signing, the background tick |
//! | [`offline`] | the offline decision of §8, for `tasdiq verify` |

pub mod format;
pub mod key;
pub mod offline;
pub mod publish;
