//! The issuance log's costs (issue 20 item 6), on SQLite or, with `BENCH_DATABASE_URL` set to a
//! `postgres://` URL, on PostgreSQL: `cargo bench --bench translog`.
//!
//! - **Append rate** (criterion): `translog::append` of a 300-byte issue entry with its opening,
//!   one committed transaction per entry (what an issuance adds to its own transaction), and
//!   100 per transaction (the log's own cost without the commit).
//! - **Integration latency**: entries appended at a steady rate for 10 s while the integrator
//!   runs every 500 ms, as in `Background`; per entry, from its commit to the signed checkpoint
//!   that covers it; p50, p99, max.
//! - **Storage per entry**: the stored bytes of entries, openings and tiles after the run.
//! - **Proof size at 10 million entries**: computed from the tree shape, as a served tlog-proof.
//!
//! Run with `TASDIQ_WORKERS`-like care: `taskset -c 0` pins it to one core.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use criterion::{BatchSize, Criterion, Throughput};
use sea_orm::{ConnectionTrait, Statement};
use tasdiq::AppState;
use tasdiq::config::Config;
use tasdiq::domain::code::Kid;
use tasdiq::store::StoreError;
use tasdiq::translog::{self, Entry, Opening};
use tasdiq_tlog::merkle::{Hash, inclusion_plan};
use tasdiq_tlog::proof::TlogProof;
use tasdiq_tlog::{Checkpoint, Note};

struct Setup {
    state: AppState,
    _dir: tempfile::TempDir,
    pg_schema: Option<(String, String)>,
}

async fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let (url, pg_schema) = match std::env::var("BENCH_DATABASE_URL") {
        Ok(base) if base.starts_with("postgres") => {
            let name = format!("bench_{}", hex::encode(rand::random::<[u8; 4]>()));
            let admin = sea_orm::Database::connect(&base).await.unwrap();
            admin
                .execute_unprepared(&format!("CREATE SCHEMA {name}"))
                .await
                .unwrap();
            let sep = if base.contains('?') { '&' } else { '?' };
            (
                format!("{base}{sep}options=-c%20search_path%3D{name}"),
                Some((base, name)),
            )
        }
        _ => (
            format!("sqlite://{}?mode=rwc", dir.path().join("b.db").display()),
            None,
        ),
    };
    let mut config = Config::for_database(&url);
    config.keys_dir = dir.path().join("keys");
    config.seeds_dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seeds");
    config.admin_password = Some("correct horse battery staple".into());
    let db = tasdiq::db::connect(&config).await.unwrap();
    tasdiq::bootstrap::run(&db, &config).await.unwrap();
    let state = AppState::build(db, config).await.unwrap();
    translog::integrate(&state).await.unwrap();
    Setup {
        state,
        _dir: dir,
        pg_schema,
    }
}

async fn teardown(s: Setup) {
    if let Some((base, name)) = s.pg_schema {
        let admin = sea_orm::Database::connect(&base).await.unwrap();
        let _ = admin
            .execute_unprepared(&format!("DROP SCHEMA {name} CASCADE"))
            .await;
    }
}

/// An issue entry of a made-up certificate (the opening's table keys on the number).
fn entry(n: u64) -> Entry {
    Entry::Issue(Opening {
        certificate: (1 << 62) + n,
        kid: Kid::parse("1a2b3c4d").unwrap(),
        brand: 12,
        producer: 345,
        quantity: 500,
        expires: NaiveDate::from_ymd_opt(2028, 11, 1).unwrap(),
        issued: 1_796_000_000 + n as i64,
        salt: rand::random(),
    })
}

async fn append_txn(state: &AppState, first: u64, count: u64) -> u64 {
    state
        .write(|tx| async move {
            let mut last = 0;
            for n in first..first + count {
                last = translog::append(&*tx, entry(n)).await?;
            }
            Ok::<_, StoreError>(last)
        })
        .await
        .unwrap()
}

fn bench_append(c: &mut Criterion, rt: &tokio::runtime::Runtime, s: &Setup, backend: &str) {
    let counter = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let mut g = c.benchmark_group(format!("translog_append/{backend}"));
    g.sample_size(20).measurement_time(Duration::from_secs(8));
    for per_tx in [1u64, 100] {
        g.throughput(Throughput::Elements(per_tx));
        let counter = counter.clone();
        g.bench_function(format!("{per_tx}_per_transaction"), |b| {
            b.iter_batched(
                || counter.fetch_add(per_tx, std::sync::atomic::Ordering::Relaxed),
                |first| rt.block_on(append_txn(&s.state, first, per_tx)),
                BatchSize::SmallInput,
            )
        });
    }
    g.finish();
    // Integrate what the benchmark appended, so the next part starts from a signed log.
    rt.block_on(async { while translog::integrate(&s.state).await.unwrap().is_some() {} });
}

/// Appends at `rate` entries/s for `secs` while integrating every 500 ms; latencies in ms.
async fn latency(state: &AppState, rate: u64, secs: u64, first: u64) -> Vec<f64> {
    let start = Instant::now();
    let appended: Arc<std::sync::Mutex<Vec<(u64, Instant)>>> = Arc::default();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let integrator = {
        let (state, appended, stop) = (state.clone(), appended.clone(), stop.clone());
        tokio::spawn(async move {
            let mut out = Vec::new();
            let mut tick = tokio::time::interval(Duration::from_millis(500));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut done = 0usize;
            loop {
                tick.tick().await;
                let size = translog::integrate(&state).await.unwrap();
                let now = Instant::now();
                if let Some(size) = size {
                    let list = appended.lock().unwrap();
                    while done < list.len() && list[done].0 < size {
                        out.push((now - list[done].1).as_secs_f64() * 1000.0);
                        done += 1;
                    }
                }
                let finished = stop.load(std::sync::atomic::Ordering::Acquire);
                if finished && done == appended.lock().unwrap().len() {
                    return out;
                }
            }
        })
    };
    let total = rate * secs;
    for i in 0..total {
        let due = start + Duration::from_secs_f64(i as f64 / rate as f64);
        tokio::time::sleep_until(due.into()).await;
        let idx = append_txn(state, first + i, 1).await;
        appended.lock().unwrap().push((idx, Instant::now()));
    }
    stop.store(true, std::sync::atomic::Ordering::Release);
    let mut out = integrator.await.unwrap();
    out.sort_by(f64::total_cmp);
    out
}

fn pct(v: &[f64], p: f64) -> f64 {
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

async fn try_scalar(db: &impl ConnectionTrait, sql: &str) -> Option<i64> {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .ok()??;
    row.try_get_by_index::<i64>(0).ok()
}

async fn scalar(db: &impl ConnectionTrait, sql: &str) -> i64 {
    try_scalar(db, sql).await.expect(sql)
}

async fn storage(state: &AppState) {
    let db = &state.db;
    let n = scalar(db, "SELECT COUNT(*) FROM log_entry").await;
    let len = if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        "octet_length"
    } else {
        "length"
    };
    let entries = scalar(
        db,
        &format!("SELECT CAST(SUM({len}(data)) AS BIGINT) FROM log_entry"),
    )
    .await;
    let openings = scalar(
        db,
        &format!("SELECT CAST(SUM({len}(data)) AS BIGINT) FROM log_opening"),
    )
    .await;
    let tiles = scalar(
        db,
        &format!("SELECT CAST(SUM({len}(hashes)) AS BIGINT) FROM log_tile"),
    )
    .await;
    let per = |b: i64| b as f64 / n as f64;
    println!(
        "storage: {n} entries; payload bytes per entry: entry {:.1}, opening {:.1}, tiles {:.1}",
        per(entries),
        per(openings),
        per(tiles)
    );
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        let on_disk = scalar(
            db,
            "SELECT CAST(pg_total_relation_size('log_entry') + pg_total_relation_size('log_opening') \
             + pg_total_relation_size('log_tile') AS BIGINT)",
        )
        .await;
        println!(
            "storage: on disk (tables and indexes) {:.1} bytes per entry",
            per(on_disk)
        );
    } else {
        // The dbstat table is there when SQLite was built with it.
        match try_scalar(
            db,
            "SELECT CAST(SUM(pgsize) AS BIGINT) FROM dbstat WHERE name IN \
             (SELECT name FROM sqlite_master WHERE tbl_name IN ('log_entry', 'log_opening', 'log_tile'))",
        )
        .await
        {
            Some(pages) => println!(
                "storage: on disk (pages of the tables and indexes) {:.1} bytes per entry",
                per(pages)
            ),
            None => println!("storage: this SQLite has no dbstat table"),
        }
    }
}

/// Proof sizes at 10 million entries: path lengths over a sample of indexes, and the served
/// tlog-proof text with an opening and a checkpoint signed by the log and `cosigners` witnesses.
fn proof_size(state: &AppState) {
    const SIZE: u64 = 10_000_000;
    let mut lens = Vec::new();
    let mut i = 0;
    // A plan reads nodes, some of which the proof combines into one hash: assemble it (with
    // stand-in hashes) for the proof's length.
    let len = |i: u64| {
        let plan = inclusion_plan(i, SIZE).unwrap();
        plan.assemble(&vec![Hash([0; 32]); plan.nodes().len()])
            .unwrap()
            .len()
    };
    while i < SIZE {
        lens.push(len(i));
        i += 9_973;
    }
    lens.push(len(SIZE - 1));
    let (min, max) = (lens.iter().min().unwrap(), lens.iter().max().unwrap());
    let mean = lens.iter().sum::<usize>() as f64 / lens.len() as f64;
    let signer = state.log.signer().unwrap();
    let mut note: Note = Checkpoint::new(&state.log.origin, SIZE, Hash([7; 32]))
        .to_note()
        .unwrap();
    note.sign(signer).unwrap();
    let Entry::Issue(opening) = entry(1) else {
        unreachable!()
    };
    let proof = |note: &Note| {
        TlogProof {
            extra: Some(opening.text().into_bytes()),
            index: SIZE - 1,
            path: vec![Hash([1; 32]); *max],
            checkpoint: note.clone(),
        }
        .to_bytes()
        .len()
    };
    let plain = proof(&note);
    for w in 0..3u8 {
        let cosigner = tasdiq_tlog::note::Signer::new(
            tasdiq_tlog::note::KeyName::new(&format!("witness{w}.example/w")).unwrap(),
            tasdiq_tlog::note::Algorithm::Cosignature,
            ed25519_dalek::SigningKey::from_bytes(&[w + 1; 32]),
        );
        let sig = cosigner.cosign(note.text(), 1_796_000_000).unwrap();
        note.add_signature(sig);
    }
    let witnessed = proof(&note);
    println!(
        "proof at {SIZE} entries: {min}..{max} hashes (mean {mean:.1}), path at most {} bytes; \
         tlog-proof {plain} bytes, {witnessed} with 3 witness cosignatures",
        max * 32
    );
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let s = rt.block_on(setup());
    let backend = if s.pg_schema.is_some() {
        "postgres"
    } else {
        "sqlite"
    };
    let mut c = Criterion::default().configure_from_args();
    bench_append(&mut c, &rt, &s, backend);
    c.final_summary();
    for rate in [100u64, 1000] {
        let first = 1 << 40 | rate << 32;
        let lat = rt.block_on(latency(&s.state, rate, 10, first));
        println!(
            "integration latency at {rate} entries/s ({backend}, {} entries): p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
            lat.len(),
            pct(&lat, 0.5),
            pct(&lat, 0.99),
            lat.last().unwrap()
        );
    }
    rt.block_on(storage(&s.state));
    proof_size(&s.state);
    rt.block_on(teardown(s));
}
