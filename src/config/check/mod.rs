//! The checker (IPVS) part of the configuration: `SSL`,
//! `virtual_server_group` and `virtual_server` with its real servers and
//! health checkers, and what keepalived's checker process checks once the
//! file is read.

pub mod addr;
mod checker;
pub mod model;
pub mod num;
mod server;
mod validate;

#[cfg(test)]
mod tests;

use super::parser::{Ctx, Keyword};
use checker as ck;
use server as sv;

/// Top-level keywords of this part.
pub static ROOT: &[Keyword] = &[
    Keyword::block("SSL", Some(sv::ssl_handler), SSL, None),
    Keyword::leaf("virtual_server_group", sv::vsg_handler),
    Keyword::block(
        "virtual_server",
        Some(sv::vs_handler),
        VIRTUAL_SERVER,
        Some(sv::vs_close),
    ),
];

static SSL: &[Keyword] = &[
    Keyword::leaf("password", sv::ssl_password).not_acted_on(),
    Keyword::leaf("ca", sv::ssl_ca).not_acted_on(),
    Keyword::leaf("certificate", sv::ssl_certificate).not_acted_on(),
    Keyword::leaf("key", sv::ssl_key).not_acted_on(),
];

static VIRTUAL_SERVER: &[Keyword] = &[
    Keyword::leaf("ip_family", sv::ip_family).not_acted_on(),
    Keyword::leaf("retry", sv::vs_retry),
    Keyword::leaf("delay_before_retry", sv::vs_delay_before_retry),
    Keyword::leaf("warmup", sv::vs_warmup).not_acted_on(),
    Keyword::leaf("connect_timeout", sv::vs_connect_timeout),
    Keyword::leaf("delay_loop", sv::vs_delay_loop),
    Keyword::leaf("inhibit_on_failure", sv::vs_inhibit),
    Keyword::leaf("lb_algo", sv::lb_algo),
    Keyword::leaf("lvs_sched", sv::lb_algo),
    Keyword::leaf("hashed", sv::sched_flag),
    Keyword::leaf("ops", sv::sched_flag).not_acted_on(),
    Keyword::leaf("flag-1", sv::sched_flag).not_acted_on(),
    Keyword::leaf("flag-2", sv::sched_flag).not_acted_on(),
    Keyword::leaf("flag-3", sv::sched_flag).not_acted_on(),
    Keyword::leaf("sh-port", sv::sched_flag).not_acted_on(),
    Keyword::leaf("sh-fallback", sv::sched_flag).not_acted_on(),
    Keyword::leaf("mh-port", sv::sched_flag).not_acted_on(),
    Keyword::leaf("mh-fallback", sv::sched_flag).not_acted_on(),
    Keyword::leaf("lb_kind", sv::vs_lvs_method),
    Keyword::leaf("lvs_method", sv::vs_lvs_method),
    Keyword::leaf("persistence_engine", sv::persistence_engine).not_acted_on(),
    Keyword::leaf("persistence_timeout", sv::persistence_timeout),
    Keyword::leaf("persistence_granularity", sv::persistence_granularity),
    Keyword::leaf("protocol", sv::protocol),
    Keyword::leaf("ha_suspend", sv::ha_suspend).not_acted_on(),
    Keyword::leaf("smtp_alert", sv::vs_smtp_alert),
    Keyword::leaf("virtualhost", sv::vs_virtualhost),
    Keyword::leaf("snmp_name", sv::vs_snmp_name).not_acted_on(),
    Keyword::leaf("alpha", sv::vs_alpha),
    Keyword::leaf("omega", sv::omega),
    Keyword::leaf("quorum_up", sv::quorum_up),
    Keyword::leaf("quorum_down", sv::quorum_down),
    Keyword::leaf("quorum", sv::quorum),
    Keyword::leaf("hysteresis", sv::hysteresis),
    Keyword::leaf("weight", sv::vs_weight).not_acted_on(),
    Keyword::leaf("sorry_server", sv::sorry_server),
    Keyword::leaf("sorry_server_inhibit", sv::sorry_server_inhibit).not_acted_on(),
    Keyword::leaf("sorry_server_lvs_method", sv::sorry_server_lvs_method).not_acted_on(),
    Keyword::block(
        "real_server",
        Some(sv::rs_handler),
        REAL_SERVER,
        Some(sv::rs_close),
    ),
];

static REAL_SERVER: &[Keyword] = &[
    Keyword::leaf("weight", sv::rs_weight),
    Keyword::leaf("lvs_method", sv::rs_lvs_method),
    Keyword::leaf("uthreshold", sv::uthreshold).not_acted_on(),
    Keyword::leaf("lthreshold", sv::lthreshold).not_acted_on(),
    Keyword::leaf("inhibit_on_failure", sv::rs_inhibit),
    Keyword::leaf("notify_up", sv::notify_up),
    Keyword::leaf("notify_down", sv::notify_down),
    Keyword::leaf("alpha", sv::rs_alpha),
    Keyword::leaf("retry", sv::rs_retry),
    Keyword::leaf("delay_before_retry", sv::rs_delay_before_retry),
    Keyword::leaf("warmup", sv::rs_warmup).not_acted_on(),
    Keyword::leaf("connect_timeout", sv::rs_connect_timeout),
    Keyword::leaf("delay_loop", sv::rs_delay_loop),
    Keyword::leaf("smtp_alert", sv::rs_smtp_alert),
    Keyword::leaf("virtualhost", sv::rs_virtualhost),
    Keyword::leaf("snmp_name", sv::rs_snmp_name).not_acted_on(),
    Keyword::block(
        "MISC_CHECK",
        Some(ck::misc_check),
        MISC_CHECK,
        Some(ck::misc_close),
    ),
    Keyword::block(
        "SMTP_CHECK",
        Some(ck::smtp_check),
        SMTP_CHECK,
        Some(ck::smtp_close),
    ),
    Keyword::block(
        "TCP_CHECK",
        Some(ck::tcp_check),
        TCP_CHECK,
        Some(ck::conn_close),
    ),
    Keyword::block(
        "PING_CHECK",
        Some(ck::ping_check),
        PING_CHECK,
        Some(ck::conn_close),
    ),
    Keyword::block(
        "UDP_CHECK",
        Some(ck::udp_check),
        UDP_CHECK,
        Some(ck::udp_close),
    ),
    Keyword::block(
        "HTTP_GET",
        Some(ck::http_get),
        HTTP_GET,
        Some(ck::http_close),
    ),
    Keyword::block("SSL_GET", Some(ck::http_get), SSL_GET, Some(ck::http_close)),
    Keyword::block(
        "DNS_CHECK",
        Some(ck::dns_check),
        DNS_CHECK,
        Some(ck::conn_close),
    ),
    Keyword::block(
        "FILE_CHECK",
        Some(ck::file_check),
        FILE_CHECK,
        Some(ck::file_close),
    )
    .not_acted_on(),
    Keyword::block(
        "BFD_CHECK",
        Some(ck::bfd_check),
        BFD_CHECK,
        Some(ck::bfd_close),
    )
    .not_acted_on(),
];

/// The keyword tables of the checkers: each gets the shared timing keywords
/// and, unless `noconn`, the connection keywords (check_api.c), then its own.
macro_rules! checker_table {
    ($name:ident, noconn, [$($extra:expr),* $(,)?]) => {
        static $name: &[Keyword] = &[
            Keyword::leaf("retry", ck::retry),
            Keyword::leaf("delay_before_retry", ck::delay_before_retry),
            Keyword::leaf("warmup", ck::warmup).not_acted_on(),
            Keyword::leaf("delay_loop", ck::delay_loop),
            Keyword::leaf("alpha", ck::alpha).not_acted_on(),
            Keyword::leaf("log_all_failures", ck::log_all_failures).not_acted_on(),
            $($extra),*
        ];
    };
    ($name:ident, conn, [$($extra:expr),* $(,)?]) => {
        checker_table!($name, noconn, [
            Keyword::leaf("connect_ip", ck::connect_ip),
            Keyword::leaf("connect_port", ck::connect_port),
            Keyword::leaf("bindto", ck::bindto),
            Keyword::leaf("bind_port", ck::bind_port).not_acted_on(),
            Keyword::leaf("bind_if", ck::bind_if).not_acted_on(),
            Keyword::leaf("connect_timeout", ck::connect_timeout),
            Keyword::leaf("fwmark", ck::fwmark).not_acted_on(),
            $($extra),*
        ]);
    };
}

checker_table!(TCP_CHECK, conn, []);
checker_table!(PING_CHECK, conn, []);
checker_table!(
    HTTP_GET,
    conn,
    [
        Keyword::leaf("nb_get_retry", ck::nb_get_retry),
        Keyword::leaf("virtualhost", ck::http_virtualhost),
        Keyword::leaf("http_protocol", ck::http_protocol).not_acted_on(),
        Keyword::leaf("enable_sni", ck::enable_sni).not_acted_on(),
        Keyword::leaf("sni_name", ck::sni_name).not_acted_on(),
        Keyword::leaf("fast_recovery", ck::fast_recovery).not_acted_on(),
        Keyword::block("url", Some(ck::url_start), HTTP_URL, Some(ck::url_close)),
    ]
);
checker_table!(
    SSL_GET,
    conn,
    [
        Keyword::leaf("nb_get_retry", ck::nb_get_retry),
        Keyword::leaf("virtualhost", ck::http_virtualhost),
        Keyword::leaf("http_protocol", ck::http_protocol).not_acted_on(),
        Keyword::leaf("enable_sni", ck::enable_sni).not_acted_on(),
        Keyword::leaf("sni_name", ck::sni_name).not_acted_on(),
        Keyword::leaf("fast_recovery", ck::fast_recovery).not_acted_on(),
        Keyword::leaf("tls_compliant", ck::tls_compliant).not_acted_on(),
        Keyword::block("url", Some(ck::url_start), SSL_URL, Some(ck::url_close)),
    ]
);
checker_table!(
    SMTP_CHECK,
    conn,
    [
        Keyword::leaf("helo_name", ck::helo_name),
        Keyword::block(
            "host",
            Some(ck::smtp_host),
            SMTP_HOST,
            Some(ck::smtp_host_close)
        ),
    ]
);
checker_table!(SMTP_HOST, conn, []);
checker_table!(
    MISC_CHECK,
    noconn,
    [
        Keyword::leaf("misc_path", ck::misc_path),
        Keyword::leaf("misc_timeout", ck::misc_timeout),
        Keyword::leaf("misc_dynamic", ck::misc_dynamic),
        Keyword::leaf("user", ck::misc_user),
    ]
);
checker_table!(
    DNS_CHECK,
    conn,
    [
        Keyword::leaf("type", ck::dns_type),
        Keyword::leaf("name", ck::dns_name),
    ]
);
checker_table!(
    UDP_CHECK,
    conn,
    [
        Keyword::leaf("payload", ck::payload).not_acted_on(),
        Keyword::leaf("require_reply", ck::require_reply).not_acted_on(),
        Keyword::leaf("min_reply_length", ck::min_reply_length).not_acted_on(),
        Keyword::leaf("max_reply_length", ck::max_reply_length).not_acted_on(),
    ]
);

static HTTP_URL: &[Keyword] = &[
    Keyword::leaf("path", ck::path),
    Keyword::leaf("digest", ck::digest),
    Keyword::leaf("status_code", ck::status_code),
    Keyword::leaf("virtualhost", ck::url_virtualhost),
    Keyword::leaf("regex", ck::regex).not_acted_on(),
    Keyword::leaf("regex_no_match", ck::regex_no_match).not_acted_on(),
    Keyword::leaf("regex_options", ck::regex_options).not_acted_on(),
    Keyword::leaf("regex_min_offset", ck::regex_min_offset).not_acted_on(),
    Keyword::leaf("regex_max_offset", ck::regex_max_offset).not_acted_on(),
    Keyword::leaf("regex_stack", ck::regex_stack).not_acted_on(),
];

static SSL_URL: &[Keyword] = &[
    Keyword::leaf("path", ck::path),
    Keyword::leaf("digest", ck::digest),
    Keyword::leaf("status_code", ck::status_code),
    Keyword::leaf("virtualhost", ck::url_virtualhost),
    Keyword::leaf("regex", ck::regex).not_acted_on(),
    Keyword::leaf("regex_no_match", ck::regex_no_match).not_acted_on(),
    Keyword::leaf("regex_options", ck::regex_options).not_acted_on(),
    Keyword::leaf("regex_min_offset", ck::regex_min_offset).not_acted_on(),
    Keyword::leaf("regex_max_offset", ck::regex_max_offset).not_acted_on(),
    Keyword::leaf("regex_stack", ck::regex_stack).not_acted_on(),
    Keyword::leaf("tls_compliant", ck::url_tls_compliant).not_acted_on(),
];

static FILE_CHECK: &[Keyword] = &[
    Keyword::leaf("track_file", ck::file_track_file),
    Keyword::leaf("weight", ck::file_weight),
];

static BFD_CHECK: &[Keyword] = &[
    Keyword::leaf("name", ck::bfd_name),
    Keyword::leaf("alpha", ck::bfd_alpha),
];

/// keepalived's checker process checks, after the whole configuration has
/// been read (start_check in `-t` mode).
pub fn validate(ctx: &mut Ctx) {
    validate::validate(ctx);
}
