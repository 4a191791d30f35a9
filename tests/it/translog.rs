//! The public issuance log (issue 20), checked from outside the way a C2SP client would: the
//! checkpoint against the published log key, the entry bundles replayed to its root, tiles,
//! inclusion and consistency proofs with `tasdiq-tlog`'s verifier (written from the specs) and
//! with Go's `sumdb/tlog` and `sumdb/note`; dense sequencing under concurrent issuance; the
//! self-check that stops signing after tampering; and the offline `verify --proof`.

use std::path::{Path, PathBuf};
use std::process::Command;

use axum::http::Method;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use tasdiq::domain::values::Role;
use tasdiq::store::translog as st;
use tasdiq_tlog::merkle::{self, Hash, leaf_hash, tree_hash, verify_consistency};
use tasdiq_tlog::note::Verifiers;
use tasdiq_tlog::proof::TlogProof;
use tasdiq_tlog::tiles::{self, Bundle, Tile, TilePath, decode_bundle_for};
use tasdiq_tlog::{Checkpoint, Note};

use crate::support::{Reply, TestApp};

fn issue_body(brand: u16, producer: i64) -> Value {
    json!({
        "brand": brand,
        "producer": producer,
        "product": "Huile d'argan alimentaire 250 ml",
        "lot": "L2026-12-LOG",
        "quantity": 10,
        "produced_on": "2026-11-01",
        "expires_on": "2028-11-01"
    })
}

/// The log's policy as served, and the log key and origin it names.
async fn published_key(app: &TestApp) -> (String, Verifiers, String) {
    let res = app.get("/.well-known/tasdiq/log-policy").await;
    assert_eq!(res.status, 200, "{}", res.text());
    let text = res.text();
    let policy = tasdiq_witness::policy::Policy::parse(&text).unwrap();
    let key = policy.logs()[0].key.clone();
    let origin = key.name().as_str().to_owned();
    (text, Verifiers::from_keys([key]).unwrap(), origin)
}

/// Fetches and verifies the served checkpoint.
async fn served_checkpoint(app: &TestApp) -> (Checkpoint, String) {
    let (_, keys, origin) = published_key(app).await;
    let res = app.get("/log/checkpoint").await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.content_type(), "text/plain; charset=utf-8");
    let (cp, _, _) = Checkpoint::open(&res.bytes, &origin, &keys).expect("a valid checkpoint");
    assert!(cp.extensions.is_empty());
    (cp, res.text())
}

fn immutable(res: &Reply) -> bool {
    res.headers
        .get("cache-control")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("immutable"))
}

/// Every entry of the tree of `size`, from the served bundles.
async fn replay(app: &TestApp, size: u64) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for b in Bundle::changed(0, size) {
        let res = app.get(&format!("/log/{}", b.path())).await;
        assert_eq!(res.status, 200, "{} {}", b.path(), res.text());
        assert!(immutable(&res), "{}", b.path());
        let entries = decode_bundle_for(&b, &res.bytes).unwrap();
        out.extend(entries.into_iter().map(<[u8]>::to_vec));
    }
    out
}

/// Every tile of the tree of `size`, served.
async fn served_tiles(app: &TestApp, size: u64) -> Vec<(Tile, Vec<u8>)> {
    let mut out = Vec::new();
    for t in Tile::for_size(size) {
        let res = app.get(&format!("/log/{}", t.path())).await;
        assert_eq!(res.status, 200, "{} {}", t.path(), res.text());
        assert!(immutable(&res));
        assert_eq!(res.bytes.len(), t.data_len());
        out.push((t, res.bytes));
    }
    out
}

/// Tiles held by a client, for proofs.
struct Fetched(Vec<(Tile, Vec<u8>)>);

impl tiles::TileReader for Fetched {
    fn read_tiles(&self, want: &[Tile]) -> Result<Vec<Vec<u8>>, merkle::SourceError> {
        want.iter()
            .map(|w| {
                self.0
                    .iter()
                    .find(|(t, d)| {
                        t.level == w.level && t.index == w.index && d.len() >= w.data_len()
                    })
                    .map(|(_, d)| d[..w.data_len()].to_vec())
                    .ok_or_else(|| merkle::SourceError::msg(format!("no {w}")))
            })
            .collect()
    }
}

async fn issue(app: &TestApp, key: &str) -> String {
    let cert = app.authentic_certificate().await;
    issue_as(
        app,
        key,
        &issue_body(cert.facts.brand, cert.view.producer.id),
    )
    .await
}

async fn issue_as(app: &TestApp, key: &str, body: &Value) -> String {
    let res = app
        .json(Method::POST, "/api/v1/certificates", Some(key), body)
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    res.json()["number"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_spec_client_verifies_the_checkpoint_replays_bundles_and_checks_proofs() {
    let app = TestApp::new().await;
    // Before the first integration there is no checkpoint.
    app.get("/log/checkpoint").await.problem(404);
    let size = tasdiq::translog::integrate(&app.state)
        .await
        .unwrap()
        .expect("the bootstrap's key and demo certificates are logged");
    let (cp, _) = served_checkpoint(&app).await;
    assert_eq!(cp.size, size);

    // Replaying the bundles gives the signed root; the tiles hold the same hashes.
    let entries = replay(&app, size).await;
    assert_eq!(entries.len() as u64, size);
    let leaves: Vec<Hash> = entries.iter().map(|e| leaf_hash(e)).collect();
    assert_eq!(tree_hash(&leaves), cp.root);
    let texts: Vec<String> = entries
        .iter()
        .map(|e| String::from_utf8(e.clone()).unwrap())
        .collect();
    assert!(texts[0].starts_with("tasdiq-log/v1 key\n"), "{}", texts[0]);
    assert!(texts.iter().any(|t| t.starts_with("tasdiq-log/v1 issue\n")));
    // Issue entries commit to certificates without naming them.
    for rec in app.demo_certificates().await {
        let n = rec.facts.number.to_string();
        assert!(
            texts
                .iter()
                .all(|t| t.starts_with("tasdiq-log/v1 revoke") || !t.contains(&n)),
            "certificate {n} is named in the log"
        );
    }
    let fetched = Fetched(served_tiles(&app, size).await);
    let level0: Vec<u8> = fetched
        .0
        .iter()
        .filter(|(t, _)| t.level == 0)
        .flat_map(|(_, d)| d.clone())
        .collect();
    assert_eq!(level0, leaves.iter().flat_map(|h| h.0).collect::<Vec<u8>>());

    // A new certificate grows the log, and its proof verifies.
    let officer = app.key(Role::Officer).await;
    let number = issue(&app, &officer).await;
    let pending = app
        .get(&format!("/api/v1/certificates/{number}/proof"))
        .await;
    pending.problem(503);
    let grown = tasdiq::translog::integrate(&app.state)
        .await
        .unwrap()
        .unwrap();
    assert!(grown > size);
    let (cp2, _) = served_checkpoint(&app).await;
    assert_eq!(cp2.size, grown);
    let res = app
        .get(&format!("/api/v1/certificates/{number}/proof"))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let proof = TlogProof::parse(&res.bytes).unwrap();
    let opening = tasdiq::translog::Opening::parse(proof.extra.as_deref().unwrap()).unwrap();
    assert_eq!(opening.certificate.to_string(), number);
    let leaf = leaf_hash(opening.entry().as_bytes());
    merkle::verify_inclusion(&leaf, proof.index, cp2.size, &proof.path, &cp2.root).unwrap();
    // The proved entry is the one in the bundle at that index.
    let entries2 = replay(&app, grown).await;
    assert_eq!(entries2[proof.index as usize], opening.entry().into_bytes());
    // A wrong opening does not verify.
    let mut forged = opening.clone();
    forged.quantity += 1;
    let forged_leaf = leaf_hash(forged.entry().as_bytes());
    assert!(
        merkle::verify_inclusion(&forged_leaf, proof.index, cp2.size, &proof.path, &cp2.root)
            .is_err()
    );

    // The two checkpoints are consistent, proved from the served tiles.
    let fetched2 = Fetched(served_tiles(&app, grown).await);
    let source = tiles::TileHashSource {
        size: grown,
        reader: &fetched2,
    };
    let consistency = merkle::prove_consistency(size, grown, &source).unwrap();
    verify_consistency(size, grown, &cp.root, &cp2.root, &consistency).unwrap();
    drop(fetched);

    // A revocation is logged with a reference to the issue entry.
    let res = app
        .json(
            Method::POST,
            &format!("/api/v1/certificates/{number}/revoke"),
            Some(&officer),
            &json!({"reason": "the lot failed its audit"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let after = tasdiq::translog::integrate(&app.state)
        .await
        .unwrap()
        .unwrap();
    let last = replay(&app, after).await.pop().unwrap();
    let last = String::from_utf8(last).unwrap();
    assert!(last.starts_with("tasdiq-log/v1 revoke\n"), "{last}");
    assert!(
        last.contains(&format!("\ncertificate {number}\n")),
        "{last}"
    );
    assert!(
        last.ends_with(&format!("\nref {}\n", proof.index)),
        "{last}"
    );
    assert!(!last.contains("audit"), "free text is never logged: {last}");
}

#[tokio::test]
async fn tile_paths_follow_the_spec_and_nothing_past_the_checkpoint_is_served() {
    let app = TestApp::new().await;
    let size = tasdiq::translog::integrate(&app.state)
        .await
        .unwrap()
        .unwrap();
    assert!(size < 256, "the demo log fits one partial tile");
    let w = size as u16;
    let ok = app.get(&format!("/log/tile/0/000.p/{w}")).await;
    assert_eq!(ok.status, 200);
    // A narrower prefix of the same tile is the same bytes.
    let one = app.get("/log/tile/0/000.p/1").await;
    assert_eq!(one.bytes, ok.bytes[..32]);
    for bad in [
        format!("/log/tile/0/000.p/{}", w + 1), // past the signed size
        "/log/tile/0/000".to_owned(),           // not full yet
        "/log/tile/0/001.p/1".to_owned(),       // empty
        "/log/tile/1/000.p/1".to_owned(),       // no such level yet
        format!("/log/tile/0/x000/000.p/{w}"),  // leading zero element
        format!("/log/tile/00/000.p/{w}"),      // leading zero level
        format!("/log/tile/0/000.p/0{w}"),      // leading zero width
        format!("/log/tile/0/0.p/{w}"),         // not three digits
        "/log/tile/entries/000".to_owned(),
        format!("/log/tile/entries/000.p/{}", w + 1),
    ] {
        assert_eq!(app.get(&bad).await.status, 404, "{bad}");
    }
    assert_eq!(
        app.get(&format!("/log/tile/entries/000.p/{w}"))
            .await
            .status,
        200
    );
    // The parser is the canonical one.
    assert!(TilePath::parse("tile/0/x001/x234/067").is_ok());
}

#[tokio::test]
async fn concurrent_issuances_get_dense_indexes_and_every_certificate_is_logged() {
    let app = TestApp::new().await;
    let before = st::next_index(app.conn()).await.unwrap();
    let cert = app.authentic_certificate().await;
    let body = issue_body(cert.facts.brand, cert.view.producer.id);
    let mut tasks = Vec::new();
    let app = std::sync::Arc::new(app);
    for i in 0..16 {
        // A key each: officer writes are rate-limited per key. A lot each: one lot, one
        // certificate.
        let officer = app.key(Role::Officer).await;
        let (app, mut body) = (app.clone(), body.clone());
        body["lot"] = json!(format!("L2026-12-LOG-{i}"));
        tasks.push(tokio::spawn(async move {
            issue_as(&app, &officer, &body).await
        }));
    }
    let mut numbers = Vec::new();
    for t in tasks {
        numbers.push(t.await.unwrap());
    }
    let after = st::next_index(app.conn()).await.unwrap();
    assert_eq!(after - before, 16);
    let rows = st::entries(app.conn(), 0, after).await.unwrap();
    let idx: Vec<u64> = rows.iter().map(|(i, _)| *i).collect();
    assert_eq!(idx, (0..after).collect::<Vec<_>>(), "indexes are dense");
    let mut logged = std::collections::HashSet::new();
    for n in &numbers {
        let (i, opening) = st::opening(app.conn(), n.parse().unwrap())
            .await
            .unwrap()
            .expect("every acknowledged certificate is logged");
        let o = tasdiq::translog::Opening::parse(&opening).unwrap();
        assert_eq!(rows[i as usize].1, o.entry().into_bytes());
        assert!(logged.insert(i));
    }
    let size = tasdiq::translog::integrate(&app.state)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(size, after);
}

#[tokio::test]
async fn tampering_with_a_stored_entry_stops_signing_and_fails_readyz() {
    let app = TestApp::new().await;
    let size = tasdiq::translog::integrate(&app.state)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(app.get("/readyz").await.status, 200);
    let (_, before) = served_checkpoint(&app).await;
    // An attacker with the database rewrites a logged entry.
    st::overwrite_entry(
        app.conn(),
        size - 1,
        b"tasdiq-log/v1 brand\ntime 0\nbrand 1\nstatus active\n",
    )
    .await
    .unwrap();
    // A node starting now refuses to sign.
    let restarted = tasdiq::AppState::build(app.db.connect().await, app.db.config.clone())
        .await
        .unwrap();
    let why = restarted.log.refusal().expect("the self-check fails");
    assert!(why.contains(&format!("entry {}", size - 1)), "{why}");
    let res = tasdiq::app(restarted.clone());
    let reply = {
        use tower::ServiceExt as _;
        res.oneshot(
            axum::http::Request::get("/readyz")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .unwrap()
    };
    assert_eq!(reply.status(), 503);
    // The running node finds it at its next round, and neither signs again.
    let officer = app.key(Role::Officer).await;
    issue(&app, &officer).await;
    assert_eq!(tasdiq::translog::integrate(&app.state).await.unwrap(), None);
    assert_eq!(tasdiq::translog::integrate(&restarted).await.unwrap(), None);
    assert!(app.state.log.refusal().is_some());
    app.get("/readyz").await.problem(503);
    let (_, after) = served_checkpoint(&app).await;
    assert_eq!(
        after, before,
        "no checkpoint was signed over the tampered log"
    );
}

#[tokio::test]
async fn tampering_with_a_stored_tile_stops_signing() {
    let app = TestApp::new().await;
    let size = tasdiq::translog::integrate(&app.state)
        .await
        .unwrap()
        .unwrap();
    let t = Tile::edge(size)[0];
    let mut data = tasdiq::translog::read_tiles(app.conn(), &[t])
        .await
        .unwrap()
        .pop()
        .flatten()
        .unwrap();
    data[0] ^= 1;
    // Wider data replaces the stored tile; rewrite it in place the way an attacker would.
    use sea_orm::ConnectionTrait as _;
    app.conn()
        .execute_unprepared("DELETE FROM log_tile")
        .await
        .unwrap();
    st::upsert_tiles(app.conn(), &[(t.level, t.index, t.width, data)])
        .await
        .unwrap();
    let officer = app.key(Role::Officer).await;
    issue(&app, &officer).await;
    assert_eq!(tasdiq::translog::integrate(&app.state).await.unwrap(), None);
    let why = app.state.log.refusal().unwrap();
    assert!(why.contains("root"), "{why}");
    app.get("/readyz").await.problem(503);
}

/// `tasdiq verify CODE --proof FILE --log-policy FILE`, with the server's database gone.
#[tokio::test]
async fn the_cli_checks_a_proof_offline() {
    let app = TestApp::new().await;
    tasdiq::translog::integrate(&app.state)
        .await
        .unwrap()
        .unwrap();
    let cert = app.authentic_certificate().await;
    let code = app.code(&cert, 1);
    let dir = tempfile::tempdir().unwrap();
    let proof = app
        .get(&format!("/api/v1/certificates/{}/proof", cert.facts.number))
        .await;
    assert_eq!(proof.status, 200, "{}", proof.text());
    let proof_file = dir.path().join("proof.txt");
    std::fs::write(&proof_file, &proof.bytes).unwrap();
    let (policy, _, _) = published_key(&app).await;
    let policy_file = dir.path().join("log-policy.txt");
    std::fs::write(&policy_file, policy).unwrap();
    let keys_file = dir.path().join("keys.json");
    std::fs::write(
        &keys_file,
        app.get("/.well-known/tasdiq/keys.json").await.bytes,
    )
    .unwrap();
    let run = |proof: &Path| {
        Command::new(env!("CARGO_BIN_EXE_tasdiq"))
            .env_clear()
            .env("RUST_LOG", "error")
            .args(["verify", &code, "--keys"])
            .arg(&keys_file)
            .arg("--proof")
            .arg(proof)
            .arg("--log-policy")
            .arg(&policy_file)
            .output()
            .unwrap()
    };
    let out = run(&proof_file);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("log proof    valid"), "{stdout}");

    // A proof of another certificate does not vouch for this label.
    let other = app
        .demo_certificates()
        .await
        .into_iter()
        .find(|r| r.facts.number != cert.facts.number)
        .unwrap();
    let other_proof = app
        .get(&format!(
            "/api/v1/certificates/{}/proof",
            other.facts.number
        ))
        .await;
    let other_file = dir.path().join("other.txt");
    std::fs::write(&other_file, &other_proof.bytes).unwrap();
    let out = run(&other_file);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("for another certificate"));

    // A proof whose opening was altered does not verify.
    let text = proof.text();
    let mut p = TlogProof::parse(text.as_bytes()).unwrap();
    let opening = String::from_utf8(p.extra.clone().unwrap()).unwrap();
    let q = cert.facts.quantity;
    p.extra = Some(
        opening
            .replace(&format!("quantity {q}\n"), &format!("quantity {}\n", q + 1))
            .into_bytes(),
    );
    let forged = dir.path().join("forged.txt");
    std::fs::write(&forged, p.to_bytes()).unwrap();
    let out = run(&forged);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("INVALID"));
}

const GOPATH: &str = "/usr/share/gocode";

/// Go's `sumdb/note` verifies the served checkpoint with the published key, and Go's
/// `sumdb/tlog` reads the served tiles (checking each against the signed tree), proves and
/// checks the inclusion of every bundle entry, and checks our proof's path.
#[tokio::test]
async fn go_sumdb_verifies_the_served_log() {
    let have_go = Command::new("go")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !have_go
        || !Path::new(GOPATH)
            .join("src/golang.org/x/mod/sumdb/tlog")
            .is_dir()
    {
        eprintln!(
            "SKIPPED: the Go cross-check needs `go` and {GOPATH}/src/golang.org/x/mod \
             (apt-get install golang-go golang-golang-x-mod-dev; scripts/test does it)"
        );
        return;
    }
    let app = TestApp::new().await;
    let officer = app.key(Role::Officer).await;
    let number = issue(&app, &officer).await;
    let size = tasdiq::translog::integrate(&app.state)
        .await
        .unwrap()
        .unwrap();
    let (policy, _, _) = published_key(&app).await;
    let vkey = policy
        .lines()
        .find_map(|l| l.strip_prefix("log "))
        .and_then(|l| l.split(' ').next())
        .unwrap()
        .to_owned();
    let (_, note) = served_checkpoint(&app).await;
    let mut tiles = serde_json::Map::new();
    for (t, d) in served_tiles(&app, size).await {
        tiles.insert(t.path(), STANDARD.encode(d).into());
    }
    let mut bundles = Vec::new();
    for b in Bundle::changed(0, size) {
        bundles.push(STANDARD.encode(app.get(&format!("/log/{}", b.path())).await.bytes));
    }
    let proof = TlogProof::parse(
        &app.get(&format!("/api/v1/certificates/{number}/proof"))
            .await
            .bytes,
    )
    .unwrap();
    let input = json!({
        "vkey": vkey,
        "checkpoint": note,
        "tiles": tiles,
        "bundles": bundles,
        "proof_index": proof.index,
        "proof_path": proof.path.iter().map(Hash::to_base64).collect::<Vec<_>>(),
        "proof_note": proof.checkpoint.to_string(),
    });
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let file = tmp.join("translog-go-input.json");
    std::fs::write(&file, serde_json::to_vec(&input).unwrap()).unwrap();
    let dir = crate::support::repo().join("tests/it/go/logcheck");
    let out = Command::new("go")
        .current_dir(&dir)
        .args(["run", "main.go"])
        .arg(&file)
        .env("GO111MODULE", "off")
        .env("GOPATH", GOPATH)
        .env("GOCACHE", tmp.join("go-cache"))
        .env("GOFLAGS", "")
        .env("GOPROXY", "off")
        .output()
        .expect("go run");
    assert!(
        out.status.success(),
        "go: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(got["size"], size);
    assert_eq!(got["entries"], size);
    assert_eq!(got["root_matches"], true);
    assert_eq!(got["our_proof"], "ok");
    assert_eq!(got["proof_note"], "ok");
    let _ = Note::parse(note.as_bytes()).unwrap();
}
