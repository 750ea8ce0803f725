//! `keepalived`: the command-line entry point.

use keepalived_rs::cli::{self, Command, Options};
use keepalived_rs::config::{self, diag::Level, LoadOptions};
use keepalived_rs::sys::host::SystemHost;
use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let prog = args.first().cloned().unwrap_or_else(|| "keepalived".into());
    let command = match cli::parse(&args[1..]) {
        Ok(c) => c,
        Err(e) => {
            eprint!("{}", e.stderr);
            std::process::exit(e.code);
        }
    };
    let code = match command {
        Command::Version => {
            eprintln!("{}", version());
            0
        }
        Command::Help => {
            eprint!("{}", cli::usage(&prog));
            0
        }
        Command::Signum(n) => {
            println!("{n}");
            0
        }
        Command::Genhash(_) => {
            eprintln!("genhash: not available yet in keepalived-rs");
            1
        }
        Command::Run(opts) => run(&opts),
    };
    std::process::exit(code);
}

fn version() -> String {
    format!(
        "Keepalived v2.2.7 compatible (keepalived-rs {})\n\n\
         A drop-in replacement for keepalived, in one process.\n\n\
         Config options:  VRRP VRRP_AUTH VRRP_VMAC LVS JSON NFTABLES",
        env!("CARGO_PKG_VERSION")
    )
}

fn run(opts: &Options) -> i32 {
    if !opts.unexpected.is_empty() {
        println!("Unexpected argument(s): {} ", opts.unexpected.join(" "));
    }
    let load_opts = LoadOptions {
        file: opts
            .config_file
            .clone()
            .unwrap_or_else(|| cli::DEFAULT_CONFIG_FILE.to_string()),
        config_id: opts.config_id.clone(),
        all_config: opts.all_config,
        config_test: opts.config_test.is_some(),
    };
    let loaded = config::load(&load_opts, &SystemHost);
    let mut report = loaded.diags.render(&loaded.sources);
    let errors = loaded.diags.count(Level::Error);
    let warnings = loaded.diags.count(Level::Warning);
    if errors + warnings > 0 {
        report.push_str(&format!(
            "{}: {errors} error(s), {warnings} warning(s)\n",
            load_opts.file
        ));
    }
    if opts.dump_conf {
        report.push_str(&format!("{:#?}\n", loaded.config));
    }
    if let Some(log) = &opts.config_test {
        write_report(log.as_deref(), &report);
        return loaded.exit_code();
    }
    eprint!("{report}");
    eprintln!("keepalived-rs: the daemon is not implemented yet; use -t to check a configuration");
    1
}

fn write_report(log_file: Option<&str>, report: &str) {
    match log_file {
        None => eprint!("{report}"),
        Some(path) => {
            let file = std::fs::OpenOptions::new()
                .append(true)
                .create(true)
                .open(path);
            match file {
                Ok(mut f) => {
                    let _ = f.write_all(report.as_bytes());
                }
                Err(e) => {
                    eprintln!("Unable to open config-test log file {path} - {e}");
                    std::process::exit(1);
                }
            }
        }
    }
}
