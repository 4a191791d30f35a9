//! The raw `verify_strict` rate of one core, for comparison with the HTTP routes in the same
//! load run (`scripts/load.sh` pins it to the server's core). Not a criterion bench: it prints
//! one figure, `verify_strict/s: N`.
//!
//! `cargo bench --bench raw_verify -- --seconds 5`

use std::time::{Duration, Instant};

use ed25519_dalek::SigningKey;
use tasdiq::domain::code::{Kid, Label, LabelHeader};

fn main() {
    let seconds: u64 = std::env::args()
        .skip_while(|a| a != "--seconds")
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let key = SigningKey::from_bytes(&[9; 32]);
    let public = key.verifying_key();
    let labels: Vec<Label> = (1..=1000)
        .map(|item| {
            LabelHeader {
                kid: Kid::of(&public),
                certificate: 42,
                item,
                brand: 1,
                expiry_days: 10_000,
            }
            .sign(&key)
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let start = Instant::now();
    let mut n: u64 = 0;
    while Instant::now() < deadline {
        for l in labels.iter().take(100) {
            assert!(l.verify(&public));
        }
        n += 100;
    }
    let rate = n as f64 / start.elapsed().as_secs_f64();
    println!("verify_strict/s: {rate:.0}");
}
