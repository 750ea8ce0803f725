//! The command line of keepalived(8): the same options, messages and exit
//! codes.

use getopts::{HasArg, Occur};

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Run(Box<Options>),
    Version,
    Help,
    /// `--signum`: print this number.
    Signum(i32),
    /// `-T/--genhash` with the arguments after it.
    Genhash(Vec<String>),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    pub config_file: Option<String>,
    pub vrrp_only: bool,
    pub check_only: bool,
    pub no_bfd: bool,
    pub all_children: bool,
    pub log_console: bool,
    /// 1 for `-D`, 2 for `-D -D`.
    pub log_detail: u8,
    /// syslog facility number (LOG_DAEMON when unset).
    pub log_facility: Option<i32>,
    pub log_file: Option<String>,
    pub flush_log_file: bool,
    pub no_syslog: bool,
    pub umask: Option<u32>,
    pub release_vips: bool,
    pub dont_release_vrrp: bool,
    pub dont_release_ipvs: bool,
    pub dont_respawn: bool,
    pub dont_fork: bool,
    pub dump_conf: bool,
    pub pid_file: Option<String>,
    pub vrrp_pid_file: Option<String>,
    pub checkers_pid_file: Option<String>,
    pub bfd_pid_file: Option<String>,
    pub address_monitoring: bool,
    pub snmp: bool,
    pub snmp_agent_socket: Option<String>,
    pub core_dump: bool,
    pub core_dump_pattern: Option<String>,
    pub namespace: Option<String>,
    pub all_config: bool,
    pub config_id: Option<String>,
    /// `-t`: `Some(None)` to stderr, `Some(Some(file))` to a log file.
    pub config_test: Option<Option<String>>,
    pub config_fd: Option<i32>,
    pub ignore_sigint: bool,
    /// Words that were not options (keepalived prints and ignores them).
    pub unexpected: Vec<String>,
}

/// The command line was not acceptable: print `stderr` and exit with `code`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliExit {
    pub code: i32,
    pub stderr: String,
}

pub const DEFAULT_CONFIG_FILE: &str = "/etc/keepalived/keepalived.conf";

struct Spec {
    short: &'static str,
    long: &'static str,
    arg: HasArg,
}

const fn spec(short: &'static str, long: &'static str, arg: HasArg) -> Spec {
    Spec { short, long, arg }
}

use HasArg::{Maybe, No, Yes};

const SPECS: &[Spec] = &[
    spec("f", "use-file", Yes),
    spec("P", "vrrp", No),
    spec("C", "check", No),
    spec("B", "no_bfd", No),
    spec("", "all", No),
    spec("l", "log-console", No),
    spec("D", "log-detail", No),
    spec("S", "log-facility", Yes),
    spec("g", "log-file", Maybe),
    spec("", "flush-log-file", No),
    spec("e", "all-config", No),
    spec("G", "no-syslog", No),
    spec("u", "umask", Yes),
    spec("X", "release-vips", No),
    spec("V", "dont-release-vrrp", No),
    spec("I", "dont-release-ipvs", No),
    spec("R", "dont-respawn", No),
    spec("n", "dont-fork", No),
    spec("d", "dump-conf", No),
    spec("p", "pid", Yes),
    spec("r", "vrrp_pid", Yes),
    spec("T", "genhash", No),
    spec("c", "checkers_pid", Yes),
    spec("a", "address-monitoring", No),
    spec("b", "bfd_pid", Yes),
    spec("x", "snmp", No),
    spec("A", "snmp-agent-socket", Yes),
    spec("m", "core-dump", No),
    spec("M", "core-dump-pattern", Maybe),
    spec("s", "namespace", Yes),
    spec("i", "config-id", Yes),
    spec("", "signum", Yes),
    spec("t", "config-test", Maybe),
    spec("", "config-fd", Yes),
    spec("", "ignore-sigint", No),
    spec("v", "version", No),
    spec("h", "help", No),
];

fn by_short(c: char) -> Option<&'static Spec> {
    SPECS
        .iter()
        .find(|s| s.short.starts_with(c) && !s.short.is_empty())
}

/// Rewrite the arguments into a form getopts reads the way GNU getopt_long
/// reads the originals: every option becomes `--long[=value]` (short option
/// clusters split, optional arguments only when attached, long options
/// abbreviated to any unique prefix).
fn normalise(args: &[String]) -> Result<Vec<String>, CliExit> {
    let fail = |msg: String| CliExit {
        code: 1,
        stderr: msg,
    };
    let mut out = Vec::new();
    let mut errors = String::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if a == "--" {
            out.extend(args[i - 1..].iter().cloned());
            break;
        }
        if let Some(long) = a.strip_prefix("--") {
            let (name, value) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (long, None),
            };
            let exact = SPECS.iter().find(|s| s.long == name);
            let candidates: Vec<&Spec> =
                SPECS.iter().filter(|s| s.long.starts_with(name)).collect();
            let spec = match (exact, candidates.as_slice()) {
                (Some(s), _) => s,
                (None, [s]) if !name.is_empty() => *s,
                _ => {
                    errors.push_str(&format!("Unknown option {a}\n"));
                    continue;
                }
            };
            match (&spec.arg, value) {
                (No, Some(_)) => errors.push_str(&format!("Unknown option {a}\n")),
                (No, None) => out.push(format!("--{}", spec.long)),
                (Yes, Some(v)) if !v.is_empty() => out.push(format!("--{}={v}", spec.long)),
                (Yes, Some(_)) => {
                    errors.push_str(&format!("Missing parameter for option --{}\n", spec.long))
                }
                (Yes, None) => match args.get(i) {
                    Some(v) => {
                        out.push(format!("--{}={v}", spec.long));
                        i += 1;
                    }
                    None => {
                        errors.push_str(&format!("Missing parameter for option --{}\n", spec.long))
                    }
                },
                (Maybe, v) => out.push(format!("--{}={}", spec.long, v.unwrap_or(""))),
            }
            if spec.long == "genhash" {
                // Everything after -T belongs to genhash.
                out.extend(args[i..].iter().cloned());
                return Ok(out);
            }
            continue;
        }
        if a.len() > 1 && a.starts_with('-') {
            let chars: Vec<char> = a[1..].chars().collect();
            let mut j = 0;
            while j < chars.len() {
                let c = chars[j];
                j += 1;
                let Some(spec) = by_short(c) else {
                    errors.push_str(&format!("Unknown option -{c}\n"));
                    continue;
                };
                let rest: String = chars[j..].iter().collect();
                match spec.arg {
                    No => {
                        out.push(format!("--{}", spec.long));
                        if spec.long == "genhash" {
                            out.extend(args[i..].iter().cloned());
                            return Ok(out);
                        }
                    }
                    Maybe => {
                        out.push(format!("--{}={rest}", spec.long));
                        break;
                    }
                    Yes => {
                        if !rest.is_empty() {
                            out.push(format!("--{}={rest}", spec.long));
                        } else if let Some(v) = args.get(i) {
                            out.push(format!("--{}={v}", spec.long));
                            i += 1;
                        } else {
                            errors.push_str(&format!("Missing parameter for option -{c}\n"));
                        }
                        break;
                    }
                }
            }
            continue;
        }
        out.push(a.clone());
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(fail(errors))
    }
}

/// The signal numbers `--signum` prints.
pub fn signum(name: &str) -> Option<i32> {
    match name {
        "STOP" => Some(libc::SIGTERM),
        "RELOAD" => Some(libc::SIGHUP),
        "DATA" => Some(libc::SIGUSR1),
        "STATS" => Some(libc::SIGUSR2),
        "STATS_CLEAR" => Some(libc::SIGRTMAX() - 1),
        "JSON" => Some(libc::SIGRTMIN() + 2),
        _ => None,
    }
}

/// Parse `argv` (without the program name).
pub fn parse(args: &[String]) -> Result<Command, CliExit> {
    let normal = normalise(args)?;
    if let Some(pos) = normal.iter().position(|a| a == "--genhash") {
        return Ok(Command::Genhash(normal[pos + 1..].to_vec()));
    }
    let mut opts = getopts::Options::new();
    for s in SPECS {
        opts.opt("", s.long, "", "", s.arg, Occur::Multi);
    }
    let m = opts.parse(&normal).map_err(|e| CliExit {
        code: 1,
        stderr: format!("{e}\n"),
    })?;
    let one = |name: &str| m.opt_strs(name).last().cloned();
    if m.opt_present("version") {
        return Ok(Command::Version);
    }
    if m.opt_present("help") {
        return Ok(Command::Help);
    }
    if let Some(name) = one("signum") {
        return match signum(&name) {
            Some(n) => Ok(Command::Signum(n)),
            None => Err(CliExit {
                code: 1,
                stderr: format!("Unknown sigfunc {name}\n"),
            }),
        };
    }
    let mut o = Options {
        config_file: one("use-file"),
        vrrp_only: m.opt_present("vrrp"),
        check_only: m.opt_present("check"),
        no_bfd: m.opt_present("no_bfd"),
        all_children: m.opt_present("all"),
        log_console: m.opt_present("log-console"),
        log_detail: m.opt_count("log-detail").min(2) as u8,
        flush_log_file: m.opt_present("flush-log-file"),
        no_syslog: m.opt_present("no-syslog"),
        release_vips: m.opt_present("release-vips"),
        dont_release_vrrp: m.opt_present("dont-release-vrrp"),
        dont_release_ipvs: m.opt_present("dont-release-ipvs"),
        dont_respawn: m.opt_present("dont-respawn"),
        dont_fork: m.opt_present("dont-fork"),
        dump_conf: m.opt_present("dump-conf"),
        pid_file: one("pid"),
        vrrp_pid_file: one("vrrp_pid"),
        checkers_pid_file: one("checkers_pid"),
        bfd_pid_file: one("bfd_pid"),
        address_monitoring: m.opt_present("address-monitoring"),
        snmp: m.opt_present("snmp"),
        snmp_agent_socket: one("snmp-agent-socket"),
        core_dump: m.opt_present("core-dump") || m.opt_present("core-dump-pattern"),
        namespace: one("namespace"),
        all_config: m.opt_present("all-config"),
        config_id: one("config-id"),
        ignore_sigint: m.opt_present("ignore-sigint"),
        unexpected: m.free.clone(),
        ..Options::default()
    };
    if m.opt_present("log-file") {
        o.log_file = Some(
            one("log-file")
                .filter(|f| !f.is_empty())
                .unwrap_or_else(|| "keepalived.log".into()),
        );
    }
    if m.opt_present("core-dump-pattern") {
        o.core_dump_pattern = Some(
            one("core-dump-pattern")
                .filter(|p| !p.is_empty())
                .unwrap_or_else(|| "core".into()),
        );
    }
    if m.opt_present("config-test") {
        o.config_test = Some(one("config-test").filter(|f| !f.is_empty()));
        o.dont_respawn = true;
        o.dont_fork = true;
        o.no_syslog = true;
    }
    let mut warnings = String::new();
    if let Some(f) = one("log-facility") {
        match facility(&f) {
            Some(n) => o.log_facility = Some(n),
            // keepalived reports this and carries on with the default.
            None => warnings.push_str(&format!("Invalid log facility '{f}'\n")),
        }
    }
    if let Some(u) = one("umask") {
        match umask(&u) {
            Some(v) => o.umask = Some(v),
            None => warnings.push_str(&format!("Invalid --umask option {u}")),
        }
    }
    if let Some(fd) = one("config-fd") {
        o.config_fd = fd.trim().parse().ok();
    }
    if !warnings.is_empty() {
        eprint!("{warnings}");
    }
    Ok(Command::Run(Box::new(o)))
}

/// `-S`: 0-7, local0-7, user or daemon.
pub fn facility(s: &str) -> Option<i32> {
    let local = |n: u32| libc::LOG_LOCAL0 + ((n as i32) << 3);
    let num = |t: &str| crate::config::values::unsigned(t, 10, 0, 7).ok();
    if let Some(n) = num(s) {
        return Some(local(n));
    }
    if let Some(n) = s.strip_prefix("local").and_then(num) {
        return Some(local(n));
    }
    match s {
        "daemon" => Some(libc::LOG_DAEMON),
        "user" => Some(libc::LOG_USER),
        _ => None,
    }
}

/// `-u`: a C number (0x.., 0..) within 0777.
pub fn umask(s: &str) -> Option<u32> {
    let (v, rest) = crate::config::preproc::strtol(s);
    (rest.is_empty() && (0..=0o777).contains(&v)).then_some(v as u32)
}

pub fn usage(prog: &str) -> String {
    format!(
        "Usage: {prog} [OPTION...]
  -f, --use-file=FILE          Use the specified configuration file
                                default '{DEFAULT_CONFIG_FILE}'
  -P, --vrrp                   Only run with VRRP subsystem
  -C, --check                  Only run with Health-checker subsystem
  -B, --no_bfd                 Don't run BFD subsystem
      --all                    Force all child processes to run, even if have no configuration
  -l, --log-console            Log messages to local console
  -D, --log-detail             Detailed log messages
  -S, --log-facility=([0-7]|local[0-7]|user|daemon)
                               Set syslog facility to LOG_LOCAL[0-7], user or daemon (default)
  -g, --log-file=FILE          Also log to FILE (default /tmp/keepalived.log)
      --flush-log-file         Flush log file on write
  -G, --no-syslog              Don't log via syslog
  -u, --umask=MASK             umask for file creation (in numeric form)
  -X, --release-vips           Drop VIP on transition from signal.
  -V, --dont-release-vrrp      Don't remove VRRP VIPs and VROUTEs on daemon stop
  -I, --dont-release-ipvs      Don't remove IPVS topology on daemon stop
  -R, --dont-respawn           Don't respawn child processes
  -n, --dont-fork              Don't fork the daemon process
  -d, --dump-conf              Dump the configuration data
  -p, --pid=FILE               Use specified pidfile for parent process
  -r, --vrrp_pid=FILE          Use specified pidfile for VRRP child process
  -T, --genhash                Enter into genhash utility mode (this should be the first option used).
  -c, --checkers_pid=FILE      Use specified pidfile for checkers child process
  -a, --address-monitoring     Report all address additions/deletions notified via netlink
  -b, --bfd_pid=FILE           Use specified pidfile for BFD child process
  -x, --snmp                   Enable SNMP subsystem
  -A, --snmp-agent-socket=FILE Use the specified socket for master agent
  -s, --namespace=NAME         Run in network namespace NAME (overrides config)
  -m, --core-dump              Produce core dump if terminate abnormally
  -M, --core-dump-pattern=PATN Also set /proc/sys/kernel/core_pattern to PATN (default 'core')
  -e, --all-config             Error if any configuration file missing (same as includet)
  -i, --config-id id           Skip any configuration lines beginning '@' that don't match id
                                or any lines beginning @^ that do match.
                                The config-id defaults to the node name if option not used
      --signum=SIGFUNC         Return signal number for STOP, RELOAD, DATA, STATS, STATS_CLEAR, JSON
  -t, --config-test[=LOG_FILE] Check the configuration for obvious errors, output to
                                stderr by default
      --ignore-sigint          Ignore SIGINT (for running under a debugger)
  -v, --version                Display the version number
  -h, --help                   Display this help message
"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Command, CliExit> {
        parse(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    fn opts(args: &[&str]) -> Options {
        match run(args) {
            Ok(Command::Run(o)) => *o,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn short_and_long_forms_agree() {
        let a = opts(&["-f", "/x.conf", "-lDn", "-i", "lb1"]);
        let b = opts(&[
            "--use-file=/x.conf",
            "--log-console",
            "--log-detail",
            "--dont-fork",
            "--config-id",
            "lb1",
        ]);
        assert_eq!(a, b);
        assert_eq!(a.config_file.as_deref(), Some("/x.conf"));
        assert_eq!(opts(&["-f/y"]).config_file.as_deref(), Some("/y"));
        assert_eq!(opts(&["-DD"]).log_detail, 2);
        assert_eq!(opts(&["--use=/z"]).config_file.as_deref(), Some("/z"));
    }

    #[test]
    fn config_test_takes_an_attached_log_file_only() {
        assert_eq!(opts(&["-t"]).config_test, Some(None));
        assert_eq!(
            opts(&["-t/tmp/log"]).config_test,
            Some(Some("/tmp/log".into()))
        );
        assert_eq!(
            opts(&["--config-test=/l"]).config_test,
            Some(Some("/l".into()))
        );
        let o = opts(&["-t", "extra"]);
        assert_eq!(o.config_test, Some(None));
        assert_eq!(o.unexpected, ["extra"]);
        assert!(o.dont_fork && o.no_syslog);
    }

    #[test]
    fn unknown_options_and_missing_parameters_exit_1() {
        assert_eq!(
            run(&["-Z"]).unwrap_err(),
            CliExit {
                code: 1,
                stderr: "Unknown option -Z\n".into()
            }
        );
        assert_eq!(
            run(&["--bogus"]).unwrap_err().stderr,
            "Unknown option --bogus\n"
        );
        assert_eq!(
            run(&["-f"]).unwrap_err().stderr,
            "Missing parameter for option -f\n"
        );
        assert_eq!(
            run(&["--use-file="]).unwrap_err().stderr,
            "Missing parameter for option --use-file\n"
        );
        assert_eq!(
            run(&["--signum=foo"]).unwrap_err().stderr,
            "Unknown sigfunc foo\n"
        );
    }

    #[test]
    fn signum_matches_glibc_numbers() {
        assert_eq!(run(&["--signum=STOP"]), Ok(Command::Signum(15)));
        assert_eq!(run(&["--signum", "RELOAD"]), Ok(Command::Signum(1)));
        assert_eq!(run(&["--signum=JSON"]), Ok(Command::Signum(36)));
        assert_eq!(run(&["--signum=STATS_CLEAR"]), Ok(Command::Signum(63)));
    }

    #[test]
    fn facility_and_umask() {
        assert_eq!(facility("local3"), Some(libc::LOG_LOCAL3));
        assert_eq!(facility("2"), Some(libc::LOG_LOCAL2));
        assert_eq!(facility("user"), Some(libc::LOG_USER));
        assert_eq!(facility("local9"), None);
        assert_eq!(umask("022"), Some(0o22));
        assert_eq!(umask("0x1ff"), Some(0o777));
        assert_eq!(umask("1000"), None);
    }

    #[test]
    fn genhash_takes_the_rest() {
        assert_eq!(
            run(&["-T", "-s", "1.2.3.4"]),
            Ok(Command::Genhash(vec!["-s".into(), "1.2.3.4".into()]))
        );
    }
}
