//! `keepalived`: the command-line entry point.

use keepalived_rs::cli::{self, Command, Options};
use keepalived_rs::config::{self, diag::Level, LoadOptions};
use keepalived_rs::sys::host::SystemHost;
use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let prog = args.first().cloned().unwrap_or_else(|| "keepalived".into());
    // Installed as `genhash` too (a link): act as `keepalived --genhash`.
    let called_as_genhash = std::path::Path::new(&prog)
        .file_name()
        .is_some_and(|n| n == "genhash");
    let parsed = if called_as_genhash {
        Ok(Command::Genhash(args[1..].to_vec()))
    } else {
        cli::parse(&args[1..])
    };
    let command = match parsed {
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
    let load_opts = load_options(opts);
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
    daemon(opts, loaded, &report)
}

/// Run as the daemon: log the configuration's problems, refuse what
/// keepalived would refuse, then run the VRRP instances until stopped.
fn daemon(opts: &Options, loaded: config::Loaded, report: &str) -> i32 {
    use keepalived_rs::daemon;
    daemon::log::init(&daemon::log::Settings {
        syslog_facility: (!opts.no_syslog).then(|| opts.log_facility.unwrap_or(libc::LOG_DAEMON)),
        console: opts.log_console,
        file: opts.log_file.clone(),
        detail: opts.log_detail,
    });
    log::info!("Starting keepalived-rs {}", env!("CARGO_PKG_VERSION"));
    for line in report.lines() {
        log::info!("{line}");
    }
    if loaded.diags.aborts.missing_parameter {
        log::error!("Stopping: the configuration lacks a required parameter");
        return 2;
    }
    let specs = match daemon::spec::vrrp_specs(&loaded.config) {
        Ok(s) => s,
        Err(e) => {
            log::error!(target: "vrrp", "Stopping: {e}");
            return 2;
        }
    };
    let kspec = daemon::spec::kernel_spec(&loaded.config);
    let has_statics = !(kspec.static_addresses.is_empty()
        && kspec.static_routes.is_empty()
        && kspec.static_rules.is_empty());
    if specs.is_empty() && !has_statics {
        log::error!("Nothing to run: keepalived-rs runs vrrp_instance blocks only (IPVS checkers are not implemented yet)");
        return 6;
    }
    if !opts.dont_fork {
        if let Err(e) = keepalived_rs::sys::process::daemonize() {
            log::error!("Cannot go to the background: {e}");
            return 1;
        }
    }
    let pid_path = opts
        .pid_file
        .clone()
        .unwrap_or_else(|| "/run/keepalived.pid".into());
    let vrrp_pid_path = opts
        .vrrp_pid_file
        .clone()
        .unwrap_or_else(|| "/run/vrrp.pid".into());
    let _pid = match keepalived_rs::sys::process::PidFile::create(std::path::Path::new(&pid_path)) {
        Ok(p) => p,
        Err(e) => {
            log::error!("{e}: is keepalived already running?");
            return 1;
        }
    };
    let _vrrp_pid =
        keepalived_rs::sys::process::PidFile::create(std::path::Path::new(&vrrp_pid_path)).ok();
    let mut rt = match daemon::vrrp::Runtime::with_kernel(specs, kspec) {
        Ok(rt) => rt,
        Err(e) => {
            log::error!(target: "vrrp", "Cannot start VRRP: {e}");
            return 1;
        }
    };
    rt.keep_addresses_on_exit = opts.dont_release_vrrp;
    rt.startup_delay = loaded.config.global.vrrp_startup_delay;
    rt.set_garp_pacing(&loaded.config);
    rt.set_scripts(daemon::vrrp::ScriptsSpec::from_config(&loaded.config));
    rt.configure_tracking(
        &daemon::track_plan::build(&loaded.config),
        keepalived_rs::vrrp::machine::Time(keepalived_rs::sys::process::monotonic_micros()),
    );
    rt.dump_settings = Some(std::sync::Arc::new(daemon::dumps::Settings::new(
        loaded.config,
        opts.umask,
    )));
    let notifier = keepalived_rs::sys::sd_notify::Notifier::from_env();
    let _ = notifier.notify("READY=1");
    let mut reload = || reload_specs(opts);
    let result = daemon::run_vrrp(rt, &notifier, &mut reload);
    let _ = notifier.notify("STOPPING=1");
    match result {
        Ok(_) => {
            log::info!("Stopped");
            0
        }
        Err(e) => {
            log::error!("Event loop failed: {e}");
            1
        }
    }
}

/// SIGHUP: read and check the configuration again. Anything that would
/// stop keepalived-rs from starting keeps the running configuration.
fn reload_specs(
    opts: &Options,
) -> Result<
    (
        Vec<keepalived_rs::daemon::vrrp::Spec>,
        config::model::Config,
    ),
    String,
> {
    let load_opts = load_options(opts);
    let loaded = config::load(&load_opts, &SystemHost);
    for line in loaded.diags.render(&loaded.sources).lines() {
        log::info!("{line}");
    }
    if loaded.diags.aborts.missing_parameter {
        return Err("a keyword lacks a required parameter".into());
    }
    let specs = keepalived_rs::daemon::spec::vrrp_specs(&loaded.config)?;
    if specs.is_empty() {
        return Err("no vrrp_instance".into());
    }
    Ok((specs, loaded.config))
}

fn load_options(opts: &Options) -> LoadOptions {
    LoadOptions {
        file: opts
            .config_file
            .clone()
            .unwrap_or_else(|| cli::DEFAULT_CONFIG_FILE.to_string()),
        config_id: opts.config_id.clone(),
        all_config: opts.all_config,
        config_test: opts.config_test.is_some(),
    }
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
