//! `tasdiq monitor --brand N` against a running `tasdiq serve` (issue 20 item 4): it reports the
//! brand's entries, then only the new ones at its next run; and when the operator, holding the
//! database and the log key, rewrites history and signs the forked log, it exits 4.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use sea_orm::ConnectionTrait as _;
use serde_json::{Value, json};

use crate::process::{Server, agent, run};
use crate::support::TestDb;

fn monitor(base: &str, dir: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tasdiq"))
        .env_clear()
        .env("RUST_LOG", "error")
        .args(["monitor", "--brand", "1", "--from", base, "--dir"])
        .arg(dir)
        .output()
        .unwrap()
}

fn lines(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The size of the served checkpoint, once it is at least `min`.
fn size_at_least(base: &str, min: u64) -> u64 {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let mut res = agent()
            .get(&format!("{base}/log/checkpoint"))
            .call()
            .unwrap();
        if res.status().as_u16() == 200 {
            let text = res.body_mut().read_to_string().unwrap();
            let size: u64 = text.lines().nth(1).unwrap().parse().unwrap();
            if size >= min {
                return size;
            }
        }
        assert!(Instant::now() < deadline, "the log did not reach {min}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn the_monitor_reports_a_brand_and_exits_4_on_a_rewritten_log() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt.block_on(TestDb::new());
    let mut config = db.config.clone();
    let server = Server::start(&mut config);
    let base = server.base.clone();
    let dir = config.keys_dir.parent().unwrap().join("monitor");
    let size = size_at_least(&base, 1);

    let first = monitor(&base, &dir);
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let seen = lines(&first);
    assert!(!seen.is_empty());
    assert!(seen.iter().all(|l| l["entry"]["brand"] == "1"), "{seen:?}");
    assert!(seen.iter().any(|l| l["type"] == "issue"), "{seen:?}");
    assert!(seen.iter().all(|l| l["index"].as_u64().unwrap() < size));

    // A new certificate of brand 1: the next run reports it alone.
    let out = run(
        &config,
        &["apikey", "create", "--role", "officer", "--name", "monitor"],
    );
    let key = String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .unwrap()
        .trim()
        .to_owned();
    let members: Value = agent()
        .get(&format!("{base}/api/v1/brands/1/members?limit=500"))
        .call()
        .unwrap()
        .body_mut()
        .read_json()
        .unwrap();
    let today = chrono::Utc::now().date_naive().to_string();
    let producer = members["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| {
            m["status"] == "active"
                && m["valid_from"].as_str().unwrap() <= today.as_str()
                && m["valid_until"].as_str().unwrap() >= today.as_str()
        })
        .unwrap()["producer_id"]
        .clone();
    let res = agent()
        .post(&format!("{base}/api/v1/certificates"))
        .header("Authorization", &format!("Bearer {key}"))
        .send_json(json!({
            "brand": 1, "producer": producer, "product": "Huile d'argan 250 ml",
            "lot": "MONITORED-1", "quantity": 3,
            "produced_on": "2026-11-01", "expires_on": "2028-11-01"
        }))
        .unwrap();
    assert_eq!(res.status().as_u16(), 201);
    let grown = size_at_least(&base, size + 1);
    let second = monitor(&base, &dir);
    assert_eq!(second.status.code(), Some(0));
    let new = lines(&second);
    assert_eq!(new.len(), 1, "{new:?}");
    assert_eq!(new[0]["type"], "issue");
    assert_eq!(new[0]["index"], grown - 1);
    let again = monitor(&base, &dir);
    assert_eq!(again.status.code(), Some(0));
    assert!(lines(&again).is_empty());

    // The operator rewrites an old entry, drops the tiles and checkpoints, and lets the
    // service sign the forked log with the log key.
    server.stop();
    rt.block_on(async {
        let conn = tasdiq::db::connect(&config).await.unwrap();
        tasdiq::store::translog::overwrite_entry(
            &conn,
            0,
            b"tasdiq-log/v1 brand\ntime 0\nbrand 1\nstatus active\n",
        )
        .await
        .unwrap();
        conn.execute_unprepared("DELETE FROM log_tile")
            .await
            .unwrap();
        conn.execute_unprepared("DELETE FROM log_checkpoint")
            .await
            .unwrap();
    });
    let server = Server::start(&mut config);
    let base = server.base.clone();
    size_at_least(&base, grown);
    let forked = monitor(&base, &dir);
    assert_eq!(
        forked.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&forked.stderr)
    );
    let alerts = lines(&forked);
    assert_eq!(
        alerts.last().unwrap()["alert"],
        "inconsistent_log",
        "{alerts:?}"
    );
    server.stop();
}
