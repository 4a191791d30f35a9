//! The cross-request batcher: concurrent `verify` calls are answered by shared batches.
//!
//! Requests wait in a fixed table of slots (allocated once, so a request allocates nothing)
//! and a FIFO of slot numbers. One checker at a time takes up to `max_batch` requests from
//! the queue, checks them with [`crate::verify_many_with`] outside the lock, posts the answers
//! and wakes the waiting tasks. Whatever arrived meanwhile forms the next batch, which starts as
//! soon as this one ends: there is no timer anywhere.
//!
//! Who the checker is depends on [`Execution`]:
//! - `Inline`: one of the waiting requests, on its own runtime thread. The first request to
//!   find the batcher idle leads: it yields to the scheduler once (so that requests already
//!   runnable on a single-threaded runtime can join; on an idle server this costs a trip through
//!   the scheduler, not a wait), checks one batch, then hands the lead to the oldest queued
//!   request, or marks the batcher idle.
//! - `Dedicated`: a thread of its own, woken through a condition variable when work arrives.
//!
//! A dropped request gives its slot back (or, if its batch is being checked, marks it so the
//! checker does), and a dropped leader passes the lead on, so dropping a future is harmless.
//! When every slot is taken the request is checked at once on the caller's thread with
//! `verify_strict`: the queue is bounded and overload degrades to today's behaviour.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use ed25519_dalek::Signature;

use crate::verify::{Acceptance, AdmittedKey, Item, verify_into};

/// Longest message a request may carry in its slot; longer ones are checked at once with
/// `verify_strict` (the label's signing message is 36 bytes).
pub const MAX_MESSAGE: usize = 64;

/// Where batches are checked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Execution {
    /// On the runtime thread of one of the waiting requests (see the module docs).
    #[default]
    Inline,
    /// On a dedicated thread started by [`Batcher::spawn`].
    Dedicated,
}

/// How a [`Batcher`] works.
#[derive(Clone, Copy, Debug)]
pub struct Config {
    /// Most signatures in one batch (at least 1).
    pub max_batch: usize,
    /// Most requests queued or being checked; beyond, requests are checked at once on the
    /// caller's thread with `verify_strict`.
    pub max_pending: usize,
    /// Where batches are checked.
    pub execution: Execution,
    /// Exact `verify_strict` answers, or the cheaper variant (see [`Acceptance`]).
    pub acceptance: Acceptance,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            max_batch: 64,
            max_pending: 1024,
            execution: Execution::Inline,
            acceptance: Acceptance::Exact,
        }
    }
}

/// Counters since the batcher was created.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Batches checked (a batch of one counts).
    pub batches: u64,
    /// Signatures checked in those batches.
    pub batched: u64,
    /// Signatures checked at once on the caller's thread: queue full, message longer than
    /// [`MAX_MESSAGE`], or a key that is not batchable.
    pub direct: u64,
    /// The largest batch so far.
    pub largest_batch: u64,
}

#[derive(Default)]
struct Counters {
    batches: AtomicU64,
    batched: AtomicU64,
    direct: AtomicU64,
    largest_batch: AtomicU64,
}

/// Gathers concurrent signature checks into batches. Cheap to clone; all clones share one
/// queue (and, with [`Execution::Dedicated`], one thread, which ends when the last clone is
/// dropped).
#[derive(Clone)]
pub struct Batcher {
    handle: Arc<Handle>,
}

impl std::fmt::Debug for Batcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batcher")
            .field("config", &self.handle.shared.config)
            .finish_non_exhaustive()
    }
}

/// Owned by the clones of one `Batcher`; its drop stops the dedicated thread.
struct Handle {
    shared: Arc<Shared>,
}

impl Drop for Handle {
    fn drop(&mut self) {
        let mut st = self.shared.lock();
        st.shutdown = true;
        drop(st);
        self.shared.work_ready.notify_all();
    }
}

struct Shared {
    config: Config,
    state: Mutex<State>,
    /// The dedicated thread sleeps on this while the queue is empty.
    work_ready: Condvar,
    /// Buffers of the current checker (there is only ever one), kept to avoid reallocating.
    work: Mutex<Work>,
    counters: Counters,
}

struct State {
    slots: Vec<Slot>,
    free: Vec<usize>,
    queue: VecDeque<usize>,
    /// Inline: some request holds or has been handed the lead.
    leading: bool,
    /// Dedicated: the thread is waiting on `work_ready`.
    checker_idle: bool,
    shutdown: bool,
}

#[derive(Clone, Copy)]
struct Job {
    message: [u8; MAX_MESSAGE],
    len: usize,
    signature: Signature,
    key: AdmittedKey,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Free,
    Queued,
    /// Queued, and the request must lead the next batch (inline only).
    Lead,
    InFlight,
    Done(bool),
    /// Dropped while in flight; the checker frees it.
    Abandoned,
}

struct Slot {
    phase: Phase,
    generation: u64,
    waker: Option<Waker>,
    job: Option<Job>,
}

#[derive(Default)]
struct Work {
    ids: Vec<usize>,
    jobs: Vec<Job>,
    results: Vec<bool>,
    wakers: Vec<Waker>,
}

impl Batcher {
    /// Creates a batcher; with [`Execution::Dedicated`] also starts its thread (if the thread
    /// cannot be started, batches are checked inline instead).
    pub fn spawn(config: Config) -> Batcher {
        let mut config = config;
        config.max_batch = config.max_batch.max(1);
        let slots = (0..config.max_pending)
            .map(|_| Slot {
                phase: Phase::Free,
                generation: 0,
                waker: None,
                job: None,
            })
            .collect();
        let mut shared = Arc::new(Shared {
            config,
            state: Mutex::new(State {
                slots,
                free: (0..config.max_pending).rev().collect(),
                queue: VecDeque::with_capacity(config.max_pending),
                leading: false,
                checker_idle: false,
                shutdown: false,
            }),
            work_ready: Condvar::new(),
            work: Mutex::new(Work {
                ids: Vec::with_capacity(config.max_batch),
                jobs: Vec::with_capacity(config.max_batch),
                results: Vec::with_capacity(config.max_batch),
                wakers: Vec::with_capacity(config.max_batch + 1),
            }),
            counters: Counters::default(),
        });
        if config.execution == Execution::Dedicated {
            let for_thread = Arc::clone(&shared);
            let started = std::thread::Builder::new()
                .name("sigbatch".into())
                .spawn(move || for_thread.checker_loop());
            // On failure the closure, and its clone of `shared`, are gone: check inline instead
            // (or, should a clone survive, refuse to queue, so every request is checked at once).
            if started.is_err() {
                match Arc::get_mut(&mut shared) {
                    Some(only) => only.config.execution = Execution::Inline,
                    None => shared.lock().shutdown = true,
                }
            }
        }
        Batcher {
            handle: Arc::new(Handle { shared }),
        }
    }

    /// Counters since creation, for measurements and tests.
    pub fn stats(&self) -> Stats {
        let c = &self.handle.shared.counters;
        Stats {
            batches: c.batches.load(Ordering::Relaxed),
            batched: c.batched.load(Ordering::Relaxed),
            direct: c.direct.load(Ordering::Relaxed),
            largest_batch: c.largest_batch.load(Ordering::Relaxed),
        }
    }

    /// The configuration in force.
    pub fn config(&self) -> Config {
        self.handle.shared.config
    }

    /// Whether `signature` is valid for `message` under `key`, exactly as
    /// `key.verify_strict(message, signature)` answers (with the default [`Acceptance`]).
    /// Waits for the batch the request joins; a lone request on an idle batcher is checked at
    /// once. Dropping the future before it is ready is harmless.
    pub async fn verify(&self, message: &[u8], signature: &Signature, key: &AdmittedKey) -> bool {
        let shared = &*self.handle.shared;
        let ticket = if message.len() <= MAX_MESSAGE && key.is_batchable() {
            shared.enqueue(message, signature, key)
        } else {
            None
        };
        let Some(mut ticket) = ticket else {
            shared.counters.direct.fetch_add(1, Ordering::Relaxed);
            return key.verify_strict(message, signature);
        };
        loop {
            match (&mut ticket).await {
                Outcome::Done(ok) => return ok,
                Outcome::Lead => {
                    tokio::task::yield_now().await;
                    shared.run_batch();
                }
            }
        }
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere cannot leave State half-updated in a way that matters more than
        // refusing every later request would; carry on with it.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn enqueue(
        &self,
        message: &[u8],
        signature: &Signature,
        key: &AdmittedKey,
    ) -> Option<Ticket<'_>> {
        let mut buf = [0u8; MAX_MESSAGE];
        buf.get_mut(..message.len())?.copy_from_slice(message);
        let mut st = self.lock();
        if st.shutdown && self.config.execution == Execution::Dedicated {
            return None;
        }
        let id = st.free.pop()?;
        let lead = self.config.execution == Execution::Inline && !st.leading;
        if lead {
            st.leading = true;
        }
        let wake_checker = self.config.execution == Execution::Dedicated && st.checker_idle;
        if wake_checker {
            st.checker_idle = false;
        }
        let generation = {
            let slot = st.slots.get_mut(id)?;
            slot.generation += 1;
            slot.phase = if lead { Phase::Lead } else { Phase::Queued };
            slot.waker = None;
            slot.job = Some(Job {
                message: buf,
                len: message.len(),
                signature: *signature,
                key: *key,
            });
            slot.generation
        };
        st.queue.push_back(id);
        drop(st);
        if wake_checker {
            self.work_ready.notify_one();
        }
        Some(Ticket {
            shared: self,
            id,
            generation,
            finished: false,
        })
    }

    /// Takes one batch from the queue, checks it and posts the answers.
    fn run_batch(&self) {
        let mut work = self.work.lock().unwrap_or_else(|e| e.into_inner());
        let work = &mut *work;
        work.ids.clear();
        work.jobs.clear();
        {
            let mut st = self.lock();
            while work.ids.len() < self.config.max_batch {
                let Some(id) = st.queue.pop_front() else {
                    break;
                };
                if let Some(slot) = st.slots.get_mut(id)
                    && let Some(job) = slot.job
                {
                    slot.phase = Phase::InFlight;
                    work.ids.push(id);
                    work.jobs.push(job);
                }
            }
        }

        let items: Vec<Item<'_>> = work
            .jobs
            .iter()
            .map(|j| Item {
                message: j.message.get(..j.len).unwrap_or(&[]),
                signature: &j.signature,
                key: &j.key,
            })
            .collect();
        work.results.clear();
        work.results.resize(items.len(), false);
        if !items.is_empty() {
            let c = &self.counters;
            c.batches.fetch_add(1, Ordering::Relaxed);
            c.batched.fetch_add(items.len() as u64, Ordering::Relaxed);
            c.largest_batch
                .fetch_max(items.len() as u64, Ordering::Relaxed);
        }
        verify_into(&items, self.config.acceptance, &mut work.results);

        {
            let mut st = self.lock();
            for (&id, &ok) in work.ids.iter().zip(&work.results) {
                let Some(slot) = st.slots.get_mut(id) else {
                    continue;
                };
                if slot.phase == Phase::Abandoned {
                    slot.phase = Phase::Free;
                    slot.job = None;
                    slot.waker = None;
                    st.free.push(id);
                } else {
                    slot.phase = Phase::Done(ok);
                    work.wakers.extend(slot.waker.take());
                }
            }
            if self.config.execution == Execution::Inline {
                st.pass_lead(&mut work.wakers);
            }
        }
        for w in work.wakers.drain(..) {
            w.wake();
        }
    }

    fn checker_loop(&self) {
        loop {
            let mut st = self.lock();
            while st.queue.is_empty() && !st.shutdown {
                st.checker_idle = true;
                st = self.work_ready.wait(st).unwrap_or_else(|e| e.into_inner());
            }
            st.checker_idle = false;
            if st.queue.is_empty() {
                return; // shut down, nothing left
            }
            drop(st);
            self.run_batch();
        }
    }
}

impl State {
    /// Inline: the oldest queued request leads the next batch, or nobody leads.
    fn pass_lead(&mut self, wakers: &mut Vec<Waker>) {
        match self.queue.front().copied() {
            Some(next) => {
                if let Some(slot) = self.slots.get_mut(next) {
                    slot.phase = Phase::Lead;
                    wakers.extend(slot.waker.take());
                }
            }
            None => self.leading = false,
        }
    }

    fn release(&mut self, id: usize) {
        if let Some(slot) = self.slots.get_mut(id) {
            slot.phase = Phase::Free;
            slot.job = None;
            slot.waker = None;
            self.free.push(id);
        }
    }
}

enum Outcome {
    Done(bool),
    Lead,
}

/// A request's claim on its slot, until it has its answer.
struct Ticket<'a> {
    shared: &'a Shared,
    id: usize,
    generation: u64,
    finished: bool,
}

impl Future for &mut Ticket<'_> {
    type Output = Outcome;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Outcome> {
        let ticket = &mut **self.get_mut();
        let mut st = ticket.shared.lock();
        let Some(slot) = st.slots.get_mut(ticket.id) else {
            ticket.finished = true;
            return Poll::Ready(Outcome::Done(false));
        };
        if slot.generation != ticket.generation {
            // Cannot happen: only this ticket frees its slot before it finishes.
            ticket.finished = true;
            return Poll::Ready(Outcome::Done(false));
        }
        match slot.phase {
            Phase::Done(ok) => {
                st.release(ticket.id);
                ticket.finished = true;
                Poll::Ready(Outcome::Done(ok))
            }
            Phase::Lead => Poll::Ready(Outcome::Lead),
            Phase::Queued | Phase::InFlight => {
                match &slot.waker {
                    Some(w) if w.will_wake(cx.waker()) => {}
                    _ => slot.waker = Some(cx.waker().clone()),
                }
                Poll::Pending
            }
            Phase::Free | Phase::Abandoned => {
                ticket.finished = true;
                Poll::Ready(Outcome::Done(false))
            }
        }
    }
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        let mut wakers = Vec::new();
        {
            let mut st = self.shared.lock();
            let id = self.id;
            let phase = match st.slots.get(id) {
                Some(slot) if slot.generation == self.generation => slot.phase,
                _ => return,
            };
            match phase {
                Phase::Queued | Phase::Lead => {
                    st.queue.retain(|&q| q != id);
                    st.release(id);
                    if phase == Phase::Lead {
                        st.pass_lead(&mut wakers);
                    }
                }
                Phase::InFlight => {
                    if let Some(slot) = st.slots.get_mut(id) {
                        slot.phase = Phase::Abandoned;
                        slot.waker = None;
                    }
                }
                Phase::Done(_) => st.release(id),
                Phase::Free | Phase::Abandoned => {}
            }
        }
        for w in wakers {
            w.wake();
        }
    }
}
