//! What VRRP notifications say (keepalived 2.2.7 vrrp_notify.c): the line
//! written to the notify FIFOs, the four arguments the generic `notify`
//! script gets, and the command line keepalived hands to the shell when a
//! script is not run directly. These are contracts with users' scripts,
//! byte for byte.

use super::machine::State;

/// What happened to an instance or a sync group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    State(State),
    /// Removed at reload, with `notify_deleted`.
    Deleted,
    /// A master heard a lower-priority advert.
    MasterRxLowerPri,
    /// The effective priority changed while master
    /// (`notify_priority_changes`).
    MasterPriority,
    /// The same in any other state.
    BackupPriority,
}

impl Event {
    /// The word for the state in FIFO lines and `notify` arguments.
    pub fn word(self) -> &'static str {
        match self {
            Event::State(State::Master) => "MASTER",
            Event::State(State::Backup) => "BACKUP",
            Event::State(State::Fault) => "FAULT",
            Event::State(State::Stop) => "STOP",
            Event::State(State::Init) => "{UNKNOWN}",
            Event::Deleted => "DELETED",
            Event::MasterRxLowerPri => "MASTER_RX_LOWER_PRI",
            Event::MasterPriority => "MASTER_PRIORITY",
            Event::BackupPriority => "BACKUP_PRIORITY",
        }
    }
}

/// Whose event it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject<'a> {
    Instance(&'a str),
    Group(&'a str),
}

impl Subject<'_> {
    fn parts(&self) -> (&'static str, &str) {
        match self {
            Subject::Instance(n) => ("INSTANCE", n),
            Subject::Group(n) => ("GROUP", n),
        }
    }
}

/// The FIFO line: `INSTANCE "VI_1" MASTER 100\n`, `GROUP "G" FAULT 0\n`.
pub fn fifo_line(who: Subject, event: Event, priority: u8) -> String {
    let (kind, name) = who.parts();
    format!("{kind} \"{name}\" {} {priority}\n", event.word())
}

/// The arguments the generic `notify` script gets after its own:
/// `INSTANCE|GROUP name STATE priority` (0 for a group).
pub fn generic_args(who: Subject, event: Event, priority: u8) -> [String; 4] {
    let (kind, name) = who.parts();
    [
        kind.to_string(),
        name.to_string(),
        event.word().to_string(),
        priority.to_string(),
    ]
}

/// The command line keepalived gives to system(3) for a script it does not
/// execute directly: every argument in single quotes (as they are, with no
/// escaping), except a first word that is a `<`/`>` redirection.
pub fn shell_line(args: &[String]) -> String {
    let mut line = String::new();
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            line.push(' ');
        }
        if i == 0 && (a.starts_with('<') || a.starts_with('>')) {
            line.push_str(a);
        } else {
            line.push('\'');
            line.push_str(a);
            line.push('\'');
        }
    }
    line
}

/// Whether a script is a `</file` test, which keepalived runs through the
/// shell (it only checks that the file can be opened).
pub fn is_file_test(args: &[String]) -> bool {
    args.first().is_some_and(|a| {
        a.strip_prefix('<')
            .is_some_and(|rest| rest.trim_start_matches([' ', '\t']).starts_with('/'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifo_lines_are_keepalived_s() {
        assert_eq!(
            fifo_line(Subject::Instance("VI_1"), Event::State(State::Master), 100),
            "INSTANCE \"VI_1\" MASTER 100\n"
        );
        assert_eq!(
            fifo_line(Subject::Group("G1"), Event::State(State::Fault), 0),
            "GROUP \"G1\" FAULT 0\n"
        );
        assert_eq!(
            fifo_line(Subject::Instance("x y"), Event::MasterRxLowerPri, 254),
            "INSTANCE \"x y\" MASTER_RX_LOWER_PRI 254\n"
        );
        assert_eq!(
            fifo_line(Subject::Instance("VI_1"), Event::BackupPriority, 70),
            "INSTANCE \"VI_1\" BACKUP_PRIORITY 70\n"
        );
    }

    #[test]
    fn generic_notify_gets_four_words() {
        assert_eq!(
            generic_args(Subject::Instance("VI_1"), Event::State(State::Stop), 70),
            ["INSTANCE", "VI_1", "STOP", "70"]
        );
        assert_eq!(
            generic_args(Subject::Group("G"), Event::Deleted, 0),
            ["GROUP", "G", "DELETED", "0"]
        );
    }

    #[test]
    fn shell_lines_quote_every_word_but_a_leading_redirection() {
        let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(shell_line(&v(&["</etc/x"])), "</etc/x");
        assert_eq!(
            shell_line(&v(&["/bin/chk", "a b", "c"])),
            "'/bin/chk' 'a b' 'c'"
        );
        assert!(is_file_test(&v(&["</etc/x"])));
        assert!(is_file_test(&v(&["< \t/etc/x"])));
        assert!(!is_file_test(&v(&["<", "/etc/x"])));
        assert!(!is_file_test(&v(&["/bin/true"])));
    }
}
