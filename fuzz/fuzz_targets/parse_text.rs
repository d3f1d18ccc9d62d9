#![no_main]

#[allow(dead_code)] // each target uses one entry point of the shared checks
#[path = "../checks/mod.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::parse_text(data));
