//! The batcher on single- and multi-threaded runtimes, inline and on its own thread: answers,
//! batching, backpressure and dropped requests.

use std::sync::Arc;
use std::time::Duration;

use ed25519_dalek::{Signature, Signer, SigningKey};
use tasdiq_sigbatch::{AdmittedKey, Batcher, Config, Execution};

struct Fixture {
    key: AdmittedKey,
    messages: Vec<[u8; 36]>,
    signatures: Vec<Signature>,
}

/// `n` signatures; every seventh is on another message, so it must be refused.
fn fixture(n: usize) -> Arc<Fixture> {
    let signer = SigningKey::from_bytes(&[11; 32]);
    let messages: Vec<[u8; 36]> = (0..n as u32)
        .map(|i| {
            let mut m = [0u8; 36];
            m[..4].copy_from_slice(&i.to_le_bytes());
            m
        })
        .collect();
    let signatures = messages
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let mut signed = *m;
            if i % 7 == 3 {
                signed[35] ^= 1;
            }
            signer.sign(&signed)
        })
        .collect();
    Arc::new(Fixture {
        key: AdmittedKey::new(signer.verifying_key()),
        messages,
        signatures,
    })
}

fn config(execution: Execution) -> Config {
    Config {
        max_batch: 32,
        max_pending: 256,
        execution,
        ..Config::default()
    }
}

/// `tasks` concurrent tasks, each checking its share of the fixture; every answer must be
/// verify_strict's. Returns the batcher's statistics.
async fn run(batcher: Batcher, f: Arc<Fixture>, tasks: usize) -> tasdiq_sigbatch::Stats {
    let mut handles = Vec::new();
    for t in 0..tasks {
        let (b, f) = (batcher.clone(), Arc::clone(&f));
        handles.push(tokio::spawn(async move {
            for i in (t..f.messages.len()).step_by(tasks) {
                let got = b.verify(&f.messages[i], &f.signatures[i], &f.key).await;
                assert_eq!(got, i % 7 != 3, "item {i}");
            }
        }));
    }
    for h in handles {
        tokio::time::timeout(Duration::from_secs(60), h)
            .await
            .expect("no request is left waiting")
            .expect("task ran to the end");
    }
    batcher.stats()
}

#[tokio::test(flavor = "current_thread")]
async fn single_thread_inline_batches_concurrent_requests() {
    let stats = run(Batcher::spawn(config(Execution::Inline)), fixture(600), 32).await;
    assert_eq!(stats.batched, 600);
    assert_eq!(stats.direct, 0);
    assert!(stats.largest_batch > 8, "{stats:?}");
    assert!(stats.batches < 100, "{stats:?}");
}

#[tokio::test(flavor = "current_thread")]
async fn single_thread_dedicated_thread() {
    let stats = run(
        Batcher::spawn(config(Execution::Dedicated)),
        fixture(400),
        32,
    )
    .await;
    assert_eq!(stats.batched + stats.direct, 400);
    assert!(stats.largest_batch > 1, "{stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn multi_thread_both_executions() {
    for execution in [Execution::Inline, Execution::Dedicated] {
        let stats = run(Batcher::spawn(config(execution)), fixture(400), 16).await;
        assert_eq!(stats.batched, 400, "{execution:?}");
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_lone_request_is_checked_at_once() {
    let f = fixture(4);
    for execution in [Execution::Inline, Execution::Dedicated] {
        let b = Batcher::spawn(config(execution));
        assert!(b.verify(&f.messages[0], &f.signatures[0], &f.key).await);
        assert!(!b.verify(&f.messages[3], &f.signatures[3], &f.key).await);
        let s = b.stats();
        assert_eq!(
            (s.batches, s.batched, s.largest_batch),
            (2, 2, 1),
            "{execution:?}"
        );
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_full_queue_falls_back_to_checking_at_once() {
    let b = Batcher::spawn(Config {
        max_pending: 3,
        ..config(Execution::Inline)
    });
    let stats = run(b, fixture(120), 12).await;
    assert_eq!(stats.batched + stats.direct, 120);
    assert!(stats.direct > 0 && stats.largest_batch <= 3, "{stats:?}");
}

#[tokio::test(flavor = "current_thread")]
async fn long_messages_and_unbatchable_keys_are_answered_directly() {
    let signer = SigningKey::from_bytes(&[3; 32]);
    let key = AdmittedKey::new(signer.verifying_key());
    let long = [9u8; 200];
    let b = Batcher::spawn(config(Execution::Inline));
    assert!(b.verify(&long, &signer.sign(&long), &key).await);
    assert!(!b.verify(&long[1..], &signer.sign(&long), &key).await);
    assert_eq!(b.stats().direct, 2);
}

#[tokio::test(flavor = "current_thread")]
async fn dropped_requests_do_no_harm() {
    let f = fixture(64);
    for execution in [Execution::Inline, Execution::Dedicated] {
        let b = Batcher::spawn(Config {
            max_pending: 16,
            ..config(execution)
        });
        // Sixteen requests queue up (the first leads and yields); drop every other one,
        // the leader included, before any batch is checked.
        let mut handles = Vec::new();
        for i in 0..16 {
            let (b, f) = (b.clone(), Arc::clone(&f));
            handles.push(tokio::spawn(async move {
                b.verify(&f.messages[i], &f.signatures[i], &f.key).await
            }));
        }
        tokio::task::yield_now().await;
        for (i, h) in handles.iter().enumerate() {
            if i % 2 == 0 {
                h.abort();
            }
        }
        for (i, h) in handles.into_iter().enumerate() {
            let r = tokio::time::timeout(Duration::from_secs(30), h)
                .await
                .expect("no request is left waiting");
            if i % 2 == 1 {
                assert_eq!(
                    r.expect("not aborted"),
                    i % 7 != 3,
                    "{execution:?} item {i}"
                );
            }
        }
        // Every slot came back: sixteen more concurrent requests all find room.
        let before = b.stats().direct;
        let stats = run(b, Arc::clone(&f), 16).await;
        assert_eq!(stats.direct, before, "{execution:?}: {stats:?}");
    }
}

#[tokio::test(flavor = "current_thread")]
async fn dropping_the_leader_passes_the_lead_on() {
    use std::future::Future;
    use std::task::{Context, Poll, Waker};
    let f = fixture(8);
    let b = Batcher::spawn(Config {
        max_pending: 8,
        ..config(Execution::Inline)
    });
    let mut cx = Context::from_waker(Waker::noop());
    let mut futures: Vec<_> = (0..8)
        .map(|i| Some(Box::pin(b.verify(&f.messages[i], &f.signatures[i], &f.key))))
        .collect();
    // The first leads and yields; the others queue behind it. Nothing is checked yet.
    for fut in futures.iter_mut().flatten() {
        assert!(fut.as_mut().poll(&mut cx).is_pending());
    }
    assert_eq!(b.stats().batches, 0);
    // Drop the leader and two queued requests.
    for i in [0, 2, 5] {
        futures[i] = None;
    }
    // The next in line now leads: its second poll checks the batch of the five left.
    let mut answers = vec![None; 8];
    for _ in 0..3 {
        for (i, fut) in futures.iter_mut().enumerate() {
            if let Some(fut) = fut
                && answers[i].is_none()
                && let Poll::Ready(ok) = fut.as_mut().poll(&mut cx)
            {
                answers[i] = Some(ok);
            }
        }
    }
    let expected: Vec<Option<bool>> = (0..8)
        .map(|i| (![0, 2, 5].contains(&i)).then_some(i % 7 != 3))
        .collect();
    assert_eq!(answers, expected);
    let s = b.stats();
    assert_eq!((s.batches, s.batched), (1, 5), "{s:?}");
    drop(futures);
    // Every slot was given back.
    let stats = run(b, fixture(8), 8).await;
    assert_eq!(stats.direct, 0, "{stats:?}");
}
