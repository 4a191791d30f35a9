//! A PostgreSQL outage in the middle of load: the service answers 503 problems quickly (no hang,
//! no crash), `/readyz` fails, and it recovers within 5 seconds of the database's return.
//!
//! A test binary of its own: it stops the local PostgreSQL server, which the other tests use, and
//! cargo runs test binaries one after another. It runs in the PostgreSQL pass of the suite
//! (`TEST_DATABASE_URL`) and always starts the server again, even when it fails.

#![allow(dead_code)]

#[path = "../it/process.rs"]
mod process;
#[path = "../it/support.rs"]
mod support;

use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use process::{Server, agent};
use support::TestDb;

fn cluster_version() -> String {
    std::fs::read_dir("/etc/postgresql")
        .expect("a local PostgreSQL cluster")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .next()
        .expect("a cluster version")
}

fn pg(action: &str) {
    let status = Command::new("pg_ctlcluster")
        .args([
            "--skip-systemctl-redirect",
            &cluster_version(),
            "main",
            action,
        ])
        .args(if action == "stop" {
            &["-m", "fast"][..]
        } else {
            &[][..]
        })
        .status()
        .expect("pg_ctlcluster");
    assert!(status.success(), "pg_ctlcluster {action}");
}

fn pg_ready() -> bool {
    Command::new("pg_isready")
        .args(["-q", "-h", "127.0.0.1", "-p", "5432"])
        .status()
        .is_ok_and(|s| s.success())
}

/// Starts PostgreSQL again when dropped, whatever happened.
struct Restart;

impl Drop for Restart {
    fn drop(&mut self) {
        if !pg_ready() {
            pg("start");
        }
        for _ in 0..100 {
            if pg_ready() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

fn status(url: &str) -> (u16, String, Duration) {
    let t = Instant::now();
    match agent().get(url).call() {
        Ok(mut r) => {
            let ct = r
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned();
            let _ = r.body_mut().read_to_string();
            (r.status().as_u16(), ct, t.elapsed())
        }
        Err(e) => panic!("{url}: the service did not answer: {e}"),
    }
}

#[test]
fn the_service_survives_a_database_outage() {
    if std::env::var("TEST_DATABASE_URL").map_or(true, |u| u.is_empty()) {
        eprintln!("the outage test runs in the PostgreSQL pass (TEST_DATABASE_URL)");
        return;
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt.block_on(TestDb::new());
    let mut config = db.config.clone();
    let server = Server::start(&mut config);
    let base = server.base.clone();
    assert_eq!(status(&format!("{base}/readyz")).0, 200);
    assert_eq!(status(&format!("{base}/api/v1/brands/1")).0, 200);

    // Load throughout: registry reads, which need the database every time.
    let stop = Arc::new(AtomicBool::new(false));
    let seen: Arc<Mutex<Vec<(u16, String, Duration)>>> = Arc::default();
    let load: Vec<_> = (0..4)
        .map(|_| {
            let (stop, seen, base) = (stop.clone(), seen.clone(), base.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let s = status(&format!("{base}/api/v1/brands?limit=5"));
                    seen.lock().unwrap().push(s);
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));

    let _restart = Restart;
    pg("stop");
    let (code, ct, took) = status(&format!("{base}/api/v1/brands/2"));
    assert_eq!(code, 503, "an outage is a 503");
    assert_eq!(ct, "application/problem+json");
    assert!(
        took < Duration::from_secs(10),
        "answered in {took:?}, not hung"
    );
    let (ready, ct, _) = status(&format!("{base}/readyz"));
    assert_eq!((ready, ct.as_str()), (503, "application/problem+json"));
    std::thread::sleep(Duration::from_secs(2));

    pg("start");
    let back = Instant::now();
    while !pg_ready() {
        assert!(
            back.elapsed() < Duration::from_secs(30),
            "PostgreSQL did not come back"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let up = Instant::now();
    loop {
        if status(&format!("{base}/readyz")).0 == 200
            && status(&format!("{base}/api/v1/brands/1")).0 == 200
        {
            break;
        }
        assert!(
            up.elapsed() < Duration::from_secs(5),
            "not recovered 5 s after the database returned"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let recovered = up.elapsed();
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::Relaxed);
    for t in load {
        t.join().unwrap();
    }
    let seen = seen.lock().unwrap();
    assert!(seen.iter().any(|s| s.0 == 503), "the load saw the outage");
    let odd: Vec<_> = seen
        .iter()
        .filter(|s| !(s.0 == 200 || (s.0 == 503 && s.1 == "application/problem+json")))
        .collect();
    assert!(odd.is_empty(), "only answers or 503 problems, but: {odd:?}");
    assert!(
        seen.iter().all(|s| s.2 < Duration::from_secs(10)),
        "no request hung"
    );
    assert_eq!(seen.last().unwrap().0, 200, "the load ends served");
    eprintln!(
        "recovered {recovered:?} after the database returned; {} requests under load",
        seen.len()
    );
    server.stop();
}
