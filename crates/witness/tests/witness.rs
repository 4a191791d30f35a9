//! The witness over real HTTP on loopback, driven by a log simulated with `tasdiq_tlog`'s
//! in-memory tree: cosignatures collected and merged by the client, the 409 path, forks (422)
//! that leave the state alone, forged signatures (403), malformed requests, concurrent
//! requests from the same old size, and state that survives a restart.

mod common;

use std::sync::{Arc, Barrier};

use common::{Log, ORIGIN, blocking, config, get, post, start};
use tasdiq_tlog::Note;
use tasdiq_tlog::note::Algorithm;
use tasdiq_tlog::witness::origin_hash;
use tasdiq_witness::client::{Client, ClientError, merge_cosignatures};
use tasdiq_witness::policy::{Policy, PolicyLog, PolicyWitness};

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_collects_cosignatures_that_meet_a_policy() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = Log::new(ORIGIN, 1);
    let w = start(config(dir.path(), vec![log.config()])).await;
    let url = w.url.clone();
    let vkey_page = blocking(move || get(&format!("{url}/"))).await;
    assert_eq!(vkey_page.status, 200);
    assert_eq!(vkey_page.body, format!("{}\n", w.vkey));
    assert_eq!(w.vkey.algorithm(), Algorithm::Cosignature);

    let client = Client::default();
    let mut old = 0;
    for grow in [5, 7, 1, 0] {
        log.grow(grow, "honest");
        let mut note = log.note();
        let (c, url, proof, sent) = (client.clone(), w.url.clone(), log.proof(old), note.clone());
        let sigs = blocking(move || {
            c.add_checkpoint(&url, old, proof, &sent, |_| {
                Err::<Vec<_>, _>("no 409 expected")
            })
        })
        .await
        .unwrap();
        let before = now();
        let merged = merge_cosignatures(&mut note, &sigs, &w.vkey).unwrap();
        let t = merged.timestamp.unwrap();
        assert!(t > 0 && t <= now() + 1 && t + 60 >= before, "timestamp {t}");
        let policy = Policy::threshold(
            vec![PolicyLog {
                key: log.key.verifier(),
                url: None,
            }],
            vec![PolicyWitness {
                name: "w1".into(),
                key: w.vkey.clone(),
                url: Some(w.url.clone()),
            }],
            1,
        )
        .unwrap();
        let ok = policy.check(&note).unwrap();
        assert_eq!(ok.checkpoint.size, log.size());
        assert!(
            policy.check(&log.note()).is_err(),
            "without the cosignature"
        );
        old = log.size();
    }

    // The monitoring path serves the latest checkpoint with the log's signature and ours.
    let url = format!("{}/{}/checkpoint", w.url, origin_hash(ORIGIN));
    let cp = blocking(move || get(&url)).await;
    assert_eq!(
        (cp.status, cp.content_type.as_str()),
        (200, "text/plain; charset=utf-8")
    );
    let note = Note::parse(cp.body.as_bytes()).unwrap();
    assert_eq!(note.text(), log.note().text());
    assert_eq!(note.signatures().len(), 2);
    let all = tasdiq_tlog::Verifiers::from_keys([log.key.verifier(), w.vkey.clone()]).unwrap();
    assert_eq!(note.verify(&all).unwrap().verified.len(), 2);
    let url = format!("{}/{}/checkpoint", w.url, origin_hash("tasdiq.test/other"));
    assert_eq!(blocking(move || get(&url)).await.status, 404);
    w.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_old_size_gets_409_and_the_client_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = Log::new(ORIGIN, 1);
    let w = start(config(dir.path(), vec![log.config()])).await;
    let add = format!("{}/add-checkpoint", w.url);
    log.grow(5, "honest");
    let body = log.body(0);
    let a = add.clone();
    assert_eq!(blocking(move || post(&a, &body)).await.status, 200);

    log.grow(4, "honest");
    let body = log.body(0);
    let a = add.clone();
    let stale = blocking(move || post(&a, &body)).await;
    assert_eq!(stale.status, 409);
    assert_eq!(stale.content_type, "text/x.tlog.size");
    assert_eq!(stale.body, "5\n");

    // The client, told nothing, starts from 0 and is sent back to 5.
    let tree = log.tree.clone();
    let (url, note) = (w.url.clone(), log.note());
    let (sigs, asked) = blocking(move || {
        let mut asked = None;
        let sigs = Client::default().add_checkpoint(&url, 0, vec![], &note, |size| {
            asked = Some(size);
            tasdiq_tlog::merkle::prove_consistency(size, tree.size(), &tree)
        });
        (sigs, asked)
    })
    .await;
    assert_eq!(asked, Some(5));
    let mut note = log.note();
    merge_cosignatures(&mut note, &sigs.unwrap(), &w.vkey).unwrap();

    // A witness ahead of the checkpoint: the client says so instead of retrying.
    let mut behind = Log::new(ORIGIN, 1);
    behind.grow(3, "honest");
    let (url, note) = (w.url.clone(), behind.note());
    let err = blocking(move || {
        Client::default().add_checkpoint(&url, 0, vec![], &note, |_| {
            Err::<Vec<_>, _>("must not be asked")
        })
    })
    .await
    .unwrap_err();
    assert_eq!(
        err,
        ClientError::WitnessAhead {
            witness: 9,
            checkpoint: 3
        }
    );
    w.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fork_gets_422_and_the_state_is_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = Log::new(ORIGIN, 1);
    let w = start(config(dir.path(), vec![log.config()])).await;
    let add = format!("{}/add-checkpoint", w.url);
    let monitor = format!("{}/{}/checkpoint", w.url, origin_hash(ORIGIN));
    log.grow(5, "honest");
    let body = log.body(0);
    let a = add.clone();
    assert_eq!(blocking(move || post(&a, &body)).await.status, 200);
    let m = monitor.clone();
    let before = blocking(move || get(&m)).await.body;

    // Same key, other entries: a fork from the start, proved consistent with its own past only.
    let mut fork = Log::new(ORIGIN, 1);
    fork.grow(8, "fork");
    let same_size = {
        let mut f = Log::new(ORIGIN, 1);
        f.grow(5, "fork");
        f.body(5)
    };
    for body in [fork.body(5), same_size] {
        let a = add.clone();
        let refused = blocking(move || post(&a, &body)).await;
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert_eq!(refused.content_type, "application/problem+json");
        let problem: serde_json::Value = serde_json::from_str(&refused.body).unwrap();
        assert_eq!(problem["status"], 422);
        let m = monitor.clone();
        assert_eq!(blocking(move || get(&m)).await.body, before);
    }

    // A proof of the wrong length is refused the same way; the honest log goes on.
    log.grow(3, "honest");
    let mut bad = tasdiq_tlog::witness::AddCheckpoint::new(5, log.proof(5), log.note()).unwrap();
    bad.proof.pop();
    let (a, body) = (add.clone(), bad.to_bytes());
    assert_eq!(blocking(move || post(&a, &body)).await.status, 422);
    let (a, body) = (add.clone(), log.body(5));
    assert_eq!(blocking(move || post(&a, &body)).await.status, 200);
    w.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_unknown_and_malformed_requests_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = Log::new(ORIGIN, 1);
    let w = start(config(dir.path(), vec![log.config()])).await;
    let add = format!("{}/add-checkpoint", w.url);
    log.grow(4, "honest");

    // The log's name and key ID, another key's signature: 403, as is no log signature at all.
    let mut impostor = Log::new(ORIGIN, 1);
    impostor.tree = log.tree.clone();
    let mut note = impostor.note();
    let mut sig = note.signatures()[0].clone();
    sig.bytes[10] ^= 0x40;
    note.remove_signatures(&sig.name, sig.id);
    note.add_signature(sig);
    let forged = tasdiq_tlog::witness::AddCheckpoint::new(0, vec![], note).unwrap();
    let stranger = Log::new("tasdiq.test/stranger", 2);
    let mut by_stranger = Log::new(ORIGIN, 3);
    by_stranger.tree = log.tree.clone();
    let other = Log::new("tasdiq.test/other", 1);
    let mut long = b"old 0\n\n".to_vec();
    long.resize(70 * 1024, b'a');
    let mut old_above = log.body(0);
    old_above.splice(0..5, b"old 9".iter().copied());
    let cases: Vec<(Vec<u8>, u16)> = vec![
        (forged.to_bytes(), 403),
        (by_stranger.body(0), 403),
        (other.body(0), 404),
        (stranger.body(0), 404),
        (b"old 0\nnot a checkpoint".to_vec(), 400),
        (b"old 01\n\n".to_vec(), 400),
        (b"\xff\xfe".to_vec(), 400),
        (Vec::new(), 400),
        (old_above, 400),
        (long, 413),
    ];
    for (body, status) in cases {
        let a = add.clone();
        let got = blocking(move || post(&a, &body)).await;
        assert_eq!(got.status, status, "{}", got.body);
        assert_eq!(got.content_type, "application/problem+json");
        let problem: serde_json::Value = serde_json::from_str(&got.body).unwrap();
        assert!(problem["detail"].as_str().is_some_and(|d| !d.is_empty()));
    }
    let url = format!("{}/nope", w.url);
    let got = blocking(move || get(&url)).await;
    assert_eq!(
        (got.status, got.content_type.as_str()),
        (404, "application/problem+json")
    );
    let a = add.clone();
    let got = blocking(move || get(&a)).await;
    assert_eq!(
        (got.status, got.content_type.as_str()),
        (405, "application/problem+json")
    );
    // Nothing above moved the state.
    let (a, body) = (add.clone(), log.body(0));
    assert_eq!(blocking(move || post(&a, &body)).await.status, 200);
    w.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_from_one_old_size_advance_the_log_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = Log::new(ORIGIN, 1);
    let w = start(config(dir.path(), vec![log.config()])).await;
    let add = format!("{}/add-checkpoint", w.url);
    log.grow(4, "honest");
    let (a, body) = (add.clone(), log.body(0));
    assert_eq!(blocking(move || post(&a, &body)).await.status, 200);

    // Sixteen checkpoints, sizes 5..=20, each proved from 4; two of them sent twice.
    let mut bodies = Vec::new();
    for _ in 0..16 {
        log.grow(1, "honest");
        bodies.push((log.size(), log.body(4)));
    }
    bodies.push(bodies[0].clone());
    bodies.push(bodies[15].clone());
    let barrier = Arc::new(Barrier::new(bodies.len()));
    let threads: Vec<_> = bodies
        .into_iter()
        .map(|(size, body)| {
            let (a, b) = (add.clone(), barrier.clone());
            std::thread::spawn(move || {
                b.wait();
                (size, post(&a, &body))
            })
        })
        .collect();
    let answers: Vec<_> = blocking(move || {
        threads
            .into_iter()
            .map(|t| t.join().unwrap())
            .collect::<Vec<_>>()
    })
    .await;
    let won: Vec<u64> = answers
        .iter()
        .filter(|(_, a)| a.status == 200)
        .map(|(s, _)| *s)
        .collect();
    assert_eq!(
        won.len(),
        1,
        "exactly one request advances the log: {won:?}"
    );
    for (_, a) in answers.iter().filter(|(_, a)| a.status != 200) {
        assert_eq!(a.status, 409, "{}", a.body);
        assert_eq!(a.body, format!("{}\n", won[0]));
    }
    let url = format!("{}/{}/checkpoint", w.url, origin_hash(ORIGIN));
    let cp = blocking(move || get(&url)).await;
    let note = Note::parse(cp.body.as_bytes()).unwrap();
    let stored = tasdiq_tlog::Checkpoint::parse(note.text()).unwrap();
    assert_eq!(stored.size, won[0]);
    w.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_keeps_the_key_and_the_state() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = Log::new(ORIGIN, 1);
    let w = start(config(dir.path(), vec![log.config()])).await;
    log.grow(7, "honest");
    let (a, body) = (format!("{}/add-checkpoint", w.url), log.body(0));
    assert_eq!(blocking(move || post(&a, &body)).await.status, 200);
    let vkey = w.vkey.clone();
    w.stop().await;

    let w = start(config(dir.path(), vec![log.config()])).await;
    assert_eq!(w.vkey, vkey);
    let (a, body) = (format!("{}/add-checkpoint", w.url), log.body(0));
    let again = blocking(move || post(&a, &body)).await;
    assert_eq!((again.status, again.body.as_str()), (409, "7\n"));
    log.grow(2, "honest");
    let (a, body) = (format!("{}/add-checkpoint", w.url), log.body(7));
    assert_eq!(blocking(move || post(&a, &body)).await.status, 200);
    w.stop().await;

    // A key file others may read stops the next start.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let key = dir.path().join("witness.key");
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o640)).unwrap();
        let err = tasdiq_witness::Witness::open(config(dir.path(), vec![log.config()]))
            .await
            .err()
            .unwrap();
        assert!(err.to_string().contains("others may read it"), "{err}");
    }
}
