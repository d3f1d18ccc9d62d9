//! healthdex placeholder
pub mod article;
pub mod corpus;
mod diagnostics;
mod error;
pub mod index;
pub mod search;
pub use diagnostics::{Severity, Warning};
pub use error::{Error, Result};
