//! huddle's integration tests, in one test binary: each module is the tests
//! of one capability, run through the library's API or the `huddle` binary.
//! (One binary, not one per file: every test binary links all of huddle's
//! dependencies, and a dozen of them cost minutes of linking and gigabytes of
//! disk.) The browser tests are a binary of their own, behind the `browser`
//! feature.

#[path = "../common/mod.rs"]
mod common;

mod build_output;
mod checklists;
mod cli_errors;
mod cross_links;
mod deploy;
mod import;
mod incremental;
mod issues;
mod languages;
mod level_check;
mod links_resolve;
mod newsletter;
mod pagination;
mod pictures;
mod scaffold;
mod schedule;
mod search_index;
mod serve;
mod site_folder;
mod theme_links;
