//! The cryptographic core: label encode and decode, Ed25519 sign and strict verification, and
//! batch verification of 1,000 labels. `cargo bench --bench codec`.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use ed25519_dalek::SigningKey;
use tasdiq::domain::code::{Kid, Label, LabelHeader};

fn key() -> SigningKey {
    SigningKey::from_bytes(&[42; 32])
}

fn header(key: &SigningKey, item: u32) -> LabelHeader {
    LabelHeader {
        kid: Kid::of(&key.verifying_key()),
        certificate: 7_349_205_880_417_335_512,
        item,
        brand: 12,
        expiry_days: 10_532,
    }
}

fn codec(c: &mut Criterion) {
    let k = key();
    let public = k.verifying_key();
    let label = header(&k, 1).sign(&k);
    let code = label.to_code();

    let mut g = c.benchmark_group("label");
    g.throughput(Throughput::Elements(1));
    g.bench_function("encode (85 bytes to 207 digits)", |b| {
        b.iter(|| label.to_code())
    });
    g.bench_function("decode (207 digits to label)", |b| {
        b.iter(|| Label::parse(std::hint::black_box(&code)))
    });
    g.bench_function("sign", |b| b.iter(|| header(&k, 1).sign(&k)));
    g.bench_function("verify_strict", |b| b.iter(|| label.verify(&public)));
    g.bench_function("decode + verify_strict", |b| {
        b.iter(|| Label::parse(std::hint::black_box(&code)).map(|l| l.verify(&public)))
    });
    g.finish();

    let labels: Vec<Label> = (1..=1000).map(|i| header(&k, i).sign(&k)).collect();
    let mut g = c.benchmark_group("batch");
    g.throughput(Throughput::Elements(1000));
    g.bench_function("verify_batch 1000", |b| {
        b.iter_batched(
            || {
                let messages: Vec<[u8; 36]> =
                    labels.iter().map(|l| l.header.signing_message()).collect();
                let sigs: Vec<_> = labels.iter().map(Label::signature).collect();
                let keys = vec![public; labels.len()];
                (messages, sigs, keys)
            },
            |(messages, sigs, keys)| {
                let refs: Vec<&[u8]> = messages.iter().map(|m| m.as_slice()).collect();
                ed25519_dalek::verify_batch(&refs, &sigs, &keys)
            },
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

criterion_group!(benches, codec);
criterion_main!(benches);
