//! Witnessing the issuance log with real processes (issue 20 item 3): `tasdiq witness serve`
//! cosigns the checkpoints that a `tasdiq serve` sends it on its schedule; the log policy names
//! the witness and the quorum; a served proof then meets that policy, checked offline by
//! `tasdiq verify --proof`; and after a restart, when the service no longer knows the size the
//! witness last cosigned, the witness's 409 leads to a proof from its size and a cosignature.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tasdiq_tlog::Note;
use tasdiq_tlog::proof::TlogProof;
use tasdiq_witness::policy::Policy;

use crate::process::{Server, agent, free_port, run};
use crate::support::TestDb;

/// A running `tasdiq witness serve`, killed when dropped.
struct WitnessProcess {
    child: Child,
    vkey: String,
    url: String,
}

impl Drop for WitnessProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_witness(dir: &std::path::Path, log_vkey: &str) -> WitnessProcess {
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tasdiq"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUST_LOG", "warn")
        .args(["witness", "serve", "--name", "witness.test/w1", "--dir"])
        .arg(dir)
        .args(["--log", log_vkey, "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn the witness");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let vkey = first.strip_prefix("vkey ").expect(&first).to_owned();
    let second = lines.next().unwrap().unwrap();
    assert!(second.starts_with("listening on"), "{second}");
    std::thread::spawn(move || for _ in lines {});
    WitnessProcess {
        child,
        vkey,
        url: format!("http://127.0.0.1:{port}"),
    }
}

fn get(url: &str) -> (u16, Vec<u8>) {
    let mut res = agent().get(url).call().expect("request");
    let status = res.status().as_u16();
    (status, res.body_mut().read_to_vec().unwrap_or_default())
}

fn text(url: &str) -> String {
    let (status, body) = get(url);
    assert_eq!(status, 200, "{url}");
    String::from_utf8(body).unwrap()
}

/// Waits for `what` to give `Some`: the witness round and the integrator run on schedules of
/// their own. The minute allowed is for a loaded machine, not a claim about speed.
fn eventually<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn officer_key(config: &tasdiq::config::Config) -> String {
    let out = run(
        config,
        &["apikey", "create", "--role", "officer", "--name", "witness"],
    );
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .unwrap()
        .trim()
        .to_owned()
}

/// Issues a lot of brand 1 and returns its number and the code of its first label.
fn issue(base: &str, key: &str) -> (String, String) {
    let members: Value =
        serde_json::from_slice(&get(&format!("{base}/api/v1/brands/1/members?limit=500")).1)
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
    // One lot, one certificate: each call certifies a lot of its own.
    static LOTS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);
    let lot = format!(
        "WITNESSED-{}",
        LOTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    let auth = format!("Bearer {key}");
    let mut res = agent()
        .post(&format!("{base}/api/v1/certificates"))
        .header("Authorization", &auth)
        .send_json(json!({
            "brand": 1, "producer": producer, "product": "Huile d'argan 250 ml",
            "lot": lot, "quantity": 3,
            "produced_on": "2026-11-01", "expires_on": "2028-11-01"
        }))
        .unwrap();
    assert_eq!(
        res.status().as_u16(),
        201,
        "{}",
        res.body_mut().read_to_string().unwrap_or_default()
    );
    let number = res.body_mut().read_json::<Value>().unwrap()["number"]
        .as_str()
        .unwrap()
        .to_owned();
    let csv = agent()
        .get(&format!(
            "{base}/api/v1/certificates/{number}/labels.csv?from=1&to=1"
        ))
        .header("Authorization", &auth)
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    let url = csv.lines().nth(1).unwrap().split(',').nth(1).unwrap();
    let code = url.rsplit('/').next().unwrap().to_owned();
    (number, code)
}

/// The proof of `number` once its checkpoint meets the served policy.
fn witnessed_proof(base: &str, policy: &Policy, number: &str) -> Vec<u8> {
    eventually("a witnessed proof", || {
        let (status, body) = get(&format!("{base}/api/v1/certificates/{number}/proof"));
        if status != 200 {
            return None;
        }
        let proof = TlogProof::parse(&body).unwrap();
        policy.check(&proof.checkpoint).ok().map(|_| body)
    })
}

#[test]
fn a_real_witness_cosigns_on_schedule_and_after_a_restart_through_409() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt.block_on(TestDb::new());
    let mut config = db.config.clone();
    config.api_rate = 100_000;
    config.api_burst = 100_000;
    let dir = config.keys_dir.parent().unwrap().to_path_buf();

    // A first start makes the log key; without witnesses the policy asks for none.
    let server = Server::start(&mut config);
    let base = server.base.clone();
    let policy = text(&format!("{base}/.well-known/tasdiq/log-policy"));
    assert!(policy.contains("quorum none"), "{policy}");
    let log_vkey = policy
        .lines()
        .find_map(|l| l.strip_prefix("log "))
        .and_then(|l| l.split(' ').next())
        .unwrap()
        .to_owned();
    server.stop();

    let witness = start_witness(&dir.join("witness"), &log_vkey);
    config.witnesses = format!("{} {}", witness.vkey, witness.url);
    config.witness_quorum = 1;
    config.witness_interval_ms = 200;
    let server = Server::start(&mut config);
    let base = server.base.clone();
    let served = text(&format!("{base}/.well-known/tasdiq/log-policy"));
    assert!(
        served.contains(&format!("witness w1 {} {}", witness.vkey, witness.url)),
        "{served}"
    );
    let policy = Policy::parse(&served).unwrap();

    // The served checkpoint comes to carry the witness's cosignature.
    eventually("a cosigned checkpoint", || {
        let (status, body) = get(&format!("{base}/log/checkpoint"));
        (status == 200 && policy.check(&Note::parse(&body).unwrap()).is_ok()).then_some(())
    });

    // A new certificate's proof meets the policy, checked offline by the CLI.
    let key = officer_key(&config);
    let (number, code) = issue(&base, &key);
    let proof = witnessed_proof(&base, &policy, &number);
    let files = dir.join("offline");
    std::fs::create_dir_all(&files).unwrap();
    std::fs::write(files.join("proof.txt"), &proof).unwrap();
    std::fs::write(files.join("policy.txt"), &served).unwrap();
    std::fs::write(
        files.join("keys.json"),
        text(&format!("{base}/.well-known/tasdiq/keys.json")),
    )
    .unwrap();
    let verify = |proof: &str| {
        Command::new(env!("CARGO_BIN_EXE_tasdiq"))
            .env_clear()
            .env("RUST_LOG", "error")
            .args(["verify", &code, "--keys"])
            .arg(files.join("keys.json"))
            .arg("--proof")
            .arg(files.join(proof))
            .arg("--log-policy")
            .arg(files.join("policy.txt"))
            .output()
            .unwrap()
    };
    let out = verify("proof.txt");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("(1 witness cosignatures)"), "{stdout}");
    // Without the cosignature the same proof does not meet the policy.
    let mut bare = TlogProof::parse(&proof).unwrap();
    let w = &policy.witnesses()[0].key;
    bare.checkpoint.remove_signatures(w.name(), w.id());
    std::fs::write(files.join("bare.txt"), bare.to_bytes()).unwrap();
    assert_eq!(verify("bare.txt").status.code(), Some(1));

    // A restart forgets the witness's size: the first request claims 0, the witness answers
    // 409 with its size, and the client proves consistency from there.
    server.stop();
    let server = Server::start(&mut config);
    let base = server.base.clone();
    let policy = Policy::parse(&text(&format!("{base}/.well-known/tasdiq/log-policy"))).unwrap();
    let (number, _) = issue(&base, &key);
    let proof = witnessed_proof(&base, &policy, &number);
    let proof = TlogProof::parse(&proof).unwrap();
    assert!(proof.index > 0);
    // The witness's own record of the log agrees.
    let (status, _) = get(&format!("{}/", witness.url));
    assert_eq!(status, 200);
    server.stop();
}
