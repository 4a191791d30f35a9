//! API shapes (serde + utoipa): the bodies the officer routes read and the answers they build
//! from the store's read models. No rule lives here; `service` checks what these carry.

pub mod audit;
pub mod certificates;
pub mod registry;
pub mod schema;
