//! Running the real `tasdiq` binary: subcommands, and `serve` on a free port.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use tasdiq::config::Config;

/// A command for the binary with the configuration of `config` in its environment.
pub fn tasdiq(config: &Config) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tasdiq"));
    c.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUST_LOG", "warn")
        .env("TASDIQ_DATABASE_URL", &config.database_url)
        .env("TASDIQ_KEYS_DIR", &config.keys_dir)
        .env("TASDIQ_SEEDS_DIR", &config.seeds_dir)
        .env("TASDIQ_ADMIN_PASSWORD", "correct horse battery staple")
        .env("TASDIQ_PUBLIC_URL", &config.public_url)
        .env("TASDIQ_ADDR", config.addr.to_string())
        .env("TASDIQ_API_RATE", config.api_rate.to_string())
        .env("TASDIQ_API_BURST", config.api_burst.to_string())
        .env("TASDIQ_SCAN_FLUSH_MS", config.scan_flush_ms.to_string())
        .env(
            "TASDIQ_COPY_SCANS_PER_DAY",
            config.copy_scans_per_day.to_string(),
        )
        .env("TASDIQ_WITNESSES", &config.witnesses)
        .env("TASDIQ_WITNESS_QUORUM", config.witness_quorum.to_string())
        .env(
            "TASDIQ_WITNESS_INTERVAL_MS",
            config.witness_interval_ms.to_string(),
        );
    c
}

pub fn run(config: &Config, args: &[&str]) -> Output {
    tasdiq(config).args(args).output().expect("run tasdiq")
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running `tasdiq serve`, stopped with SIGTERM when dropped.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub lines: Vec<String>,
}

impl Server {
    /// Starts the server and waits until it prints its sample URLs.
    pub fn start(config: &mut Config) -> Server {
        let port = free_port();
        config.addr = format!("127.0.0.1:{port}").parse().unwrap();
        let moved = config.public_url != tasdiq::config::DEFAULT_PUBLIC_URL;
        config.public_url = format!("http://127.0.0.1:{port}");
        // The database records the public URL at the first start, and a node given another
        // refuses to serve; a restart on a new port moves the service, as an admin would.
        if moved {
            let out = run(config, &["settings", "public-url", &config.public_url]);
            assert!(
                out.status.success(),
                "settings public-url: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let mut child = tasdiq(config)
            .arg("serve")
            .env(
                "RUST_LOG",
                std::env::var("TASDIQ_TEST_LOG").unwrap_or_else(|_| "warn".into()),
            )
            .stdout(Stdio::piped())
            .stderr(match &config_log(config) {
                Some(path) => Stdio::from(
                    std::fs::OpenOptions::new()
                        .create(true)
                        .append(true)
                        .open(path)
                        .expect("log file"),
                ),
                None => Stdio::inherit(),
            })
            .spawn()
            .expect("spawn serve");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut lines = Vec::new();
        loop {
            match rx.recv_timeout(Duration::from_secs(120)) {
                Ok(line) => {
                    let done = line.starts_with("sample (JSON)");
                    lines.push(line);
                    if done {
                        break;
                    }
                }
                Err(_) => panic!("serve did not come up; it printed: {lines:?}"),
            }
        }
        Server {
            child,
            base: config.public_url.clone(),
            lines,
        }
    }

    /// The URL printed for a sample, e.g. "authentic".
    pub fn sample(&self, what: &str) -> String {
        let prefix = format!("sample ({what}): ");
        self.lines
            .iter()
            .find_map(|l| l.strip_prefix(&prefix))
            .unwrap_or_else(|| panic!("no {what} sample in {:?}", self.lines))
            .to_owned()
    }

    /// Kills it with SIGKILL: no shutdown, no last flush.
    pub fn kill9(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        std::mem::forget(self);
    }

    /// Stops it with SIGTERM and returns its exit status code.
    pub fn stop(mut self) -> Option<i32> {
        terminate(&self.child);
        let status = self.child.wait().unwrap();
        std::mem::forget(self);
        status.code()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn terminate(child: &Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
}

/// GET over real HTTP; returns status and body.
pub fn http_get(url: &str) -> (u16, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    let mut res = agent.get(url).call().expect("request");
    let status = res.status().as_u16();
    (status, res.body_mut().read_to_string().unwrap_or_default())
}

pub fn mode_of(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Where a server started for `config` writes its log: next to its key folder.
pub fn config_log(config: &Config) -> Option<std::path::PathBuf> {
    config.keys_dir.parent().map(|d| d.join("server.log"))
}

/// A blocking HTTP client that reports every status instead of failing on 4xx/5xx.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}
