//! Two tasdiq processes on one PostgreSQL database, sharing nothing in memory: status caches,
//! scan counts, idempotency keys and rate limits stay correct across them. Runs in the
//! PostgreSQL pass of the suite (`TEST_DATABASE_URL`); SQLite is a one-node deployment.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::process::{Server, agent, run};
use crate::support::TestDb;

fn get(url: &str, key: Option<&str>) -> (u16, Value) {
    let mut req = agent().get(url);
    if let Some(k) = key {
        req = req.header("Authorization", &format!("Bearer {k}"));
    }
    let mut res = req.call().unwrap();
    let status = res.status().as_u16();
    (status, res.body_mut().read_json().unwrap_or(Value::Null))
}

fn post(url: &str, key: &str, idem: Option<&str>, body: Value) -> (u16, Value) {
    let mut req = agent()
        .post(url)
        .header("Authorization", &format!("Bearer {key}"));
    if let Some(i) = idem {
        req = req.header("Idempotency-Key", i);
    }
    let mut res = req.send_json(body).unwrap();
    let status = res.status().as_u16();
    (status, res.body_mut().read_json().unwrap_or(Value::Null))
}

#[test]
fn two_nodes_agree() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt.block_on(TestDb::new());
    if !db.is_postgres() {
        eprintln!("two_nodes_agree runs in the PostgreSQL pass (TEST_DATABASE_URL)");
        return;
    }
    let mut config = db.config.clone();
    config.api_rate = 1;
    config.api_burst = 5;
    let mut a_config = config.clone();
    let a = Server::start(&mut a_config);
    // One deployment, one public URL: B starts from A's (and, on its own port, records its own).
    let mut b_config = a_config.clone();
    let b = Server::start(&mut b_config);
    let key = {
        let out = run(
            &config,
            &["apikey", "create", "--role", "officer", "--name", "cluster"],
        );
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .unwrap()
            .trim()
            .to_owned()
    };
    let json_url = a.sample("JSON");
    let code = json_url.rsplit('/').next().unwrap().to_owned();

    // Idempotency: the same key on either node answers the same certificate.
    let (_, v) = get(&format!("{}/api/v1/verify/{code}", a.base), None);
    let number = v["label"]["certificate"].as_str().unwrap().to_owned();
    let (_, lot) = get(&format!("{}/api/v1/lots/{number}", a.base), Some(&key));
    let body = json!({
        "brand": lot["brand"]["number"], "producer": lot["producer"]["id"], "product": "Deux nœuds",
        "lot": "CLUSTER-1", "quantity": 5, "produced_on": "2026-11-01", "expires_on": "2028-11-01"
    });
    let (s1, c1) = post(
        &format!("{}/api/v1/certificates", a.base),
        &key,
        Some("cluster-1"),
        body.clone(),
    );
    let (s2, c2) = post(
        &format!("{}/api/v1/certificates", b.base),
        &key,
        Some("cluster-1"),
        body.clone(),
    );
    assert_eq!((s1, s2), (201, 201));
    assert_eq!(
        c1["number"], c2["number"],
        "one certificate for one key, whichever node"
    );

    // Rate limit: the key's bucket (5 at once, one more a second) is shared: 3 requests so far,
    // 2 more pass, and the next is refused on either node.
    assert_eq!(
        get(&format!("{}/api/v1/lots/{number}", b.base), Some(&key)).0,
        200
    );
    assert_eq!(
        get(&format!("{}/api/v1/lots/{number}", a.base), Some(&key)).0,
        200
    );
    assert_eq!(
        get(&format!("{}/api/v1/lots/{number}", b.base), Some(&key)).0,
        429
    );
    assert_eq!(
        get(&format!("{}/api/v1/lots/{number}", a.base), Some(&key)).0,
        429
    );

    // Scan counts: scans on A and on B add up on both once written (every second). Start from
    // a settled count: A's first scan above has been written by now.
    std::thread::sleep(Duration::from_millis(2600));
    let before = get(&format!("{}/api/v1/verify/{code}", b.base), None).1["label"]["scans"]
        .as_u64()
        .unwrap();
    for _ in 0..3 {
        get(&format!("{}/api/v1/verify/{code}", a.base), None);
    }
    for _ in 0..1 {
        get(&format!("{}/api/v1/verify/{code}", b.base), None);
    }
    std::thread::sleep(Duration::from_millis(2600));
    let on_a = get(&format!("{}/api/v1/verify/{code}", a.base), None).1["label"]["scans"]
        .as_u64()
        .unwrap();
    assert_eq!(on_a, before + 3 + 1 + 1, "A counts B's scans");
    std::thread::sleep(Duration::from_millis(2600));
    let on_b = get(&format!("{}/api/v1/verify/{code}", b.base), None).1["label"]["scans"]
        .as_u64()
        .unwrap();
    assert_eq!(on_b, on_a + 1, "B counts A's scans");

    // A revocation on A shows on B within a second (B's cache was warm and said authentic).
    assert_eq!(
        get(&format!("{}/api/v1/verify/{code}", b.base), None).1["status"],
        "authentic"
    );
    // A fresh key: the first one spent its bucket above.
    let officer = {
        let out = run(
            &config,
            &[
                "apikey",
                "create",
                "--role",
                "officer",
                "--name",
                "cluster-2",
            ],
        );
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .unwrap()
            .trim()
            .to_owned()
    };
    let (s, _) = post(
        &format!("{}/api/v1/certificates/{number}/revoke", a.base),
        &officer,
        None,
        json!({"reason": "rappel"}),
    );
    assert_eq!(s, 200);
    let revoked_at = Instant::now();
    loop {
        let v = get(&format!("{}/api/v1/verify/{code}", b.base), None).1;
        if v["status"] == "revoked" {
            break;
        }
        assert!(
            revoked_at.elapsed() < Duration::from_secs(1),
            "B still says {} after 1 s",
            v["status"]
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    a.stop();
    b.stop();
}
