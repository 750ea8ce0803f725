//! keepalived-rs: a drop-in replacement for keepalived.

pub mod cli;
pub mod config;
pub mod daemon;
pub mod sys;
pub mod track;
pub mod vrrp;
