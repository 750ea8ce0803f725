//! `keepalived.json` (keepalived's `vrrp_json_dump`): one array, an object
//! per instance with its "data" and "stats", written compactly like its
//! json_writer.

use super::data::{instance_auth, instance_smtp_alert, instance_strict, instance_version, view};
use super::text::{cmd_str, fmt_g, format_ipaddress};
use super::Snapshot;
use crate::config::vrrp::instance::{AuthType, Instance};
use crate::vrrp::machine::State;

/// json_writer's string escaping, including its quirk of writing a
/// backslash as `\n`.
fn quote(o: &mut String, s: &str) {
    o.push('"');
    for c in s.chars() {
        match c {
            '\t' => o.push_str("\\t"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\x0c' => o.push_str("\\f"),
            '\x08' => o.push_str("\\b"),
            '\\' => o.push_str("\\n"),
            '"' => o.push_str("\\\""),
            '/' => o.push_str("\\/"),
            c => o.push(c),
        }
    }
    o.push('"');
}

/// The fields of one object, written `"name":value` separated by commas.
struct Obj {
    s: String,
}

impl Obj {
    fn new() -> Obj {
        Obj {
            s: String::from("{"),
        }
    }

    fn name(&mut self, n: &str) {
        if self.s.len() > 1 {
            self.s.push(',');
        }
        quote(&mut self.s, n);
        self.s.push(':');
    }

    fn raw(&mut self, n: &str, v: &str) {
        self.name(n);
        self.s.push_str(v);
    }

    fn uint(&mut self, n: &str, v: u64) {
        self.raw(n, &v.to_string());
    }

    fn boolean(&mut self, n: &str, v: bool) {
        self.raw(n, if v { "true" } else { "false" });
    }

    fn string(&mut self, n: &str, v: &str) {
        self.name(n);
        quote(&mut self.s, v);
    }

    fn strings(&mut self, n: &str, v: &[String]) {
        if v.is_empty() {
            return;
        }
        self.name(n);
        self.s.push('[');
        for (i, x) in v.iter().enumerate() {
            if i > 0 {
                self.s.push(',');
            }
            quote(&mut self.s, x);
        }
        self.s.push(']');
    }

    fn end(mut self) -> String {
        self.s.push('}');
        self.s
    }
}

fn state_num(s: State) -> u64 {
    s as u64
}

fn data(s: &Snapshot, inst: &Instance) -> String {
    let g = &s.config.global;
    let run = view(s, &inst.name);
    let clock = &s.run.clock;
    let mut o = Obj::new();
    o.string("iname", &inst.name);
    o.uint("dont_track_primary", u64::from(inst.dont_track_primary));
    o.uint("skip_check_adv_addr", u64::from(inst.skip_check_adv_addr));
    let strict = instance_strict(g, inst);
    o.uint("strict_mode", u64::from(strict));
    o.string("vmac_ifname", "");
    let ifname = run
        .and_then(|r| r.interface.clone())
        .or_else(|| inst.interface.clone());
    if let Some(n) = &ifname {
        o.string("ifp_ifname", n);
    }
    o.uint(
        "master_priority",
        u64::from(run.map_or(0, |r| r.master_priority)),
    );
    let lt = clock.wall(run.map_or(clock.mono, |r| r.last_transition));
    let lt_secs = lt.div_euclid(1_000_000) as f64 + lt.rem_euclid(1_000_000) as f64 / 1e6;
    o.raw("last_transition", &format!("{lt_secs:.6}"));
    let gp = &inst.garp;
    let d = |x: Option<std::time::Duration>, dflt: std::time::Duration| x.unwrap_or(dflt);
    o.raw(
        "garp_delay",
        &fmt_g(d(gp.master_delay, g.vrrp_garp_master_delay).as_micros() as f64 / 1e6),
    );
    o.uint(
        "garp_refresh",
        d(gp.master_refresh, g.vrrp_garp_master_refresh).as_secs(),
    );
    o.uint(
        "garp_rep",
        u64::from(gp.master_repeat.unwrap_or(g.vrrp_garp_master_repeat)),
    );
    o.uint(
        "garp_refresh_rep",
        u64::from(
            gp.master_refresh_repeat
                .unwrap_or(g.vrrp_garp_master_refresh_repeat),
        ),
    );
    let (lp_delay, lp_rep) = if strict {
        (0, 0)
    } else {
        (
            g.garp_lower_prio_delay().as_secs(),
            g.garp_lower_prio_repeat(),
        )
    };
    o.uint(
        "garp_lower_prio_delay",
        gp.lower_prio_delay.map_or(lp_delay, |x| x.as_secs()),
    );
    o.uint(
        "garp_lower_prio_rep",
        u64::from(gp.lower_prio_repeat.unwrap_or(lp_rep)),
    );
    let lower_no_advert = inst
        .lower_prio_no_advert
        .unwrap_or(g.vrrp_lower_prio_no_advert || strict);
    let higher_send = inst
        .higher_prio_send_advert
        .unwrap_or(g.vrrp_higher_prio_send_advert && !strict);
    o.uint("lower_prio_no_advert", u64::from(lower_no_advert));
    o.uint("higher_prio_send_advert", u64::from(higher_send));
    o.uint("vrid", u64::from(inst.vrid.map_or(0, |v| v.get())));
    let base = run.map_or(inst.priority().get(), |r| r.base_priority);
    o.uint("base_priority", u64::from(base));
    o.uint(
        "effective_priority",
        u64::from(run.map_or(base, |r| r.effective_priority)),
    );
    o.boolean("vipset", run.is_some_and(|r| r.vip_set));
    o.boolean("promote_secondaries", inst.promote_secondaries);
    let adv = inst.advert_interval().duration().as_micros() as f64 / 1e6;
    o.raw("adver_int", &fmt_g(adv));
    let master_adv = run.map_or(adv, |r| r.master_adver_int as f64 / 1e6);
    o.raw("master_adver_int", &fmt_g(master_adv));
    let accept = inst.accept.unwrap_or(!strict) || base == 255;
    o.uint("accept", u64::from(accept));
    o.boolean("nopreempt", inst.nopreempt);
    o.uint("preempt_delay", inst.preempt_delay.as_secs());
    o.uint("state", state_num(run.map_or(State::Init, |r| r.state)));
    o.uint(
        "wantstate",
        state_num(run.map_or(State::Init, |r| r.wantstate)),
    );
    o.uint("version", u64::from(instance_version(g, inst).number()));
    o.boolean("smtp_alert", instance_smtp_alert(s, inst));
    o.boolean("notify_deleted", inst.notify_deleted);
    let n = &inst.notify;
    for (key, sc) in [
        ("script_backup", &n.backup),
        ("script_master", &n.master),
        ("script_fault", &n.fault),
        ("script_stop", &n.stop),
        ("script_deleted", &n.deleted),
        ("script", &n.generic),
        ("script_master_rx_lower_pri", &n.master_rx_lower_pri),
    ] {
        if let Some(sc) = sc {
            o.string(key, &cmd_str(sc));
        }
    }
    let dev = ifname.as_deref().unwrap_or("");
    let set = run.is_some_and(|r| r.vip_set);
    let addrs = |l: &[crate::config::vrrp::ipaddr::IpAddress]| -> Vec<String> {
        l.iter()
            .map(|a| format_ipaddress(a, a.dev.as_deref().unwrap_or(dev), set))
            .collect()
    };
    o.strings("vips", &addrs(&inst.vips));
    o.strings("evips", &addrs(&inst.excluded_vips));
    let own = ifname.as_deref();
    let ifs: Vec<String> = inst
        .track_interfaces
        .iter()
        .filter(|t| Some(t.name.as_str()) != own)
        .map(|t| t.name.clone())
        .collect();
    o.strings("track_ifp", &ifs);
    let scripts: Vec<String> = inst
        .track_scripts
        .iter()
        .filter_map(|t| s.config.vrrp.track.script(&t.name))
        .filter_map(|sc| sc.script.as_ref().map(cmd_str))
        .collect();
    o.strings("track_script", &scripts);
    match instance_auth(inst, g) {
        Some((kind, p)) => {
            o.uint(
                "auth_type",
                match kind {
                    AuthType::Pass => 1,
                    AuthType::Ah => 2,
                },
            );
            o.string("auth_data", &super::data::password(&p));
        }
        None => o.uint("auth_type", 0),
    }
    o.end()
}

fn stats(s: &Snapshot, inst: &Instance) -> String {
    let st = view(s, &inst.name).map(|r| r.stats).unwrap_or_default();
    let mut o = Obj::new();
    for (k, v) in [
        ("advert_rcvd", st.advert_rcvd),
        ("advert_sent", st.advert_sent),
        ("become_master", st.become_master),
        ("release_master", st.release_master),
        ("packet_len_err", st.packet_len_err),
        ("advert_interval_err", st.advert_interval_err),
        ("ip_ttl_err", st.ip_ttl_err),
        ("invalid_type_rcvd", st.invalid_type_rcvd),
        ("addr_list_err", st.addr_list_err),
        ("invalid_authtype", st.invalid_authtype),
        ("authtype_mismatch", st.authtype_mismatch),
        ("auth_failure", st.auth_failure),
        ("pri_zero_rcvd", st.pri_zero_rcvd),
        ("pri_zero_sent", st.pri_zero_sent),
    ] {
        o.uint(k, v);
    }
    o.end()
}

/// `keepalived.json`; `None` when there are no instances (keepalived then
/// writes nothing).
pub fn json(s: &Snapshot) -> Option<String> {
    let list = &s.config.vrrp.instances.list;
    if list.is_empty() {
        return None;
    }
    let mut out = String::from("[");
    for (i, inst) in list.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"data\":");
        out.push_str(&data(s, inst));
        out.push_str(",\"stats\":");
        out.push_str(&stats(s, inst));
        out.push('}');
    }
    out.push_str("]\n");
    Some(out)
}

#[cfg(test)]
pub(super) fn quote_for_test(o: &mut String, s: &str) {
    quote(o, s)
}
