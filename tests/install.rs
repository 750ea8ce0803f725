//! `make install DESTDIR=...` lays out the files of a keepalived package, and
//! `make uninstall` removes exactly them. Needs GNU make and sed.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn files(root: &Path) -> BTreeSet<String> {
    fn walk(dir: &Path, root: &Path, out: &mut BTreeSet<String>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd.flatten() {
            let p = e.path();
            let ft = e.file_type().unwrap();
            if ft.is_dir() {
                walk(&p, root, out);
            } else {
                out.insert(p.strip_prefix(root).unwrap().display().to_string());
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(root, root, &mut out);
    out
}

fn make(dest: &Path, target: &str) -> std::process::Output {
    Command::new("make")
        .arg("-s")
        .arg(target)
        .arg(format!("DESTDIR={}", dest.display()))
        .arg(format!(
            "KEEPALIVED_BIN={}",
            env!("CARGO_BIN_EXE_keepalived")
        ))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("make runs")
}

#[test]
fn install_and_uninstall_are_exact() {
    if Command::new("make").arg("--version").output().is_err() {
        println!("SKIPPED: no make");
        return;
    }
    let dest: PathBuf = std::env::temp_dir().join(format!("ka-install-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dest);
    let out = make(&dest, "install-files");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected: BTreeSet<String> = [
        "usr/local/sbin/keepalived",
        "usr/local/bin/genhash",
        "usr/local/share/man/man8/keepalived.8",
        "usr/local/share/man/man5/keepalived.conf.5",
        "usr/local/share/man/man1/genhash.1",
        "lib/systemd/system/keepalived.service",
        "etc/keepalived/keepalived.conf.sample",
        "etc/keepalived/samples/unicast.conf",
        "etc/keepalived/samples/track_script.conf",
        "etc/keepalived/samples/lvs.conf",
        "etc/default/keepalived",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(files(&dest), expected);
    let unit = std::fs::read_to_string(dest.join("lib/systemd/system/keepalived.service")).unwrap();
    assert!(
        unit.contains("ExecStart=/usr/local/sbin/keepalived --dont-fork"),
        "{unit}"
    );
    assert!(unit.contains("Type=notify"));
    assert!(!unit.contains('@'), "placeholders left: {unit}");
    // genhash is a link to the daemon, which acts as genhash by that name.
    let link = std::fs::read_link(dest.join("usr/local/bin/genhash")).unwrap();
    assert_eq!(link, Path::new("/usr/local/sbin/keepalived"));

    // An existing keepalived.conf and an edited /etc/default survive.
    std::fs::write(dest.join("etc/keepalived/keepalived.conf"), "# mine\n").unwrap();
    std::fs::write(dest.join("etc/default/keepalived"), "DAEMON_ARGS=\"-D\"\n").unwrap();
    let out = make(&dest, "install-files");
    assert!(out.status.success());
    assert_eq!(
        std::fs::read_to_string(dest.join("etc/default/keepalived")).unwrap(),
        "DAEMON_ARGS=\"-D\"\n"
    );
    let out = make(&dest, "uninstall");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let left = files(&dest);
    assert_eq!(
        left,
        ["etc/default/keepalived", "etc/keepalived/keepalived.conf"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    );
    // Untouched files only: with the default file unchanged, nothing is left.
    std::fs::remove_file(dest.join("etc/keepalived/keepalived.conf")).unwrap();
    std::fs::remove_file(dest.join("etc/default/keepalived")).unwrap();
    assert!(make(&dest, "install-files").status.success());
    assert!(make(&dest, "uninstall").status.success());
    assert!(files(&dest).is_empty(), "{:?}", files(&dest));
    std::fs::remove_dir_all(&dest).unwrap();
}
