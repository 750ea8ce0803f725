//! How a tracked object's state becomes a [`Status`] for one instance, as
//! keepalived 2.2.7 counts it (`initialise_*_tracking_priorities` and the
//! update functions of vrrp_track.c and track_file.c).

use super::Status;

/// A tracker that is up or down (an interface's link, a process quorum):
/// with weight 0 a failure is FAULT (with `reverse`, success is); otherwise
/// a positive weight is added while up and a negative one while down, the
/// sign flipped by `reverse`.
pub fn updown(up: bool, weight: i32, reverse: bool) -> Status {
    let m = if reverse { -1 } else { 1 };
    if weight == 0 {
        return if up != reverse {
            Status::Ok
        } else {
            Status::Fault
        };
    }
    let w = if up { weight.max(0) } else { weight.min(0) };
    if w == 0 {
        Status::Ok
    } else {
        Status::Weight(w * m)
    }
}

/// A track_file's value for one tracker: with weight 0 a non-zero value is
/// FAULT (with `reverse`, zero is); otherwise value × weight (negated by
/// `reverse`), where -254 or less is FAULT and more than 253 counts 253.
pub fn file(value: i64, weight: i32, reverse: bool) -> Status {
    let m: i64 = if reverse { -1 } else { 1 };
    if weight == 0 {
        return if (value != 0) != reverse {
            Status::Fault
        } else {
            Status::Ok
        };
    }
    let v = value
        .saturating_mul(i64::from(weight))
        .saturating_mul(m)
        .clamp(-254, 253);
    match v {
        -254 => Status::Fault,
        0 => Status::Ok,
        v => Status::Weight(v as i32),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn updown_weights_follow_keepalived() {
        assert_eq!(updown(true, 0, false), Status::Ok);
        assert_eq!(updown(false, 0, false), Status::Fault);
        assert_eq!(updown(true, 0, true), Status::Fault);
        assert_eq!(updown(false, 0, true), Status::Ok);
        // Positive weights add while up, negative ones subtract while down.
        assert_eq!(updown(true, 10, false), Status::Weight(10));
        assert_eq!(updown(false, 10, false), Status::Ok);
        assert_eq!(updown(true, -10, false), Status::Ok);
        assert_eq!(updown(false, -10, false), Status::Weight(-10));
        // reverse flips the sign.
        assert_eq!(updown(true, 10, true), Status::Weight(-10));
        assert_eq!(updown(false, -10, true), Status::Weight(10));
    }

    #[test]
    fn file_values_scale_clamp_and_fault() {
        assert_eq!(file(0, 0, false), Status::Ok);
        assert_eq!(file(3, 0, false), Status::Fault);
        assert_eq!(file(0, 0, true), Status::Fault);
        assert_eq!(file(-1, 0, true), Status::Ok);
        assert_eq!(file(5, 2, false), Status::Weight(10));
        assert_eq!(file(5, 2, true), Status::Weight(-10));
        assert_eq!(file(-5, 3, false), Status::Weight(-15));
        assert_eq!(file(1000, 1, false), Status::Weight(253));
        assert_eq!(file(-254, 1, false), Status::Fault);
        assert_eq!(file(-30, 10, false), Status::Fault);
        assert_eq!(file(i64::from(i32::MAX) + 1, -254, false), Status::Fault);
    }
}
