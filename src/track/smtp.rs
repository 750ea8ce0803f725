//! SMTP alerts: the mails keepalived 2.2.7 sends on VRRP state changes
//! (core/smtp.c, vrrp/vrrp_notify.c), and the client side of the SMTP
//! dialogue as a pure state machine: fed the server's bytes, it answers
//! with what to send. The daemon owns the socket and the timers.

use crate::vrrp::machine::State;

/// keepalived's limits: a subject of 256 bytes and a body of 512, both
/// with their terminating NUL.
const MAX_SUBJECT: usize = 255;
const MAX_BODY: usize = 511;
/// keepalived's receive buffer; a longer reply line ends the dialogue.
const BUFFER_MAX: usize = 1024;

/// The subject and body of one alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub subject: String,
    pub body: String,
}

fn truncate(s: &str, max: usize) -> String {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_string()
}

fn alert(subject: String, body: &str) -> Alert {
    Alert {
        subject: truncate(&subject, MAX_SUBJECT),
        body: truncate(body, MAX_BODY),
    }
}

/// The mail for a vrrp_instance entering `state` (none for INIT).
pub fn instance_alert(router_id: &str, name: &str, state: State) -> Option<Alert> {
    let (what, body) = match state {
        State::Master => (
            "Entering MASTER state",
            "=> VRRP Instance is now owning VRRP VIPs <=",
        ),
        State::Backup => (
            "Entering BACKUP state",
            "=> VRRP Instance is no longer owning VRRP VIPs <=",
        ),
        State::Fault => (
            "Entering FAULT state",
            "=> VRRP Instance is no longer owning VRRP VIPs <=",
        ),
        State::Stop => ("Stopping", "=> VRRP Instance stopping <="),
        State::Init => return None,
    };
    Some(alert(
        format!("[{router_id}] VRRP Instance {name} - {what}"),
        body,
    ))
}

/// The mail for a vrrp_sync_group entering `state`.
pub fn group_alert(router_id: &str, name: &str, state: State) -> Option<Alert> {
    let (what, body) = match state {
        State::Master => (
            "Entering MASTER state",
            "=> All VRRP group instances are now in MASTER state <=",
        ),
        State::Backup => (
            "Entering BACKUP state",
            "=> All VRRP group instances are now in BACKUP state <=",
        ),
        State::Fault => (
            "Entering FAULT state",
            "=> All VRRP group instances are now in FAULT state <=",
        ),
        State::Stop => (
            "Stopping",
            "=> All VRRP group instances are now stopping <=",
        ),
        State::Init => return None,
    };
    Some(alert(
        format!("[{router_id}] VRRP Group {name} - {what}"),
        body,
    ))
}

/// Whether an object with `smtp_alert` that last mailed `last` mails now
/// for `state` (`no_email_faults` leaves FAULT out).
pub fn wanted(enabled: bool, no_email_faults: bool, last: Option<State>, state: State) -> bool {
    enabled && !(no_email_faults && state == State::Fault) && last != Some(state)
}

/// Who sends, to whom, through which server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// `[addr]:port`, for the log lines.
    pub server: String,
    pub helo: String,
    pub from: String,
    pub to: Vec<String>,
}

/// The DATA part of a mail as keepalived writes it.
pub fn message(date: &str, env: &Envelope, alert: &Alert) -> String {
    format!(
        "Date: {date}\r\nFrom: {}\r\nSubject: {}\r\nX-Mailer: Keepalived\r\nTo: {}\r\n\r\n{}\r\n\r\n.\r\n",
        env.from,
        alert.subject,
        env.to.join(", "),
        alert.body
    )
}

/// Which reply the client waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Greeting,
    Helo,
    MailFrom,
    /// RCPT TO for recipient n.
    Rcpt(usize),
    Data,
    Body,
    Quit,
    Done,
}

impl Stage {
    fn expected(self) -> (u16, &'static str) {
        match self {
            Stage::Greeting => (220, "(E)SMTP"),
            Stage::Helo => (250, "HELO"),
            Stage::MailFrom => (250, "MAIL"),
            Stage::Rcpt(_) => (250, "RCPT"),
            Stage::Data => (354, "DATA"),
            Stage::Body => (250, "BODY"),
            Stage::Quit => (221, "QUIT"),
            Stage::Done => (0, ""),
        }
    }
}

/// What the connection must do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Send these bytes, then wait for the reply.
    Send(Vec<u8>),
    /// Wait for more of the reply.
    Wait,
    /// Close the connection: the dialogue is over.
    Close,
}

/// One mail's dialogue with the server.
#[derive(Debug, Clone)]
pub struct Dialogue {
    env: Envelope,
    data: String,
    stage: Stage,
    buf: Vec<u8>,
    /// The server accepted the mail.
    pub sent: bool,
}

impl Dialogue {
    /// `data` is [`message`]'s text.
    pub fn new(env: Envelope, data: String) -> Dialogue {
        Dialogue {
            env,
            data,
            stage: Stage::Greeting,
            buf: Vec::new(),
            sent: false,
        }
    }

    pub fn stage(&self) -> Stage {
        self.stage
    }

    pub fn server(&self) -> &str {
        &self.env.server
    }

    fn command(&self) -> Vec<u8> {
        match self.stage {
            Stage::Helo => format!("HELO {}\r\n", self.env.helo),
            Stage::MailFrom => format!("MAIL FROM:<{}>\r\n", self.env.from),
            Stage::Rcpt(n) => format!(
                "RCPT TO:<{}>\r\n",
                self.env.to.get(n).map_or("", String::as_str)
            ),
            Stage::Data => "DATA\r\n".into(),
            Stage::Body => self.data.clone(),
            Stage::Quit => "QUIT\r\n".into(),
            Stage::Greeting | Stage::Done => String::new(),
        }
        .into_bytes()
    }

    fn quit(&mut self) -> Step {
        self.stage = Stage::Quit;
        Step::Send(self.command())
    }

    /// Bytes from the server; log lines go to `log`.
    pub fn on_bytes(&mut self, bytes: &[u8], log: &mut Vec<String>) -> Step {
        if self.buf.len() + bytes.len() >= BUFFER_MAX {
            log.push(format!(
                "Received buffer from remote SMTP server {} overflow our get read buffer length.",
                self.env.server
            ));
            self.buf.clear();
            return self.quit();
        }
        self.buf.extend_from_slice(bytes);
        // The code of the first complete last line of a reply (a line
        // whose fourth character is not '-').
        let mut status = None;
        let mut pos = 0;
        while let Some(n) = self.buf[pos..].windows(2).position(|w| w == b"\r\n") {
            let line = &self.buf[pos..pos + n];
            pos += n + 2;
            if line.get(3) == Some(&b'-') {
                continue;
            }
            let digit =
                |i: usize| i32::from(line.get(i).copied().unwrap_or(b'0')) - i32::from(b'0');
            status = Some(digit(0) * 100 + digit(1) * 10 + digit(2));
            break;
        }
        let Some(status) = status else {
            return Step::Wait;
        };
        self.buf.drain(..pos);
        let (expected, name) = self.stage.expected();
        if status == i32::from(expected) {
            self.stage = match self.stage {
                Stage::Greeting => Stage::Helo,
                Stage::Helo => Stage::MailFrom,
                Stage::MailFrom => Stage::Rcpt(0),
                Stage::Rcpt(n) if n + 1 < self.env.to.len() => Stage::Rcpt(n + 1),
                Stage::Rcpt(_) => Stage::Data,
                Stage::Data => Stage::Body,
                Stage::Body => {
                    self.sent = true;
                    Stage::Quit
                }
                Stage::Quit | Stage::Done => Stage::Done,
            };
        } else {
            log.push(format!(
                "Error processing {name} cmd on SMTP server {}. SMTP status code = {status}",
                self.env.server
            ));
            self.stage = Stage::Quit;
        }
        if self.stage == Stage::Done {
            return Step::Close;
        }
        Step::Send(self.command())
    }

    /// No reply within the timeout.
    pub fn on_timeout(&mut self, log: &mut Vec<String>) -> Step {
        log.push(format!(
            "Timeout reading data to remote SMTP server {}.",
            self.env.server
        ));
        if self.stage == Stage::Quit {
            Step::Close
        } else {
            self.quit()
        }
    }

    /// The server closed the connection.
    pub fn on_eof(&mut self, log: &mut Vec<String>) -> Step {
        log.push(format!(
            "Remote SMTP server {} has closed the connection.",
            self.env.server
        ));
        Step::Close
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(to: &[&str]) -> Envelope {
        Envelope {
            server: "[127.0.0.1]:25".into(),
            helo: "node1".into(),
            from: "ka@node1".into(),
            to: to.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn sent(step: Step) -> String {
        match step {
            Step::Send(b) => String::from_utf8(b).unwrap(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_alerts_keepalived_sends() {
        let a = instance_alert("node1", "VI_1", State::Master).unwrap();
        assert_eq!(
            a.subject,
            "[node1] VRRP Instance VI_1 - Entering MASTER state"
        );
        assert_eq!(a.body, "=> VRRP Instance is now owning VRRP VIPs <=");
        let g = group_alert("node1", "G", State::Fault).unwrap();
        assert_eq!(g.subject, "[node1] VRRP Group G - Entering FAULT state");
        assert_eq!(
            g.body,
            "=> All VRRP group instances are now in FAULT state <="
        );
        assert_eq!(instance_alert("n", "x", State::Init), None);
        let m = message("Mon, 01 Mar 2021 09:44:08 +0000", &env(&["a@x", "b@y"]), &a);
        assert_eq!(
            m,
            "Date: Mon, 01 Mar 2021 09:44:08 +0000\r\nFrom: ka@node1\r\nSubject: [node1] VRRP Instance VI_1 - Entering MASTER state\r\nX-Mailer: Keepalived\r\nTo: a@x, b@y\r\n\r\n=> VRRP Instance is now owning VRRP VIPs <=\r\n\r\n.\r\n"
        );
        assert!(wanted(true, false, None, State::Backup));
        assert!(!wanted(true, false, Some(State::Backup), State::Backup));
        assert!(!wanted(true, true, None, State::Fault));
        assert!(!wanted(false, false, None, State::Master));
    }

    #[test]
    fn a_whole_dialogue() {
        let mut d = Dialogue::new(env(&["a@x", "b@y"]), "BODY\r\n.\r\n".into());
        let mut log = Vec::new();
        // A multi-line greeting, in two pieces.
        assert_eq!(d.on_bytes(b"220-hello\r\n22", &mut log), Step::Wait);
        assert_eq!(sent(d.on_bytes(b"0 ready\r\n", &mut log)), "HELO node1\r\n");
        assert_eq!(
            sent(d.on_bytes(b"250 ok\r\n", &mut log)),
            "MAIL FROM:<ka@node1>\r\n"
        );
        assert_eq!(
            sent(d.on_bytes(b"250 ok\r\n", &mut log)),
            "RCPT TO:<a@x>\r\n"
        );
        assert_eq!(
            sent(d.on_bytes(b"250 ok\r\n", &mut log)),
            "RCPT TO:<b@y>\r\n"
        );
        assert_eq!(sent(d.on_bytes(b"250 ok\r\n", &mut log)), "DATA\r\n");
        assert_eq!(sent(d.on_bytes(b"354 go\r\n", &mut log)), "BODY\r\n.\r\n");
        assert_eq!(sent(d.on_bytes(b"250 queued\r\n", &mut log)), "QUIT\r\n");
        assert!(d.sent);
        assert_eq!(d.on_bytes(b"221 bye\r\n", &mut log), Step::Close);
        assert!(log.is_empty());
    }

    #[test]
    fn errors_and_timeouts_quit() {
        let mut d = Dialogue::new(env(&["a@x"]), String::new());
        let mut log = Vec::new();
        d.on_bytes(b"220 hi\r\n", &mut log);
        assert_eq!(sent(d.on_bytes(b"550 no\r\n", &mut log)), "QUIT\r\n");
        assert_eq!(
            log,
            ["Error processing HELO cmd on SMTP server [127.0.0.1]:25. SMTP status code = 550"]
        );
        assert_eq!(d.on_timeout(&mut log), Step::Close);
        let mut d = Dialogue::new(env(&["a@x"]), String::new());
        assert_eq!(sent(d.on_timeout(&mut log)), "QUIT\r\n");
        assert_eq!(d.on_eof(&mut log), Step::Close);
        assert!(log.last().unwrap().contains("has closed the connection"));
        let mut d = Dialogue::new(env(&["a@x"]), String::new());
        assert_eq!(sent(d.on_bytes(&[b'x'; 2000], &mut log)), "QUIT\r\n");
    }
}
