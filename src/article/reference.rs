//! Placeholder until the citation parser lands.
use serde::{Deserialize, Serialize};
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference { pub raw: String }
pub fn parse_reference(raw: &str) -> Reference { Reference { raw: raw.to_string() } }
