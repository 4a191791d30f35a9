//! The integration suite: one binary, so the library links once. Every test runs against a
//! database of its own, SQLite by default or PostgreSQL when `TEST_DATABASE_URL` is set.

mod support;

mod accounts;
mod backup;
mod batching;
mod bodies;
mod browser;
mod claims;
mod cli;
mod cluster;
mod consumer_ui;
mod credential;
mod events;
mod events_interop;
mod hostile;
mod interop;
mod labels;
mod migrations;
mod officer;
mod officer_ui;
mod openapi;
mod pages;
mod printing;
mod process;
mod registry;
mod resilience;
mod retail;
mod risk;
mod scan;
mod security;
mod seeds;
mod status;
mod status_offline;
mod translog;
mod vectors;
mod verify;
