//! Helpers for the configuration unit tests: parse a configuration given as
//! text, with the real host.

use super::{load, LoadOptions, Loaded};
use crate::sys::host::SystemHost;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The config id the tests use for `@ID` lines.
pub const TEST_CONFIG_ID: &str = "testnode";

/// Parse `text` as keepalived.conf under `-t` rules.
pub fn parse(text: &str) -> Loaded {
    parse_with_id(text, TEST_CONFIG_ID)
}

pub fn parse_with_id(text: &str, config_id: &str) -> Loaded {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "ka-cfg-test-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("keepalived.conf");
    std::fs::write(&file, text).expect("write config");
    let loaded = load(
        &LoadOptions {
            file: file.display().to_string(),
            config_id: Some(config_id.to_string()),
            all_config: false,
            config_test: true,
        },
        &SystemHost,
    );
    let _ = std::fs::remove_dir_all(&dir);
    loaded
}

/// The rendered diagnostics, for assertion messages.
pub fn report(l: &Loaded) -> String {
    l.diags.render(&l.sources)
}
