//! The VRRP protocol as pure state machines and codecs: they take events and
//! an explicit `now` and return actions; only `crate::sys` touches sockets.

pub mod ah;
pub mod machine;
pub mod notify;
pub mod packet;
pub mod receive;
