//! Prometheus metrics: request counts and latency by matched route, plus a few gauges the
//! service updates itself. Rendered at `GET /metrics` in the text exposition format.

use std::sync::Mutex;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: &'static str,
    route: String,
    status: u16,
}

/// The method as a label: one of the methods the service knows, or `other`. Hyper accepts
/// extension methods of any length, and a label per invented method would grow the families
/// without bound (one request each is enough).
fn method_label(method: &str) -> &'static str {
    const KNOWN: [&str; 9] = [
        "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT",
    ];
    KNOWN.into_iter().find(|m| *m == method).unwrap_or("other")
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct VerdictLabels {
    status: &'static str,
}

/// The service's metrics.
pub struct Metrics {
    registry: Mutex<Registry>,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    verdicts: Family<VerdictLabels, Counter>,
    scans_flushed: Counter,
    label_jobs: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("tasdiq");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            Histogram::new([
                0.000_25, 0.000_5, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0,
                2.5, 5.0,
            ])
        });
        let verdicts = Family::<VerdictLabels, Counter>::default();
        let scans_flushed = Counter::default();
        let label_jobs = Gauge::default();
        registry.register(
            "http_requests",
            "HTTP requests by method, matched route and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "HTTP request latency by matched route",
            latency.clone(),
        );
        registry.register("verdicts", "Verdicts given, by status", verdicts.clone());
        registry.register(
            "scans_flushed",
            "Label scans written to the database",
            scans_flushed.clone(),
        );
        registry.register(
            "label_jobs_running",
            "Label downloads (PDF, CSV) holding a worker thread",
            label_jobs.clone(),
        );
        Metrics {
            registry: Mutex::new(registry),
            requests,
            latency,
            verdicts,
            scans_flushed,
            label_jobs,
        }
    }
}

impl Metrics {
    /// Counts one answered request.
    pub fn observe_request(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        self.requests
            .get_or_create(&RequestLabels {
                method: method_label(method),
                route: route.to_owned(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels {
                route: route.to_owned(),
            })
            .observe(elapsed.as_secs_f64());
    }

    /// Counts one verdict.
    pub fn observe_verdict(&self, status: &'static str) {
        self.verdicts.get_or_create(&VerdictLabels { status }).inc();
    }

    /// Counts scans written by the batch writer.
    pub fn observe_flush(&self, scans: u64) {
        self.scans_flushed.inc_by(scans);
    }

    /// Marks a label job running until the returned guard is dropped.
    pub fn label_job(&self) -> LabelJobGuard {
        self.label_jobs.inc();
        LabelJobGuard(self.label_jobs.clone())
    }

    /// The text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let registry = self.registry.lock().unwrap_or_else(|e| e.into_inner());
        if prometheus_client::encoding::text::encode(&mut out, &registry).is_err() {
            out.clear();
        }
        out
    }
}

/// Counts a running label job while alive.
pub struct LabelJobGuard(Gauge);

impl Drop for LabelJobGuard {
    fn drop(&mut self) {
        self.0.dec();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invented_methods_share_one_label() {
        let m = Metrics::default();
        m.observe_request("GET", "/healthz", 200, Duration::ZERO);
        let before = m.render().len();
        for i in 0..100 {
            m.observe_request(&format!("FOO{i}"), "unmatched", 405, Duration::ZERO);
        }
        let after_one_kind = m.render().len();
        for i in 100..1000 {
            m.observe_request(&format!("BAR{i}"), "unmatched", 405, Duration::ZERO);
        }
        // Only the counts' digits grow.
        assert!(
            m.render().len() < after_one_kind + 64,
            "no growth per method"
        );
        assert!(after_one_kind < before + 2000);
        assert!(m.render().contains("method=\"other\""));
    }
}
