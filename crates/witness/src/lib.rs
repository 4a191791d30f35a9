//! `tasdiq-witness`: a transparency-log witness (c2sp.org/tlog-witness@v1) and what a log needs
//! to use witnesses, built on the formats of [`tasdiq_tlog`].
//!
//! - **Server** ([`serve`], or [`Witness::open`] then [`Witness::router`]): `POST
//!   /add-checkpoint` for the logs of a [`Config`], each log's latest cosigned size and root kept
//!   in SQLite (WAL) and advanced by compare-and-swap, so two concurrent requests from the same
//!   old size cannot both win; answers are timestamped Ed25519 `cosignature/v1` lines (type
//!   0x04) under the witness's key, a `PRIVATE+KEY+…` file of mode 0600 made on first start.
//!   `GET /` gives the witness's vkey, `GET /<origin hash>/checkpoint` the latest cosigned
//!   checkpoint of a log (the specification's monitoring path).
//! - **Client** ([`client::Client::add_checkpoint`]): one request, with the specification's
//!   409 path (retry once from the witness's size, with a proof the caller makes), and
//!   [`client::merge_cosignatures`] to move verified cosignatures onto the log's note.
//! - **Policy** ([`policy::Policy`]): the c2sp.org/tlog-policy text format (logs, witnesses,
//!   groups with thresholds, a quorum), and [`policy::Policy::check`] on a cosigned checkpoint.
//!
//! The configuration file is JSON ([`Config::from_json`] documents it); the `tasdiq-witness`
//! binary of this crate reads it, and the service's `tasdiq witness serve` builds a [`Config`]
//! of its own.

pub mod client;
pub mod config;
pub mod keyfile;
mod listen;
pub mod policy;
mod problem;
pub mod server;
mod store;

pub use config::{Config, ConfigError, LogConfig};
pub use server::{OpenError, Witness, serve};
