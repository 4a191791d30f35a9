//! The verification hot path in-process, on a warm cache and a real (SQLite) database:
//! `verify_one` with scan recording, the verdict's JSON, the whole router for
//! `GET /api/v1/verify/{code}`, and `verify_many` for a 1,000-code batch.
//!
//! `cargo bench --bench verify`

use std::sync::atomic::{AtomicUsize, Ordering};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tasdiq::AppState;
use tasdiq::config::Config;
use tasdiq::verify::Source;
use tower::ServiceExt;

struct Fixture {
    rt: tokio::runtime::Runtime,
    state: AppState,
    codes: Vec<String>,
    _dir: tempfile::TempDir,
}

fn fixture() -> Fixture {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::for_database(&format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("b.db").display()
    ));
    config.keys_dir = dir.path().join("keys");
    config.seeds_dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seeds");
    config.admin_password = Some("bench password 123".into());
    let (state, codes) = rt.block_on(async {
        let db = tasdiq::db::connect(&config).await.unwrap();
        tasdiq::bootstrap::run(&db, &config).await.unwrap();
        let state = AppState::build(db, config).await.unwrap();
        let numbers = tasdiq::store::certificates::recent(&state.db, 10)
            .await
            .unwrap();
        let recs = tasdiq::store::certificates::records(&state.db, &numbers)
            .await
            .unwrap();
        let cert = recs
            .values()
            .max_by_key(|r| r.facts.quantity)
            .unwrap()
            .clone();
        let ring = state.key_ring();
        let codes: Vec<String> = (1..=cert.facts.quantity.min(1000))
            .map(|i| ring.sign_label(&cert.facts, i).unwrap().to_code())
            .collect();
        // Warm the caches as a load run would.
        for c in &codes {
            verify_one(&state, c, &Source::Consumer(None))
                .await
                .unwrap();
        }
        state.verifier.scans.flush(state.writer()).await.unwrap();
        (state, codes)
    });
    Fixture {
        rt,
        state,
        codes,
        _dir: dir,
    }
}

/// What the single route does: parse, check (signature through the batcher), record the scan.
async fn verify_one(
    state: &AppState,
    code: &str,
    source: &Source,
) -> Result<tasdiq::verify::Verdict, tasdiq::store::StoreError> {
    let label = tasdiq::domain::code::Label::parse(code).expect("a valid code");
    let checked = state.verifier.check(&state.db, &label).await?;
    state.verifier.record(&state.db, checked, source).await
}

fn hot_path(c: &mut Criterion) {
    let f = fixture();
    let next = AtomicUsize::new(0);
    let code = || &f.codes[next.fetch_add(1, Ordering::Relaxed) % f.codes.len()];
    let source = Source::Consumer(Some("0123456789abcdef0123456789abcdef".into()));

    let mut g = c.benchmark_group("verify");
    g.throughput(Throughput::Elements(1));
    g.bench_function("verify_one (warm cache, scan counted)", |b| {
        b.iter(|| {
            f.rt.block_on(verify_one(&f.state, code(), &source))
                .unwrap()
        })
    });
    let verdict =
        f.rt.block_on(verify_one(&f.state, code(), &source))
            .unwrap();
    g.bench_function("verdict to JSON", |b| {
        b.iter(|| serde_json::to_vec(&verdict).unwrap())
    });
    let app = tasdiq::app(f.state.clone());
    g.bench_function("router: GET /api/v1/verify/{code}", |b| {
        b.iter(|| {
            let req = axum::http::Request::get(format!("/api/v1/verify/{}", code()))
                .body(axum::body::Body::empty())
                .unwrap();
            f.rt.block_on(app.clone().oneshot(req)).unwrap()
        })
    });
    g.finish();

    let batch: Vec<String> = f.codes.clone();
    let mut g = c.benchmark_group("batch");
    g.throughput(Throughput::Elements(batch.len() as u64));
    g.sample_size(20);
    g.bench_function("verify_many 1000 codes", |b| {
        b.iter(|| {
            f.rt.block_on(
                f.state
                    .verifier
                    .verify_many(&f.state.db, &batch, &Source::Retailer(1)),
            )
            .unwrap()
        })
    });
    let results =
        f.rt.block_on(
            f.state
                .verifier
                .verify_many(&f.state.db, &batch, &Source::Retailer(1)),
        )
        .unwrap();
    g.bench_function("1000 verdicts to JSON", |b| {
        b.iter(|| serde_json::to_vec(&results).unwrap())
    });
    g.finish();
}

criterion_group!(benches, hot_path);
criterion_main!(benches);
